/**
 * The vector-index contract: FloatVectorStore must return exactly what a double-precision
 * brute-force scan returns (up to float32 rounding), with both scans (WASM SIMD and plain JS),
 * across dimensions, filters, deletes, ties, zero vectors and k beyond the size.
 */
import { describe, expect, it } from 'vitest';
import { FloatVectorStore, matchesMetadata, type Metadata, type RawHit } from '../src/core/index/vector-store.js';
import { dotKernelBytes } from '../src/core/index/simd-dot.js';
import { SanadError } from '../src/core/errors.js';
import { rng } from './fixtures/random.js';

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(next() + 1e-12)) * Math.cos(2 * Math.PI * next());
}

function randomVectors(n: number, dim: number, seed: number): Float64Array[] {
  const next = rng(seed);
  return Array.from({ length: n }, () => Float64Array.from({ length: dim }, () => gaussian(next)));
}

/** Cosine in double precision, 0 when either vector is zero. */
function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** The reference: every allowed row scored in double, best first, ties to the lower row. */
function bruteForce(vectors: ArrayLike<number>[], query: ArrayLike<number>, allow: (row: number) => boolean = () => true) {
  const all = vectors.map((v, row) => ({ row, score: cosine(v, query) })).filter(({ row }) => allow(row));
  return all.sort((a, b) => b.score - a.score || a.row - b.row);
}

const EPS = 1e-5;

/**
 * `hits` is a correct top-k of `ref`: right length, unique rows, scores match the reference
 * within float32 rounding, in order, and no row left out scores clearly above a row kept.
 */
function expectValidTopK(hits: Array<{ row: number; score: number }>, ref: Array<{ row: number; score: number }>, k: number): void {
  const want = Math.min(k, ref.length);
  expect(hits.length).toBe(want);
  if (want === 0) return;
  const refScore = new Map(ref.map(({ row, score }) => [row, score]));
  expect(new Set(hits.map((h) => h.row)).size).toBe(want);
  const kth = ref[want - 1]!.score;
  for (let i = 0; i < want; i++) {
    const hit = hits[i]!;
    expect(refScore.has(hit.row)).toBe(true);
    expect(Math.abs(hit.score - refScore.get(hit.row)!)).toBeLessThan(EPS);
    expect(refScore.get(hit.row)!).toBeGreaterThanOrEqual(kth - EPS);
    expect(Math.abs(hit.score - ref[i]!.score)).toBeLessThan(EPS);
    if (i > 0) expect(hit.score).toBeLessThanOrEqual(hits[i - 1]!.score);
  }
}

function toF32(v: ArrayLike<number>): Float32Array {
  return Float32Array.from(v as ArrayLike<number>);
}

const SCANS = [
  { name: 'wasm-simd', wasm: true },
  { name: 'js', wasm: false },
] as const;

