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

/** One overall deadline: aborts at `ms` from now or when `parent` aborts, whichever is first. */
export function deadline(
  parent: AbortSignal | undefined,
  ms: number,
): { signal: AbortSignal; at: number; expired: () => boolean; dispose: () => void } {
  const controller = new AbortController();
  const at = Date.now() + ms;
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DOMException('deadline reached', 'TimeoutError'));
  }, ms);
  timer.unref?.();
  const onParent = () => {
    expired = true;
    controller.abort(parent?.reason);
  };
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    at,
    expired: () => expired,
    /** Stops the timer and aborts whatever still runs under the signal (a stream left unread). */
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
      if (!controller.signal.aborted) controller.abort(new DOMException('finished', 'AbortError'));
    },
  };
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
