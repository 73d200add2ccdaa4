/**
 * The second core for a big index's searches. BM25's best rows over a million paragraphs take
 * ~33 ms on one core; either half of the rows alone takes ~17 ms (each half's own threshold
 * prunes a little less than the whole's). So a big index scores its upper rows in this helper
 * thread while the main thread scores the rest and scans the vectors, and merges the two into
 * exactly the one-thread result (`mergeTop`); the split moves so both end together
 * (`SplitBalance`), and each prunes with the better threshold of the two (`SharedThreshold`).
 * At 1M paragraphs, ask p50 44 -> 29 ms. The helper reads the index where it is: the
 * postings, their skip blocks, the row lengths and liveness are in shared memory
 * (shared-arena.ts), each buffer handed over once. A search is synchronous code, so the main
 * thread waits for the helper with `Atomics.wait`; when the helper is not ready, has failed or
 * takes far too long, the main thread scores those rows itself: the answer never depends on it.
 */
import type { Worker } from 'node:worker_threads';
import { SharedThreshold, type Bm25Rows, type RowRange, type ScoringTerm } from './bm25-topk.js';
import { isShared } from './shared-arena.js';
import { startIndexWorker } from './start-worker.js';

/** Slots of the control words shared with the helper. */
export const DONE = 0;
export const READY = 1;
export const COUNT = 2;
export const STOP = 3;
/** The helper's time on its last request, in microseconds. */
export const ELAPSED = 4;
/** Rung when a search is coming (and with each request): the helper stops sleeping. */
export const BELL = 5;
/** The main thread scores the half itself when the helper has not answered by then (it takes ~20 ms at 1M). */
const TIMEOUT_MS = 5000;

/** A shared array as the helper finds it: buffer id, byte offset, length in elements. */
export type Ref = [number, number, number];

export interface HelperTerm {
  bytes: Ref;
  n: number;
  blocks: Ref;
  blockMax: Ref;
  summaryAvg: number;
  w: number;
  bound: number;
}

export interface HelperRequest {
  seq: number;
  /** Buffers the helper has not seen yet, and ids of those the main thread has let go. */
  buffers: Array<[number, SharedArrayBuffer]>;
  forget: number[];
  /** Where the helper writes its rows and scores, and the threshold both threads share, when they changed. */
  result: { rows: SharedArrayBuffer; scores: SharedArrayBuffer; threshold: SharedArrayBuffer } | null;
  rows: Omit<Bm25Rows, 'lengths' | 'alive'> & { lengths: Ref; alive: Ref };
  terms: HelperTerm[];
  limit: number;
  range: RowRange;
}

export interface HelperResult {
  rows: Int32Array<ArrayBufferLike>;
  scores: Float64Array<ArrayBufferLike>;
  /** The helper's time on it. */
  ms: number;
}

/** A request the helper is working on. */
export interface HelperJob {
  /** The threshold the helper shares for this search: the caller's own range prunes with it too. */
  threshold: SharedThreshold;
  /** Its result, best first; null when the helper failed or timed out (the caller scores the range itself). */
  wait(): HelperResult | null;
}

let shared: SearchHelper | null | undefined;

export class SearchHelper {
  private readonly worker: Worker;
  private readonly control = new Int32Array(new SharedArrayBuffer(6 * 4));
  private seq = 0;
  private broken = false;
  private readonly ids = new WeakMap<SharedArrayBuffer, number>();
  private nextId = 1;
  private forgotten: number[] = [];
  private readonly registry = new FinalizationRegistry<number>((id) => this.forgotten.push(id));
  private result: { rows: Int32Array; scores: Float64Array } | null = null;
  private readonly threshold = new SharedThreshold();
  private resultSent = false;
  /** Searches the helper took part in (for tests and the log). */
  splits = 0;

  /** The process's helper, started on the first call; null where a worker thread cannot start. */
  static get(): SearchHelper | null {
    if (shared === undefined) {
      try {
        shared = new SearchHelper();
      } catch {
        shared = null;
      }
    }
    return shared;
  }

  private constructor() {
    this.worker = startIndexWorker('search-helper-worker', { control: this.control });
    this.worker.unref();
    const fail = () => {
      this.broken = true;
    };
    this.worker.on('error', fail);
    this.worker.on('exit', fail);
  }

  /** Whether a search can hand it a range now (it has started and has not failed). */
  get ready(): boolean {
    return !this.broken && Atomics.load(this.control, READY) === 1;
  }

