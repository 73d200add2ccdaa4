/**
 * One answer's deadline. The answer pipeline owns it (SANAD_LLM_DEADLINE_MS, from the start of
 * the answer); everything that waits on a model under it (query rewriting, the answer, a
 * summary) is handed this object and keeps to it rather than starting a timer of its own.
 */
export interface Deadline {
  /** Epoch ms the answer must be done by: a retry whose wait would pass it is not taken. */
  readonly at: number;
  /** Aborts at `at`, or sooner when the caller gives up (a closed request, a shutdown). */
  readonly signal: AbortSignal;
}

// Node's timers take at most 2^31-1 ms (AbortSignal.timeout throws beyond 2^32-1): a longer
// deadline would fail every answer, so it is held to what a timer can wait.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A deadline `ms` from now that also ends when `outer` (the caller's own signal) aborts. */
export function startDeadline(ms: number, outer?: AbortSignal): Deadline {
  const wait = Math.min(ms, MAX_TIMER_MS);
  const timeout = AbortSignal.timeout(wait);
  return { at: Date.now() + wait, signal: outer ? AbortSignal.any([timeout, outer]) : timeout };
}
