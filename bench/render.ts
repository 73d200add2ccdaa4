/** Section 1 as terminal tables. */
import { table } from './lib/table.js';
import type { VectorSection } from './vector.js';

export function renderVector(section: VectorSection): string {
  const { bandwidth, cases } = section;
  const size = (n: number) => (n >= 1000 ? `${n / 1000}k` : String(n));
  const build = table(
    '1. Vector store vs LangChain MemoryVectorStore: build and memory (same vectors)',
    ['N', 'dim', 'raw MB', 'build ms ours', 'build ms LC', 'ours MB', 'ours/raw', 'ours RSS Δ MB', 'LC heap MB', 'LC RSS Δ MB'],
    cases.map((c) => [
      size(c.n),
      String(c.dim),
      c.rawMB,
      c.build.oursMs,
      c.build.langchainMs,
      c.memory.oursAllocatedMB,
      c.memory.oursOverRaw,
      c.memory.oursRssMB,
      c.memory.langchainHeapMB,
      c.memory.langchainRssMB,
    ]),
    [
      'ours MB = bytes allocated for vectors (float32, capacity included); LC heap MB = the number[][] it keeps plus its records.',
      'build = addVectors(number[][], documents) through the LangChain API for both.',
    ],
  );
  const query = table(
    '1. Vector store vs LangChain MemoryVectorStore: query, k = 5 (ms)',
    [
      'N',
      'dim',
      'ours p50',
      'ours p99',
      'LC p50',
      'LC p99',
      'speed-up',
      'raw p50',
      'JS scan p50',
      'recall@5 ours',
      'recall@5 JS',
      'recall@5 LC',
      'floor ms',
      '% of limit',
    ],
    cases.map((c) => [
      size(c.n),
      String(c.dim),
      c.query.ours.p50,
      c.query.ours.p99,
      c.query.langchain.p50,
      c.query.langchain.p99,
      `${c.speedup.toFixed(1)}×`,
      c.query.oursRaw.p50,
      c.query.oursJs.p50,
      c.recallAt5.ours,
      c.recallAt5.oursJs,
      c.recallAt5.langchain,
      c.floor.ms,
      Math.round(c.floor.percentOfLimit),
    ]),
    [
      `ours = similaritySearchVectorWithScore (${cases[0]?.scan ?? 'wasm-simd'} scan); raw = searchRaw (no Document objects); JS scan = the plain-JS fallback.`,
      'speed-up = LC p50 / ours p50, same process, same queries. recall@5 against a double-precision full scan.',
      'floor = bytes scanned / single-core read bandwidth, measured by memchr over a buffer of the same size interleaved with our',
      'queries; % of limit = floor / ours p50 (small N fit in cache, so the "floor" there is cache bandwidth).',
      `reference read bandwidth on a ${bandwidth.bufferMB} MB buffer: memchr ${bandwidth.memchrGBs.toFixed(1)} GB/s, WASM SIMD read loop ${bandwidth.wasmSimdGBs.toFixed(1)} GB/s.`,
    ],
  );
  return build + '\n' + query;
}
