/**
 * The int8 scan of a big vector store (vector-int8.ts): with its candidates rescored from the
 * float32 rows it must return exactly what the exact float32 scan returns (rows, scores bit for
 * bit, tie order), through filters, writes and an export/import, on a store past the size from
 * which it is used.
 */
import { describe, expect, it } from 'vitest';
import { SanadError } from '../../src/core/errors.js';
import {
  columnKernelBytes,
  instantiateColumnKernel,
  instantiateQuantizeKernel,
  quantizeKernelBytes,
} from '../../src/core/index/simd-int8.js';
import { Int8Rows } from '../../src/core/index/vector-int8.js';
import { COMPACT_MIN_ROWS } from '../../src/core/index/vector-matrix.js';
import { VectorRows } from '../../src/core/index/vector-rows.js';
import { rng } from '../fixtures/random.js';

const DIM = 40; // not a multiple of 16: the int8 rows are padded
const N = COMPACT_MIN_ROWS + 8000;

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
}

/**
 * Clustered rows (so many score close to the best) with runs of near-duplicates 1e-5 apart,
 * which int8 cannot tell apart, and exact duplicates, whose ties go to the earlier row.
 */
function rowsFor(n: number, seed: number): Float32Array {
  const next = rng(seed);
  const centres = Array.from({ length: 40 }, () => Float64Array.from({ length: DIM }, () => gaussian(next)));
  const out = new Float32Array(n * DIM);
  for (let row = 0; row < n; row++) {
    const at = row * DIM;
    if (row % 97 === 1 || row % 89 === 2) {
      const delta = row % 97 === 1 ? 1e-5 : 0;
      for (let i = 0; i < DIM; i++) out[at + i] = out[at - DIM + i]! + (i === row % DIM ? delta : 0);
      continue;
    }
    const centre = centres[Math.floor(next() * centres.length)]!;
    for (let i = 0; i < DIM; i++) out[at + i] = centre[i]! + 0.35 * gaussian(next);
  }
  return out;
}

function queriesFor(data: Float32Array, count: number, seed: number): Float32Array[] {
  const next = rng(seed);
  const rows = data.length / DIM;
  return Array.from({ length: count }, (_, j) => {
    // near a stored row (its near-duplicates compete), anywhere, or a stored row with most
    // dimensions zeroed, as the local embedder's questions are (the kernel skips those columns)
    const row = Math.floor(next() * rows);
    if (j % 3 === 2) return Float32Array.from({ length: DIM }, (_, i) => (next() < 0.15 ? data[row * DIM + i]! : 0));
    return Float32Array.from({ length: DIM }, (_, i) => (j % 3 === 0 ? data[row * DIM + i]! + 0.05 * gaussian(next) : gaussian(next)));
  });
}

function stores(data: Float32Array, n = data.length / DIM) {
  const ids = Array.from({ length: n }, (_, i) => `r${i}`);
  const metadatas = Array.from({ length: n }, (_, i) => ({ part: Math.floor(i / 1000) % 5, odd: i % 2 }));
  const compact = new VectorRows();
  const exact = new VectorRows({ compactFrom: Infinity });
  compact.addRaw(data.subarray(0, n * DIM), metadatas, ids);
  exact.addRaw(data.subarray(0, n * DIM), metadatas, ids);
  return { compact, exact };
}

const hits = (list: Array<{ row: number; score: number }>) => list.map(({ row, score }) => [row, score]);

function expectSame(
  compact: VectorRows,
  exact: VectorRows,
  queries: Float32Array[],
  k: number,
  filter?: Parameters<VectorRows['search']>[2],
) {
  expect(compact.compactScan).toBe(true);
  expect(exact.compactScan).toBe(false);
  for (const query of queries) expect(hits(compact.search(query, k, filter))).toEqual(hits(exact.search(query, k, filter)));
}