describe.each(SCANS)('FloatVectorStore ($name scan)', ({ name, wasm }) => {
  it('uses the scan it was asked for', () => {
    const store = new FloatVectorStore(undefined, { dim: 8, wasm });
    expect(store.scan).toBe(name);
  });

  it.each([3, 384, 1536])('matches a double-precision brute-force scan at dim %i', (dim) => {
    const n = dim === 1536 ? 700 : 3000;
    const vectors = randomVectors(n, dim, dim * 7 + 1);
    const store = new FloatVectorStore(undefined, { wasm });
    store.addRaw(
      vectors.map(toF32),
      vectors.map((_, i) => ({ i })),
    );
    expect(store.size).toBe(n);
    expect(store.dim).toBe(dim);
    const queries = randomVectors(20, dim, dim * 13 + 5);
    for (const q of queries) {
      for (const k of [1, 5, 37]) {
        const hits = store.searchRaw(toF32(q), k);
        const ref = bruteForce(vectors, q);
        expectValidTopK(hits, ref, k);
        // random gaussian data has no near-ties at this size: the rows are exactly the reference
        if (dim > 3) expect(hits.map((h) => h.row)).toEqual(ref.slice(0, k).map((r) => r.row));
      }
    }
  });

  it('breaks exact ties by insertion order, and keeps rows of duplicates distinct', () => {
    const dim = 16;
    const base = randomVectors(50, dim, 99);
    // each vector three times, plus scaled copies (same direction, same cosine)
    const vectors = [...base, ...base, ...base, ...base.map((v) => v.map((x) => x * 3))];
    const store = new FloatVectorStore(undefined, { wasm });
    store.addRaw(
      vectors.map(toF32),
      vectors.map((_, i) => ({ i })),
    );
    for (const q of randomVectors(10, dim, 7)) {
      const hits = store.searchRaw(toF32(q), 9);
      const ref = bruteForce(vectors, q);
      expectValidTopK(hits, ref, 9);
      // the exact copies of the best vector (rows r, r + 50, r + 100) tie bit for bit and come
      // in insertion order; the scaled copy (r + 150) may differ by float32 rounding
      const r = hits[0]!.row % 50;
      const copies = hits.map((h) => h.row).filter((row) => row % 50 === r && row < 150);
      expect(copies).toEqual([r, r + 50, r + 100]);
    }
  });

  it('handles integer vectors full of exact and near ties (dim 3)', () => {
    const next = rng(3);
    const vectors = Array.from({ length: 500 }, () => [0, 0, 0].map(() => Math.floor(next() * 5) - 2));
    const store = new FloatVectorStore(undefined, { wasm });
    store.addRaw(
      vectors.map(toF32),
      vectors.map(() => ({})),
    );
    for (const q of [
      [1, 0, 0],
      [1, 1, 0],
      [-2, 1, 2],
      [0, 0, 1],
    ]) {
      expectValidTopK(store.searchRaw(toF32(q), 25), bruteForce(vectors, q), 25);
    }
  });

  it('returns everything, sorted, when k exceeds the size; nothing for k <= 0 or an empty store', () => {
    const vectors = randomVectors(7, 5, 1);
    const empty = new FloatVectorStore(undefined, { wasm });
    expect(empty.searchRaw(toF32(vectors[0]!), 3)).toEqual([]);
    const store = new FloatVectorStore(undefined, { wasm });
    store.addRaw(
      vectors.map(toF32),
      vectors.map((_, i) => ({ i })),
    );
    const q = randomVectors(1, 5, 2)[0]!;
    expectValidTopK(store.searchRaw(toF32(q), 100), bruteForce(vectors, q), 100);
    expect(store.searchRaw(toF32(q), 0)).toEqual([]);
    expect(store.searchRaw(toF32(q), -1)).toEqual([]);
  });

  it('scores zero vectors 0 and accepts a zero query', () => {
    const vectors = [
      [0, 0, 0, 0],
      [1, 0, 0, 0],
      [-1, 0, 0, 0],
      [0, 0, 0, 0],
    ];
    const store = new FloatVectorStore(undefined, { wasm });
    store.addRaw(
      vectors.map(toF32),
      vectors.map((_, i) => ({ i })),
    );
    const hits = store.searchRaw(toF32([2, 0, 0, 0]), 4);
    expect(hits.map((h) => [h.row, h.score])).toEqual([
      [1, 1],
      [0, 0],
      [3, 0],
      [2, -1],
    ]);
    const zero = store.searchRaw(toF32([0, 0, 0, 0]), 2);
    expect(zero.map((h) => [h.row, h.score])).toEqual([
      [0, 0],
      [1, 0],
    ]);
  });

  it('filters by metadata object (value, list, array-valued metadata) and by row predicate', async () => {
    const dim = 32;
    const n = 4000;
    const vectors = randomVectors(n, dim, 11);
    const docs = ['a', 'b', 'c', 'd'];
    // documents in contiguous blocks (the usual layout), collections interleaved
    const metas: Metadata[] = vectors.map((_, i) => ({
      i,
      document: docs[Math.floor(i / 1000)],
      collection: i % 3 === 0 ? 'ops' : 'news',
      tags: i % 5 === 0 ? ['x', 'y'] : ['y'],
    }));
    const store = new FloatVectorStore(undefined, { wasm });
    store.addRaw(vectors.map(toF32), metas);
    const cases: Array<[Record<string, unknown>, (m: Metadata) => boolean]> = [
      [{ document: 'b' }, (m) => m['document'] === 'b'],
      [{ document: ['a', 'd'] }, (m) => m['document'] === 'a' || m['document'] === 'd'],
      [{ collection: 'ops', document: 'c' }, (m) => m['collection'] === 'ops' && m['document'] === 'c'],
      [{ tags: 'x' }, (m) => (m['tags'] as string[]).includes('x')],
      [{ document: 'zzz' }, () => false],
      [{ document: undefined }, () => true],
    ];
    for (const q of randomVectors(5, dim, 12)) {
      for (const [filter, pred] of cases) {
        const mask = (row: number) => pred(metas[row]!);
        const ref = bruteForce(vectors, q, mask);
        const hits = store.searchRaw(toF32(q), 10, (row) => matchesMetadata(metas[row]!, filter));
        expectValidTopK(hits, ref, 10);
        // the same filter as a LangChain metadata object: a cached row mask, scanned run by run
        // when it leaves few contiguous rows ({ document: 'b' }), bit by bit otherwise
        for (let repeat = 0; repeat < 2; repeat++) {
          const docsFound = await store.similaritySearchVectorWithScore([...q], 10, filter);
          expectValidTopK(
            docsFound.map(([doc, score]) => ({ row: doc.metadata['i'] as number, score })),
            ref,
            10,
          );
        }
      }
    }
  });

  it('scans the first and last row of each filtered run (few contiguous rows) and of a sparse mask', async () => {
    const dim = 8;
    const n = 400;
    const vectors = randomVectors(n, dim, 71);
    const q = randomVectors(1, dim, 72)[0]!;
    // rows 100..139 are document 'a' (one short run); every 7th row is in collection 'x' (sparse)
    const metas: Metadata[] = vectors.map((_, i) => ({
      i,
      document: i >= 100 && i < 140 ? 'a' : 'z',
      collection: i % 7 === 0 ? 'x' : 'y',
    }));
    // the best rows inside each filter sit at its edges: 139 and 100 for 'a', 399 and 0 for 'x'
    for (const [row, shift] of [
      [139, 0],
      [100, 0.5],
      [399, 0],
      [0, 0.5],
    ] as const) {
      vectors[row] = q.map((x, j) => x + (j === 1 ? shift : 0));
    }
    const store = new FloatVectorStore(undefined, { wasm });
    store.addRaw(vectors.map(toF32), metas);
    for (const [filter, edges] of [
      [{ document: 'a' }, [139, 100]],
      [{ collection: 'x' }, [399, 0]],
    ] as const) {
      const hits = await store.similaritySearchVectorWithScore([...q], 2, filter);
      expect(hits.map(([doc]) => doc.metadata['i'])).toEqual(edges);
    }
  });

  it('applies LangChain filters: a metadata object and a document function', async () => {
    const dim = 24;
    const vectors = randomVectors(3000, dim, 21);
    const store = new FloatVectorStore(undefined, { wasm });
    store.addRaw(
      vectors.map(toF32),
      vectors.map((_, i) => ({ document: i < 100 ? 'small' : 'big', i })),
      undefined,
      vectors.map((_, i) => `text ${i}`),
    );
    const q = randomVectors(1, dim, 22)[0]!;
    const small = await store.similaritySearchVectorWithScore([...q], 5, { document: 'small' });
    expectValidTopK(
      small.map(([doc, score]) => ({ row: doc.metadata['i'] as number, score })),
      bruteForce(vectors, q, (r) => r < 100),
      5,
    );
    expect(small[0]![0].pageContent).toBe(`text ${small[0]![0].metadata['i']}`);
    const odd = await store.similaritySearchVectorWithScore([...q], 5, (doc) => (doc.metadata['i'] as number) % 2 === 1);
    expectValidTopK(
      odd.map(([doc, score]) => ({ row: doc.metadata['i'] as number, score })),
      bruteForce(vectors, q, (r) => r % 2 === 1),
      5,
    );
  });

  it('deletes by id, by filter and by predicate, and stays exact', async () => {
    const dim = 20;
    const vectors = randomVectors(1000, dim, 31);
    const ids = vectors.map((_, i) => `p${i}`);
    const store = new FloatVectorStore(undefined, { wasm });
    store.addRaw(
      vectors.map(toF32),
      vectors.map((_, i) => ({ i, document: i % 2 ? 'odd' : 'even' })),
      ids,
    );
    const gone = new Set([0, 5, 999, 500, 501]);
    await store.delete({ ids: [...gone].map((i) => `p${i}`).concat('unknown') });
    expect(store.size).toBe(995);
    const removed = store.removeWhere((m) => (m['i'] as number) % 7 === 0);
    const alive = vectors.map((_, i) => i).filter((i) => !gone.has(i) && i % 7 !== 0);
    expect(removed).toBe(995 - alive.length);
    expect(store.size).toBe(alive.length);
    const q = randomVectors(1, dim, 32)[0]!;
    const hits = store.searchRaw(toF32(q), 15);
    const ref = bruteForce(
      alive.map((i) => vectors[i]!),
      q,
    ).map(({ row, score }) => ({ row: alive[row]!, score }));
    expectValidTopK(
      hits.map((h) => ({ row: h.metadata['i'] as number, score: h.score })),
      ref,
      15,
    );
    for (const h of hits) expect(h.id).toBe(`p${h.metadata['i'] as number}`);
    expect(store.rowOf('p0')).toBeUndefined();
    expect(store.rowOf('p1')).toBe(0);
    // a cached filter mask must not survive the delete
    const before = store.searchRaw(toF32(q), 3, (r) => store.metadata(r)!['document'] === 'odd');
    await store.delete({ filter: { document: 'odd' } });
    const odd = await store.similaritySearchVectorWithScore([...q], 3, { document: 'odd' });
    expect(odd).toEqual([]);
    expect(before.length).toBe(3);
    await expect(store.delete()).rejects.toBeInstanceOf(SanadError);
  });

  it('scores chosen rows with scoreRows, matching the double-precision cosine', () => {
    const dim = 30;
    const vectors = randomVectors(200, dim, 61);
    const store = new FloatVectorStore(undefined, { wasm });
    store.addRaw(
      vectors.map(toF32),
      vectors.map(() => ({})),
    );
    const q = randomVectors(1, dim, 62)[0]!;
    const rows = [199, 0, 57, 57];
    const scores = store.scoreRows(toF32(q), rows);
    rows.forEach((row, j) => expect(Math.abs(scores[j]! - cosine(vectors[row]!, q))).toBeLessThan(EPS));
    expect(() => store.scoreRows(toF32(q), [200])).toThrow(RangeError);
  });

  it('replaces a row in place when an id is added again', () => {
    const store = new FloatVectorStore(undefined, { wasm });
    store.addRaw([toF32([1, 0, 0]), toF32([0, 1, 0])], [{ v: 1 }, { v: 2 }], ['a', 'b']);
    store.addRaw([toF32([0, 0, 5])], [{ v: 3 }], ['a']);
    expect(store.size).toBe(2);
    const hits = store.searchRaw(toF32([0, 0, 1]), 1);
    expect(hits[0]).toMatchObject({ row: 0, id: 'a', metadata: { v: 3 } });
    expect(hits[0]!.score).toBeCloseTo(1, 6);
  });

  it('grows across many small adds and keeps every vector', () => {
    const dim = 12;
    const vectors = randomVectors(3000, dim, 41);
    const store = new FloatVectorStore(undefined, { wasm });
    for (let i = 0; i < vectors.length; i += 7) {
      const part = vectors.slice(i, i + 7);
      store.addRaw(
        part.map(toF32),
        part.map((_, j) => ({ i: i + j })),
      );
    }
    expect(store.size).toBe(3000);
    for (const row of [0, 1234, 2999]) {
      const v = store.vector(row);
      expect(cosine(v, vectors[row]!)).toBeCloseTo(1, 6);
    }
    const q = randomVectors(1, dim, 42)[0]!;
    expectValidTopK(store.searchRaw(toF32(q), 8), bruteForce(vectors, q), 8);
  });

  it('accepts one flat Float32Array of rows', () => {
    const dim = 6;
    const vectors = randomVectors(50, dim, 51);
    const flat = new Float32Array(50 * dim);
    vectors.forEach((v, i) => flat.set(v, i * dim));
    const store = new FloatVectorStore(undefined, { wasm, dim });
    store.addRaw(
      flat,
      vectors.map((_, i) => ({ i })),
    );
    const q = randomVectors(1, dim, 52)[0]!;
    expectValidTopK(store.searchRaw(toF32(q), 5), bruteForce(vectors, q), 5);
  });

  it('rejects wrong dimensions and non-finite values with a SanadError, leaving the store unchanged', () => {
    const store = new FloatVectorStore(undefined, { wasm });
    store.addRaw([toF32([1, 2, 3])], [{}]);
    expect(() => store.addRaw([toF32([1, 2])], [{}])).toThrow(SanadError);
    expect(() => store.addRaw([toF32([1, 2, 3]), toF32([1, NaN, 3])], [{}, {}])).toThrow(/non-finite/);
    expect(() => store.searchRaw(toF32([1, 2]), 1)).toThrow(/dimension/);
    expect(() => store.addRaw([toF32([1, 2, 3])], [{}, {}])).toThrow(SanadError);
    expect(store.size).toBe(1);
  });
});

