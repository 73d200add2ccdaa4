/**
 * Section 1: sanad's FloatVectorStore against LangChain's MemoryVectorStore on the same vectors
 * and the same queries (k = 5), through the same LangChain call
 * (`similaritySearchVectorWithScore`). Also: exactness against a double-precision full scan, the
 * plain-JS fallback scan, and the memory-bandwidth floor measured interleaved with our queries.
 */
import { MemoryVectorStore } from '@langchain/classic/vectorstores/memory';
import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { FloatVectorStore } from '../src/core/index/vector-store.js';
import { floorMs, measureBandwidth, type Bandwidth } from './bandwidth.js';
import { MB, gc, measure, memory, memoryDelta, summarise, type Timing } from './lib/stats.js';
import { rng } from '../test/fixtures/random.js';

export interface VectorCase {
  n: number;
  dim: number;
  rawMB: number;
  build: { oursMs: number; langchainMs: number };
  memory: {
    /** Bytes our store allocated for vectors (capacity included), in MB. */
    oursAllocatedMB: number;
    oursOverRaw: number;
    oursRssMB: number;
    oursHeapMB: number;
    /** LangChain keeps the number[][] it is given: their heap size is counted as its memory. */
    langchainHeapMB: number;
    langchainRssMB: number;
  };
  query: { ours: Timing; oursRaw: Timing; oursJs: Timing; langchain: Timing };
  speedup: number;
  recallAt5: { ours: number; oursJs: number; langchain: number; queries: number };
  floor: { ms: number; gbs: number; percentOfLimit: number };
  scan: string;
}

export interface VectorSection {
  bandwidth: Bandwidth;
  cases: VectorCase[];
}

const noEmbeddings = {} as EmbeddingsInterface;

function randomFlat(n: number, dim: number, seed: number): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(n * dim);
  for (let i = 0; i < out.length; i++) out[i] = next() * 2 - 1;
  return out;
}

/** Top-5 rows by cosine computed in double precision over every row. */
function referenceTop(
  flat: Float32Array,
  n: number,
  dim: number,
  q: number[],
  k: number,
): { rows: number[]; kth: number; scores: Float64Array } {
  let qn = 0;
  for (const x of q) qn += x * x;
  const best: Array<{ row: number; s: number }> = [];
  const scores = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let dot = 0;
    let nn = 0;
    const base = r * dim;
    for (let i = 0; i < dim; i++) {
      const v = flat[base + i]!;
      dot += v * q[i]!;
      nn += v * v;
    }
    const s = nn === 0 || qn === 0 ? 0 : dot / Math.sqrt(nn * qn);
    scores[r] = s;
    if (best.length < k || s > best[best.length - 1]!.s) {
      best.push({ row: r, s });
      best.sort((a, b) => b.s - a.s || a.row - b.row);
      if (best.length > k) best.pop();
    }
  }
  return { rows: best.map((b) => b.row), kth: best[best.length - 1]!.s, scores };
}

/** Share of the reference top-k found; a row tying the k-th best score (within 1e-6) counts. */
function recall(found: number[], ref: ReturnType<typeof referenceTop>): number {
  const want = new Set(ref.rows);
  let hits = 0;
  for (const row of found) if (want.has(row) || ref.scores[row]! >= ref.kth - 1e-6) hits++;
  return hits / ref.rows.length;
}

export interface VectorOptions {
  sizes: number[];
  dims: number[];
  log: (line: string) => void;
}

export async function runVectorSection(options: VectorOptions): Promise<VectorSection> {
  const { log } = options;
  log('section 1: measuring the single-core read bandwidth…');
  const bandwidth = measureBandwidth();
  const cases: VectorCase[] = [];
  const maxN = Math.max(...options.sizes);
  for (const dim of options.dims) {
    const flat = randomFlat(maxN, dim, dim);
    const queryPool = Array.from({ length: 32 }, (_, i) => Array.from(randomFlat(1, dim, 1000 + i)));
    for (const n of options.sizes) {
      log(`section 1: N=${n} dim=${dim}`);
      cases.push(await runCase(flat, n, dim, queryPool));
      gc();
    }
  }
  return { bandwidth, cases };
}