describe('int8 scan with exact rescoring', () => {
  const data = rowsFor(N, 18);
  const queries = queriesFor(data, 40, 7);

  it('returns the exact scan top k, scores and tie order included, once the int8 copy is made', async () => {
    const { compact, exact } = stores(data);
    // the first search starts the copy and is answered by the exact scan meanwhile
    expect(hits(compact.search(queries[0]!, 5))).toEqual(hits(exact.search(queries[0]!, 5)));
    expect(compact.compactScan).toBe(false);
    await compact.prepareCompactScan();
    expect(compact.vectorBytes).toBeGreaterThan(exact.vectorBytes + N * 48);
    for (const k of [1, 5, 50]) expectSame(compact, exact, queries, k);
    // recall@5 against the exact scan, as the benchmark reports it
    let recalled = 0;
    for (const query of queries) {
      const want = new Set(exact.searchRaw(query, 5).map((h) => h.row));
      recalled += compact.searchRaw(query, 5).filter((h) => want.has(h.row)).length;
    }
    expect(recalled / (5 * queries.length)).toBe(1);
  });

  it('honours metadata filters (a mask and runs) and row predicates', async () => {
    const { compact, exact } = stores(data);
    await compact.prepareCompactScan();
    expectSame(compact, exact, queries, 10, { odd: 1 });
    expectSame(compact, exact, queries, 10, { part: 3 });
    expectSame(compact, exact, queries, 10, { part: [1, 4], odd: 0 });
    const asked: number[] = [];
    const allow = (row: number) => {
      asked.push(row);
      return row % 3 !== 0;
    };
    expectSame(compact, exact, queries, 10, allow);
    expect(asked.every((row) => row >= 0 && row < N)).toBe(true);
    expect(asked.length).toBeLessThan(N);
    expect(compact.search(queries[1]!, 10, { part: 99 })).toEqual([]);
  });

  it('stays exact through appends, replacements, deletions and an export and import', async () => {
    const { compact, exact } = stores(data, N - 1500);
    await compact.prepareCompactScan();
    const more = data.subarray((N - 1500) * DIM);
    const moreIds = Array.from({ length: 1500 }, (_, i) => `r${N - 1500 + i}`);
    const moreMeta = moreIds.map(() => ({ part: 9, odd: 0 }));
    for (const store of [compact, exact]) {
      store.addRaw(more, moreMeta, moreIds);
      // an id added again replaces its row in place: now the best match of queries[2]
      store.addRaw([queries[2]!], [{ part: 9, odd: 1 }], ['r123']);
      store.removeWhere((metadata, id) => (metadata['part'] === 2 && Number(id.slice(1)) < 20_000) || id.endsWith('37'));
    }
    expect(compact.size).toBeGreaterThan(COMPACT_MIN_ROWS);
    expect(compact.search(queries[2]!, 1)[0]!.row).toBe(compact.rowOf('r123'));
    expectSame(compact, exact, queries, 5);

    const copied = new VectorRows();
    copied.importRows(compact.exportRows());
    expect(copied.compactScan).toBe(false);
    await copied.prepareCompactScan();
    expectSame(copied, exact, queries, 5);
    // a store reused for other rows makes its copy again
    compact.importRows(exact.exportRows());
    expect(compact.compactScan).toBe(false);
    await compact.prepareCompactScan();
    expectSame(compact, exact, queries, 5);
  });

  it('finds a row whose scale is far above the rest of its tile, written alone and moved to another tile', async () => {
    // Rows spread evenly over the dimensions (scale ~0.2 / 127) and a query with one large value:
    // the row equal to the query has ~0.9 / 127, and the best of the others scores ~0.6 against it.
    const next = rng(31);
    const even = () => {
      const row = Float32Array.from({ length: DIM }, () => 1 + 0.2 * gaussian(next));
      const norm = Math.hypot(...row);
      return row.map((v) => v / norm);
    };
    const spiked = (at: number) => {
      const row = even();
      row[at] = row[at]! + 2;
      const norm = Math.hypot(...row);
      return row.map((v) => v / norm);
    };
    const n = COMPACT_MIN_ROWS + 5000;
    const rows = Array.from({ length: n }, even);
    const ids = rows.map((_, i) => `e${i}`);
    const metadatas = rows.map((_, i) => ({ early: i < 4000 ? 1 : 0 }));
    const compact = new VectorRows();
    const exact = new VectorRows({ compactFrom: Infinity });
    const queries = [spiked(0), spiked(7), spiked(39)];
    // One such row among the others from the start, far from the end where the next is written.
    rows[10_000] = queries[0]!;
    for (const store of [compact, exact]) store.addRaw(rows, metadatas, ids);
    await compact.prepareCompactScan();
    expectSame(compact, exact, queries, 3);
    // Written alone into a row of its own (the store's last), then moved 4,000 rows down.
    for (const store of [compact, exact]) store.addRaw([queries[1]!], [{ early: 0 }], ['spike7']);
    expect(compact.search(queries[1]!, 1)[0]!.row).toBe(compact.rowOf('spike7'));
    expectSame(compact, exact, queries, 3);
    for (const store of [compact, exact]) store.removeWhere((metadata) => metadata['early'] === 1);
    expect(compact.compactScan).toBe(true);
    expect(compact.search(queries[1]!, 1)[0]!.row).toBe(compact.rowOf('spike7'));
    expectSame(compact, exact, queries, 3);
  });

  it('answers a zero query and rejects a wrong dimension or a non-finite value', async () => {
    const { compact, exact } = stores(data);
    await compact.prepareCompactScan();
    expectSame(compact, exact, [new Float32Array(DIM)], 5);
    expect(() => compact.search(new Float32Array(DIM + 1), 5)).toThrow(SanadError);
    expect(() => compact.search(new Float32Array(DIM).fill(NaN), 5)).toThrow(SanadError);
  });

  it('is not made below the size it pays at, nor for the plain-JS scan', async () => {
    const small = new VectorRows();
    small.addRaw(
      data.subarray(0, 1000 * DIM),
      Array.from({ length: 1000 }, () => ({})),
    );
    await small.prepareCompactScan();
    small.search(queries[0]!, 5);
    expect(small.compactScan).toBe(false);
    const js = new VectorRows({ wasm: false });
    js.addRaw(
      data,
      Array.from({ length: N }, () => ({})),
    );
    await js.prepareCompactScan();
    expect(js.compactScan).toBe(false);
  });
});

