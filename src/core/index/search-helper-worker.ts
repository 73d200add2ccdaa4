/**
 * The search helper's thread (search-helper.ts): waits for a range of rows to score, scores it
 * with the same code the main thread runs (bm25-topk.ts), and writes the best rows back.
 */
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { SharedThreshold, emptyScratch, topScores, type ScoringTerm } from './bm25-topk.js';
import { BELL, COUNT, DONE, ELAPSED, READY, STOP, type HelperRequest, type Ref } from './search-helper.js';

const control = (workerData as { control: Int32Array }).control;
const buffers = new Map<number, SharedArrayBuffer>();
const scratch = emptyScratch();
let rows: Int32Array<ArrayBufferLike> = new Int32Array(0);
let scores: Float64Array<ArrayBufferLike> = new Float64Array(0);
let threshold: SharedThreshold | undefined;

function view<T>(kind: new (buffer: SharedArrayBuffer, offset: number, length: number) => T, [id, offset, length]: Ref): T {
  const buffer = buffers.get(id);
  if (!buffer) throw new Error(`the search helper has no buffer ${id}`);
  return new kind(buffer, offset, length);
}

function score(request: HelperRequest): number {
  for (const [id, buffer] of request.buffers) buffers.set(id, buffer);
  for (const id of request.forget) buffers.delete(id);
  if (request.result) {
    rows = new Int32Array(request.result.rows);
    scores = new Float64Array(request.result.scores);
    threshold = new SharedThreshold(request.result.threshold);
  }
  const index = { ...request.rows, lengths: view(Int32Array, request.rows.lengths), alive: view(Uint8Array, request.rows.alive) };
  const terms: ScoringTerm[] = request.terms.map((t) => {
    const bytes = view(Uint8Array, t.bytes);
    const blocks = view(Int32Array, t.blocks);
    const blockMax = view(Float64Array, t.blockMax);
    return {
      posting: { bytes, used: bytes.length, n: t.n, df: 0, last: -1 },
      w: t.w,
      bound: t.bound,
      summary: { n: t.n, bytes, maxTf: 0, minLength: 0, blocks, blockMax, avg: t.summaryAvg },
    };
  });
  const best = topScores(index, terms, undefined, request.limit, scratch, request.range, threshold);
  let n = 0;
  for (const [row, s] of best) {
    rows[n] = row;
    scores[n++] = s;
  }
  return n;
}

/** How long the helper watches for a request after the bell, before it sleeps again. */
const AWAKE_MS = 10;

function answer(request: HelperRequest): void {
  let count: number;
  const started = performance.now();
  try {
    count = score(request);
  } catch {
    count = -1;
  }
  Atomics.store(control, ELAPSED, Math.round((performance.now() - started) * 1000));
  Atomics.store(control, COUNT, count);
  Atomics.store(control, DONE, request.seq);
  Atomics.notify(control, DONE);
}

Atomics.store(control, READY, 1);
let bell = Atomics.load(control, BELL);
let awakeUntil = 0;
while (Atomics.load(control, STOP) === 0) {
  const message = parentPort ? receiveMessageOnPort(parentPort) : undefined;
  if (message) {
    answer(message.message as HelperRequest);
    awakeUntil = performance.now() + AWAKE_MS;
    continue;
  }
  const rung = Atomics.load(control, BELL);
  if (rung !== bell) {
    bell = rung;
    awakeUntil = performance.now() + AWAKE_MS;
  }
  // A bounded wait, so a stop is seen even if its wake-up is missed.
  if (performance.now() > awakeUntil) Atomics.wait(control, BELL, bell, 1000);
}
