import type { Deadline } from '../core/llm/deadline.js';

/** A counting semaphore: at most `size` requests in flight to the model server. */
export interface Semaphore {
  /** Resolves with a release function; rejects when `signal` aborts while waiting. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  readonly active: number;
  readonly waiting: number;
}

export function createSemaphore(size: number): Semaphore {
  let active = 0;
  const queue: Array<{ grant: () => void }> = [];
  const releaser = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      active -= 1;
      const next = queue.shift();
      if (next) next.grant();
    };
  };
  return {
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
      if (active < size) {
        active += 1;
        return Promise.resolve(releaser());
      }
      return new Promise((resolve, reject) => {
        const entry = {
          grant: () => {
            signal?.removeEventListener('abort', onAbort);
            active += 1;
            resolve(releaser());
          },
        };
        const onAbort = () => {
          const i = queue.indexOf(entry);
          if (i >= 0) queue.splice(i, 1);
          reject(signal?.reason ?? new Error('aborted'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        queue.push(entry);
      });
    },
  };
}

/**
 * One request under the caller's deadline: its signal aborts when the deadline does, and when
 * `dispose` is called (a stream the reader stopped reading). Starts no timer: the deadline is the
 * caller's (see `Deadline` in the core).
 */
export function underDeadline(deadline: Deadline): { signal: AbortSignal; expired: () => boolean; dispose: () => void } {
  const controller = new AbortController();
  const parent = deadline.signal;
  const onParent = () => controller.abort(parent.reason);
  if (parent.aborted) onParent();
  else parent.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    /** Whether the deadline (or the caller) ended it, rather than the reader stopping. */
    expired: () => parent.aborted,
    dispose: () => {
      parent.removeEventListener('abort', onParent);
      if (!controller.signal.aborted) controller.abort(new DOMException('finished', 'AbortError'));
    },
  };
}

/** What is left of `deadline`, for the SDK's per-request timeout (at least 1 ms: 0 means none). */
export function remainingMs(deadline: Deadline): number {
  return Math.max(1, deadline.at - Date.now());
}

/** Sleeps `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