describe('int8 tiles', () => {
  it('moves overlapping runs of rows across tile boundaries, either way, as a row-major copy would', () => {
    const next = rng(11);
    const dim = 20;
    const rows = 100;
    const floats = Float32Array.from({ length: rows * 32 }, () => next() - 0.5);
    for (const [from, to, n] of [
      [10, 3, 60], // down by less than a tile: runs cut at both sides' tile ends
      [3, 10, 60], // up
      [0, 40, 50],
      [50, 1, 49],
    ] as const) {
      const int8 = Int8Rows.create(dim, 16, rows)!;
      int8.writeRows(0, rows, floats, 32);
      const before = Array.from({ length: rows }, (_, r) => Array.from(int8.rowValues(r)));
      const scales = Array.from(int8.scales.subarray(0, rows));
      int8.moveRows(from, to, n);
      const want = before.slice();
      want.splice(to, n, ...before.slice(from, from + n));
      const wantScales = scales.slice();
      wantScales.splice(to, n, ...scales.slice(from, from + n));
      expect(Array.from({ length: rows }, (_, r) => Array.from(int8.rowValues(r)))).toEqual(want);
      expect(Array.from(int8.scales.subarray(0, rows))).toEqual(wantScales);
    }
  });

  it('writes one row where the SIMD kernel writes it', () => {
    const next = rng(12);
    // rows of 40 values, 48 floats apart with zero padding, as the matrix keeps them
    const floats = Float32Array.from({ length: 40 * 48 }, (_, i) => (i % 48 < 40 ? next() - 0.5 : 0));
    const bulk = Int8Rows.create(40, 16, 40)!;
    const single = Int8Rows.create(40, 16, 40)!;
    bulk.writeRows(0, 40, floats, 48);
    for (let r = 0; r < 40; r++) single.writeRow(r, floats, r * 48);
    for (let r = 0; r < 40; r++) {
      expect(Array.from(single.rowValues(r))).toEqual(Array.from(bulk.rowValues(r)));
      expect(single.scales[r]).toBe(bulk.scales[r]);
    }
  });
});

