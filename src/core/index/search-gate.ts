/**
 * Searches first. A search is mostly memory reads (the BM25 accumulators, the vectors' int8
 * scan), and the two cores share one memory bus: with a re-index building in a worker beside it,
 * a 100k-paragraph question took a third longer at the median and two to three times longer at
 * the tail. So the main thread counts the searches it is running in a word shared with the index
 * workers, and a worker building an index waits at its next paragraph while that count is above
 * zero. A re-index takes longer when questions come back to back (twice as long with a question
 * every 40 ms at 100k), never more than four times: a worker spends at most three quarters of its
 * time paused, so the knowledge still updates under a flood of questions.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { isMainThread } from 'node:worker_threads';

/** A worker waits this long at most at one pause. */
const MAX_PAUSE_MS = 500;
/** The share of its time a following worker may spend paused, at most. */
const MAX_PAUSED_SHARE = 0.75;

/** Searches running on this process's main thread, shared with its index workers. */
const running = new Int32Array(new SharedArrayBuffer(4));
/** In an index worker: the main thread's count, once `followSearches` is called; since when, and how long it paused. */
let followed: Int32Array | null = null;
let followedAt = 0;
let pausedMs = 0;

/** Runs a search, counted while it runs (including its awaits). */
export async function searching<T>(search: () => Promise<T>): Promise<T> {
  Atomics.add(running, 0, 1);
  try {
    return await search();
  } finally {
    if (Atomics.sub(running, 0, 1) === 1) Atomics.notify(running, 0);
  }
}

/** The count to hand to an index worker (in its `workerData`). */
export function searchCount(): Int32Array {
  return running;
}

/** In a following worker: how long it has paused for searches so far. */
export function pausedForSearches(): number {
  return pausedMs;
}

/** A background thread's niceness: the scheduler gives the thread that answers the core first. */
const WORKER_NICE = 10;

/**
 * In an index worker: pause at `yieldToSearches` while the main thread searches, and take the
 * CPU after the main thread (and the rest of the answer, which is not counted) when both want it.
 */
export function followSearches(count: Int32Array | undefined): void {
  // Waiting blocks the thread: never the main thread, whose event loop answers.
  if (isMainThread || !(count instanceof Int32Array)) return;
  followed = count;
  followedAt = performance.now();
  pausedMs = 0;
  try {
    // Linux gives each thread its own nice value, set through its thread id.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, WORKER_NICE);
  } catch {
    // Elsewhere (no /proc) the worker runs at the usual priority.
  }
}

/**
 * Called between paragraphs (and texts, and files) by work an index worker does: returns at
 * once unless the main thread is searching, then when it is done, after `maxMs`, or when the
 * worker has paused its share. A no-op on the main thread and in a worker that does not follow.
 */
export function yieldToSearches(maxMs = MAX_PAUSE_MS): void {
  const count = followed;
  if (!count || Atomics.load(count, 0) === 0) return;
  const start = performance.now();
  // The longest wait w that keeps paused / elapsed at most the share s: p + w <= s (e + w).
  const share = (MAX_PAUSED_SHARE * (start - followedAt) - pausedMs) / (1 - MAX_PAUSED_SHARE);
  const until = start + Math.min(maxMs, share);
  for (let now = start; now < until; now = performance.now()) {
    const seen = Atomics.load(count, 0);
    if (seen === 0) break;
    Atomics.wait(count, 0, seen, until - now);
  }
  pausedMs += performance.now() - start;
}