async function runCase(flat: Float32Array, n: number, dim: number, queries: number[][]): Promise<VectorCase> {
  const k = 5;
  const rawBytes = n * dim * 4;
  const docs = Array.from({ length: n }, (_, i) => new Document({ pageContent: '', metadata: { i }, id: `r${i}` }));

  // the embedder's output, as LangChain receives it
  const m0 = memory();
  let arrays: number[][] | null = Array.from({ length: n }, (_, r) => Array.from(flat.subarray(r * dim, (r + 1) * dim)));
  const arraysHeap = memoryDelta(m0, memory()).heapUsed;

  const m1 = memory();
  const t1 = performance.now();
  const ours = new FloatVectorStore(noEmbeddings);
  await ours.addVectors(arrays, docs);
  const oursBuild = performance.now() - t1;
  const oursMem = memoryDelta(m1, memory());

  const m2 = memory();
  const t2 = performance.now();
  const langchain = new MemoryVectorStore(noEmbeddings);
  await langchain.addVectors(arrays, docs);
  const langchainBuild = performance.now() - t2;
  arrays = null; // from here only LangChain holds them
  const lcMem = memoryDelta(m2, memory());

  // same rows for the JS fallback scan, loaded from the flat array
  const oursJs = new FloatVectorStore(noEmbeddings, { wasm: false });
  oursJs.addRaw(
    flat.subarray(0, n * dim),
    docs.map((d) => d.metadata),
  );

  const runs = n >= 100_000 ? 60 : 300;
  const q = (i: number) => queries[i % queries.length]!;
  const f32 = queries.map((x) => Float32Array.from(x));

  // ours interleaved with a read of the same number of bytes: the floor, under the same load
  const floorBuffer = Buffer.alloc(ours.size * dim * 4 + 64, 1);
  for (let i = 0; i < 5; i++) {
    floorBuffer.indexOf(7);
    await ours.similaritySearchVectorWithScore(q(i), k);
  }
  const oursSamples: number[] = [];
  const floorSamples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const a = performance.now();
    floorBuffer.indexOf(7);
    const b = performance.now();
    await ours.similaritySearchVectorWithScore(q(i), k);
    const c = performance.now();
    floorSamples.push(b - a);
    oursSamples.push(c - b);
    if (i >= 10 && c - started > 4000) break;
  }
  const oursTiming = summarise(oursSamples);
  const floorTiming = summarise(floorSamples);
  const rawTiming = await measure((i) => ours.searchRaw(f32[i % f32.length]!, k), { runs, budgetMs: 2000 });
  const jsTiming = await measure((i) => oursJs.searchRaw(f32[i % f32.length]!, k), { runs, budgetMs: 2000, warmup: 3 });
  const lcTiming = await measure((i) => langchain.similaritySearchVectorWithScore(q(i), k), {
    runs,
    budgetMs: n >= 100_000 ? 4000 : 2000,
    warmup: n >= 100_000 ? 2 : 5,
    minRuns: 5,
  });

  // exactness against a double-precision scan
  const recallQueries = n >= 100_000 ? 8 : 20;
  let rOurs = 0;
  let rJs = 0;
  let rLc = 0;
  for (let i = 0; i < recallQueries; i++) {
    const ref = referenceTop(flat, n, dim, q(i), k);
    const rowsOf = (hits: Array<[{ metadata: Record<string, unknown> }, number]>) => hits.map(([d]) => d.metadata['i'] as number);
    rOurs += recall(rowsOf(await ours.similaritySearchVectorWithScore(q(i), k)), ref);
    rJs += recall(
      oursJs.searchRaw(f32[i % f32.length]!, k).map((h) => h.row),
      ref,
    );
    rLc += recall(rowsOf(await langchain.similaritySearchVectorWithScore(q(i), k)), ref);
  }

  const bytesScanned = ours.size * dim * 4;
  const gbs = bytesScanned / 1e9 / (floorTiming.p50 / 1000);
  const result: VectorCase = {
    n,
    dim,
    rawMB: rawBytes / MB,
    build: { oursMs: oursBuild, langchainMs: langchainBuild },
    memory: {
      oursAllocatedMB: ours.vectorBytes / MB,
      oursOverRaw: ours.vectorBytes / rawBytes,
      oursRssMB: oursMem.rss / MB,
      oursHeapMB: oursMem.heapUsed / MB,
      langchainHeapMB: (lcMem.heapUsed + arraysHeap) / MB,
      langchainRssMB: lcMem.rss / MB,
    },
    query: { ours: oursTiming, oursRaw: rawTiming, oursJs: jsTiming, langchain: lcTiming },
    speedup: lcTiming.p50 / oursTiming.p50,
    recallAt5: { ours: rOurs / recallQueries, oursJs: rJs / recallQueries, langchain: rLc / recallQueries, queries: recallQueries },
    floor: { ms: floorMs(bytesScanned, gbs), gbs, percentOfLimit: (100 * floorTiming.p50) / oursTiming.p50 },
    scan: ours.scan,
  };
  return result;
}