describe('WASM SIMD and plain-JS scans', () => {
  it.each([3, 100, 384, 1536])('give identical top-k at dim %i', (dim) => {
    const n = dim === 1536 ? 1200 : 5000;
    const vectors = randomVectors(n, dim, dim + 3).map(toF32);
    const metas = vectors.map((_, i) => ({ i, document: `d${i % 4}` }));
    const simd = new FloatVectorStore(undefined, { wasm: true });
    const js = new FloatVectorStore(undefined, { wasm: false });
    simd.addRaw(vectors, metas);
    js.addRaw(vectors, metas);
    expect(simd.scan).toBe('wasm-simd');
    expect(js.scan).toBe('js');
    for (const q of randomVectors(25, dim, dim + 4)) {
      const a: RawHit[] = simd.searchRaw(toF32(q), 10);
      const b: RawHit[] = js.searchRaw(toF32(q), 10);
      if (dim > 3) expect(a.map((h) => h.row)).toEqual(b.map((h) => h.row));
      a.forEach((h, i) => expect(Math.abs(h.score - b[i]!.score)).toBeLessThan(EPS));
    }
  });

  it('emits a valid module for every stride and refuses a stride that is not a multiple of 4', () => {
    for (const stride of [4, 8, 12, 16, 96, 384, 1536]) {
      expect(WebAssembly.validate(dotKernelBytes(stride))).toBe(true);
    }
    expect(() => dotKernelBytes(6)).toThrow(RangeError);
  });
});

describe('memory', () => {
  it('holds a bulk load in at most 1.1x the raw vector bytes', () => {
    const dim = 384;
    const n = 20_000;
    const flat = new Float32Array(n * dim);
    const next = rng(5);
    for (let i = 0; i < flat.length; i++) flat[i] = next() - 0.5;
    const store = new FloatVectorStore(undefined, { dim });
    store.addRaw(
      flat,
      Array.from({ length: n }, () => ({})),
    );
    expect(store.vectorBytes / (n * dim * 4)).toBeLessThanOrEqual(1.1);
    // then a stream of small appends past that size stays within the bound too
    for (let i = 0; i < 40; i++)
      store.addRaw(
        flat.subarray(0, 50 * dim),
        Array.from({ length: 50 }, () => ({})),
      );
    expect(store.vectorBytes / (store.size * dim * 4)).toBeLessThanOrEqual(1.1);
  });
});
