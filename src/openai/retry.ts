import type { Logger } from '../core/ports.js';
import { sleep, type Semaphore } from './concurrency.js';
import { classifyError, LlmError } from './errors.js';

export interface RetryOptions {
  maxRetries: number;
  /** Epoch ms the whole call must finish by; a wait that would pass it is not taken. */
  deadlineAt: number;
  signal: AbortSignal;
  logger: Logger;
  semaphore?: Semaphore;
  /** First backoff step; doubled each retry, with jitter, up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Time to leave for the retried request itself: no point starting it with less. */
  minAttemptMs?: number;
  /** Whether a failure may be retried at all (false once a stream has shown text). */
  canRetry?: () => boolean;
  what: string;
}

/** The backoff defaults, merged once per call. */
export const DefaultRetryOptions = {
  // A quarter second, doubled each retry: a busy server gets room, an answer is not held long.
  baseDelayMs: 250,
  // No single wait past 8 s: the answer's deadline (20 s by default) must leave room to ask again.
  maxDelayMs: 8_000,
  // No point starting a request with less time than this left before the deadline.
  minAttemptMs: 250,
} as const satisfies Required<Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'minAttemptMs'>>;

/**
 * Runs `attempt` with retries on 429, 5xx and dropped connections, honouring `Retry-After`
 * but never waiting past the deadline: a wait that would is skipped and the error returned.
 * Each attempt holds a semaphore slot only while its request is in flight.
 */
export async function withRetry<T>(attempt: (signal: AbortSignal, n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const base = options.baseDelayMs ?? DefaultRetryOptions.baseDelayMs;
  const max = options.maxDelayMs ?? DefaultRetryOptions.maxDelayMs;
  const minAttempt = options.minAttemptMs ?? DefaultRetryOptions.minAttemptMs;
  for (let n = 0; ; n++) {
    let release: (() => void) | undefined;
    try {
      release = await options.semaphore?.acquire(options.signal);
      return await attempt(options.signal, n);
    } catch (raw) {
      const error = classifyError(raw, options.signal.aborted);
      const retriesLeft = n < options.maxRetries && error.retryable && (options.canRetry?.() ?? true) && !options.signal.aborted;
      if (!retriesLeft) throw error;
      const backoff = Math.min(max, base * 2 ** n) * (0.75 + Math.random() * 0.5);
      const wait = error.retryAfterMs ?? backoff;
      const remaining = options.deadlineAt - Date.now();
      if (wait + minAttempt > remaining) {
        options.logger.warn(`${options.what}: not retrying, the wait would pass the deadline`, {
          reason: error.reason,
          status: error.status,
          waitMs: Math.round(wait),
          remainingMs: Math.max(0, remaining),
        });
        throw error;
      }
      options.logger.warn(`${options.what}: retrying`, {
        attempt: n + 1,
        reason: error.reason,
        status: error.status,
        waitMs: Math.round(wait),
      });
      release?.();
      release = undefined;
      try {
        await sleep(wait, options.signal);
      } catch (abort) {
        throw classifyError(abort, true);
      }
    } finally {
      release?.();
    }
  }
}

export { LlmError };
