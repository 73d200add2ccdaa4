/**
 * The int8 scan of a big vector store (vector-int8.ts): with its candidates rescored from the
 * float32 rows it must return exactly what the exact float32 scan returns (rows, scores bit for
 * bit, tie order), through filters, writes and an export/import, on a store past the size from
 * which it is used.
 */
import { describe, expect, it } from 'vitest';
import { SanadError } from '../../src/core/errors.js';
import { instantiateInt8Kernel, instantiateQuantizeKernel, int8KernelBytes, quantizeKernelBytes } from '../../src/core/index/simd-int8.js';
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
    // half near a stored row (its near-duplicates compete), half anywhere
    const row = Math.floor(next() * rows);
    return Float32Array.from({ length: DIM }, (_, i) => (j % 2 === 0 ? data[row * DIM + i]! + 0.05 * gaussian(next) : gaussian(next)));
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

describe('int8 dot kernel', () => {
  it('computes exact integer dots for every width, extremes included', () => {
    const next = rng(3);
    for (const width of [16, 32, 48, 64, 512]) {
      const memory = new WebAssembly.Memory({ initial: 2 });
      const kernel = instantiateInt8Kernel(memory, width)!;
      const rows = 9;
      const q = new Int16Array(memory.buffer, 0, width);
      const data = new Int8Array(memory.buffer, 4096, rows * width);
      const out = new Int32Array(memory.buffer, 2048, rows);
      for (let i = 0; i < width; i++) q[i] = i % 5 === 0 ? -127 : Math.round(next() * 254) - 127;
      for (let i = 0; i < data.length; i++) data[i] = i < width ? -127 : i < 2 * width ? 127 : Math.round(next() * 254) - 127;
      kernel(0, 4096, rows, 2048);
      for (let row = 0; row < rows; row++) {
        let want = 0;
        for (let i = 0; i < width; i++) want += q[i]! * data[row * width + i]!;
        expect(out[row]).toBe(want);
      }
    }
    expect(() => int8KernelBytes(24)).toThrow(RangeError);
  });

  it('quantises rows to int8 within half a step of their scale (largest |value| / 127); a zero row to zeros', () => {
    const next = rng(5);
    for (const width of [16, 48, 512]) {
      const rows = 6;
      const memory = new WebAssembly.Memory({ initial: 2 });
      const quantize = instantiateQuantizeKernel(memory, width)!;
      const floats = new Float32Array(memory.buffer, 0, rows * width);
      for (let i = width; i < floats.length; i++) floats[i] = (next() - 0.5) * (i % 11 === 0 ? 0.9 : 0.1);
      floats[3 * width + 5] = -0.75; // the largest value is negative
      quantize(0, 65536, rows, 65536 + rows * width);
      const out = new Int8Array(memory.buffer, 65536, rows * width);
      const scales = new Float32Array(memory.buffer, 65536 + rows * width, rows);
      expect(scales[0]).toBe(0);
      expect(Array.from(out.subarray(0, width)).every((v) => v === 0)).toBe(true);
      for (let row = 1; row < rows; row++) {
        const values = floats.subarray(row * width, (row + 1) * width);
        const max = Math.max(...Array.from(values, Math.abs));
        expect(scales[row]).toBe(Math.fround(max / 127));
        for (let i = 0; i < width; i++) {
          const q = out[row * width + i]!;
          expect(Math.abs(q)).toBeLessThanOrEqual(127);
          expect(Math.abs(values[i]! - scales[row]! * q)).toBeLessThanOrEqual(scales[row]! * (0.5 + 2 ** -16));
        }
      }
      expect(out[3 * width + 5]).toBe(-127);
    }
    expect(() => quantizeKernelBytes(40)).toThrow(RangeError);
  });
});