  /**
   * Starts scoring `range` of the index in the helper; null when the helper is not ready or an
   * array the terms need is not in shared memory (the caller scores the range itself).
   */
  start(index: Bm25Rows, terms: ScoringTerm[], limit: number, range: RowRange): HelperJob | null {
    // Busy with a request nobody waited for (a search that threw): this search runs alone.
    if (!this.ready || Atomics.load(this.control, DONE) !== this.seq) return null;
    const { lengths, alive } = index;
    if (!isShared(lengths) || !isShared(alive)) return null;
    for (const { posting, summary } of terms) {
      if (!isShared(posting.bytes) || !isShared(summary.blocks) || !isShared(summary.blockMax)) return null;
    }
    const buffers: Array<[number, SharedArrayBuffer]> = [];
    const ref = (array: ArrayBufferView & { length: number }): Ref => {
      const buffer = array.buffer as SharedArrayBuffer;
      let id = this.ids.get(buffer);
      if (id === undefined) {
        id = this.nextId++;
        this.ids.set(buffer, id);
        this.registry.register(buffer, id);
        buffers.push([id, buffer]);
      }
      return [id, array.byteOffset, array.length];
    };
    if (!this.result || this.result.rows.length < limit) {
      this.result = { rows: new Int32Array(new SharedArrayBuffer(4 * limit)), scores: new Float64Array(new SharedArrayBuffer(8 * limit)) };
      this.resultSent = false;
    }
    const result = this.result;
    const request: HelperRequest = {
      seq: ++this.seq,
      buffers,
      forget: this.forgotten.splice(0),
      result: this.resultSent
        ? null
        : {
            rows: result.rows.buffer as SharedArrayBuffer,
            scores: result.scores.buffer as SharedArrayBuffer,
            threshold: this.threshold.buffer,
          },
      rows: { ...index, lengths: ref(lengths), alive: ref(alive) },
      terms: terms.map(({ posting, summary, w, bound }) => ({
        bytes: ref(posting.bytes),
        n: posting.n,
        blocks: ref(summary.blocks),
        blockMax: ref(summary.blockMax),
        summaryAvg: summary.avg,
        w,
        bound,
      })),
      limit,
      range,
    };
    this.resultSent = true;
    this.threshold.reset();
    this.worker.postMessage(request);
    this.ring();
    this.splits++;
    return { threshold: this.threshold, wait: () => this.wait(request.seq) };
  }

  /**
   * Wakes the helper ahead of a search: asleep, it took up to a few ms to start on a request
   * (its vCPU gone idle). Awake, it watches for a request for a few ms. At 1M paragraphs, with
   * 30 ms of quiet before each question, alternating with no bell in one process: ask p90
   * 51.7 -> 43.9 ms, p99 71.8 -> 53.4 ms, the median unchanged.
   */
  ring(): void {
    Atomics.add(this.control, BELL, 1);
    Atomics.notify(this.control, BELL);
  }

  private wait(seq: number): HelperResult | null {
    const deadline = performance.now() + TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(this.control, DONE);
      if (done === seq) break;
      if (done > seq) return null; // a later request's result is there now
      const left = deadline - performance.now();
      if (left <= 0 || this.broken) return this.fail();
      Atomics.wait(this.control, DONE, done, left);
    }
    const count = Atomics.load(this.control, COUNT);
    if (count < 0 || !this.result) return this.fail();
    const ms = Atomics.load(this.control, ELAPSED) / 1000;
    return { rows: this.result.rows.subarray(0, count), scores: this.result.scores.subarray(0, count), ms };
  }

  /** A helper that failed once is not asked again: its thread is stopped. */
  private fail(): null {
    this.broken = true;
    Atomics.store(this.control, STOP, 1);
    this.ring();
    void this.worker.terminate();
    return null;
  }

  /** Stops the helper (tests; a process exits without it, the thread is unreferenced). */
  static stop(): void {
    shared?.fail();
    shared = undefined;
  }
}

/** The main thread's share of the rows goes from 10 % to 90 %. */
const MIN_SHARE = 0.1;
/** Each search moves the share this far toward the one that would have balanced it. */
const SMOOTHING = 0.2;

/**
 * Where a split search divides the rows: both threads should end together, and the main thread
 * also scans the vectors meanwhile (more so with a dense model's vectors). Its time is taken as
 * a cost per row (the helper's, which does nothing else) plus the rest, and the share that
 * would have balanced the last search is approached a fifth of the way each search. Any split
 * gives the same result: it only moves work.
 */
export class SplitBalance {
  /** The main thread's share of the rows. */
  share = 0.5;

  /** The first row the helper scores. */
  split(rowCount: number): number {
    return Math.round(rowCount * this.share);
  }

  /** A split search: the main thread's time from start to finish, the helper's time, the split and the rows. */
  note(ownMs: number, helperMs: number, split: number, rowCount: number): void {
    const helperRows = rowCount - split;
    if (!(helperMs > 0) || helperRows <= 0) return;
    const perRow = helperMs / helperRows;
    const rest = Math.max(0, ownMs - perRow * split);
    const balanced = Math.min(1 - MIN_SHARE, Math.max(MIN_SHARE, 0.5 - rest / (2 * perRow * rowCount)));
    this.share += SMOOTHING * (balanced - this.share);
  }
}