describe('int8 column kernel', () => {
  it('computes exact integer dots over the listed column pairs for any run of rows in a tile, extremes included', () => {
    const next = rng(3);
    for (const width of [16, 48, 512]) {
      const tile = 64;
      const memory = new WebAssembly.Memory({ initial: 2 });
      const kernel = instantiateColumnKernel(memory)!;
      const DATA = 8192;
      const OUT = 4096;
      const data = new Int8Array(memory.buffer, DATA, tile * width + 16);
      for (let i = 0; i < data.length; i++) data[i] = Math.round(next() * 254) - 127;
      // rows 0 and 1: all -127 and all 127
      for (let d = 0; d < width; d++) {
        data[d * tile] = -127;
        data[d * tile + 1] = 127;
      }
      const columns = width === 16 ? [...Array(16).keys()] : [0, 3, 5, 15, width - 1, 17, 40].filter((d) => d < width);
      // two columns an entry, their values packed; an odd one out pairs with itself at weight 0
      const pairs = Math.ceil(columns.length / 2);
      const list = new Int32Array(memory.buffer, 0, 3 * pairs);
      const weights = columns.map((_, j) => (j === 0 ? -127 : j === 1 ? 127 : Math.round(next() * 254) - 127));
      for (let p = 0; p < pairs; p++) {
        const second = 2 * p + 1 < columns.length;
        list[3 * p] = columns[2 * p]! * tile;
        list[3 * p + 1] = columns[second ? 2 * p + 1 : 2 * p]! * tile;
        list[3 * p + 2] = (weights[2 * p]! & 0xffff) | ((second ? weights[2 * p + 1]! : 0) << 16);
      }
      for (const [first, rows] of [
        [0, tile],
        [0, 2],
        [5, 27],
        [tile - 3, 3],
        [17, 0],
      ] as const) {
        const out = new Int32Array(memory.buffer, OUT, tile + 16).fill(-1);
        kernel(0, pairs, DATA + first, rows, OUT);
        for (let r = 0; r < rows; r++) {
          let want = 0;
          columns.forEach((d, j) => (want += weights[j]! * data[d * tile + first + r]!));
          expect(out[r]).toBe(want);
        }
        if (rows === 0) expect(out[0]).toBe(-1);
      }
      // no columns: every score is 0
      const out = new Int32Array(memory.buffer, OUT, 16).fill(-1);
      kernel(0, 0, DATA, 16, OUT);
      expect(Array.from(out)).toEqual(new Array(16).fill(0));
    }
    expect(columnKernelBytes().length).toBeGreaterThan(8);
  });

  it('quantises rows into tile columns within half a step of their scale (largest |value| / 127); a zero row to zeros', () => {
    const next = rng(5);
    for (const width of [16, 48, 512]) {
      const rows = 6;
      const tile = 8;
      const memory = new WebAssembly.Memory({ initial: 2 });
      const quantize = instantiateQuantizeKernel(memory, width, tile)!;
      const floats = new Float32Array(memory.buffer, 0, rows * width);
      for (let i = width; i < floats.length; i++) floats[i] = (next() - 0.5) * (i % 11 === 0 ? 0.9 : 0.1);
      floats[3 * width + 5] = -0.75; // the largest value is negative
      // rows 0 .. 5 of the copy go to rows 1 .. 6 of a tile (the first stays untouched)
      const DST = 65536;
      const tileBytes = new Int8Array(memory.buffer, DST, tile * width).fill(99);
      const scales = new Float32Array(memory.buffer, DST + tile * width, rows);
      quantize(0, DST + 1, rows, DST + tile * width);
      const value = (row: number, i: number) => tileBytes[i * tile + 1 + row]!;
      expect(scales[0]).toBe(0);
      for (let i = 0; i < width; i++) {
        expect(value(0, i)).toBe(0);
        expect(tileBytes[i * tile]).toBe(99);
        expect(tileBytes[i * tile + 7]).toBe(99);
      }
      for (let row = 1; row < rows; row++) {
        const values = floats.subarray(row * width, (row + 1) * width);
        const max = Math.max(...Array.from(values, Math.abs));
        expect(scales[row]).toBe(Math.fround(max / 127));
        for (let i = 0; i < width; i++) {
          const q = value(row, i);
          expect(Math.abs(q)).toBeLessThanOrEqual(127);
          expect(Math.abs(values[i]! - scales[row]! * q)).toBeLessThanOrEqual(scales[row]! * (0.5 + 2 ** -16));
        }
      }
      expect(value(3, 5)).toBe(-127);
    }
    expect(() => quantizeKernelBytes(40, 8)).toThrow(RangeError);
    expect(() => quantizeKernelBytes(48, 0)).toThrow(RangeError);
  });
});
