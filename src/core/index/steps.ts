/**
 * Long synchronous work written once as a generator that yields between small steps, then run
 * either at once (a start-up nobody is waiting on) or in slices with event-loop turns between
 * them (an index swapped in while questions are being answered).
 */
export type Steps<T> = Generator<void, T, void>;

/** Each slice runs this long at most before questions get a turn. */
const SLICE_MS = 8;

export function runAtOnce<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

export async function runSliced<T>(steps: Steps<T>, sliceMs = SLICE_MS): Promise<T> {
  let started = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - started >= sliceMs) {
      await nextTurn();
      started = performance.now();
    }
  }
}

export const nextTurn = (): Promise<void> => new Promise<void>((resolve) => setImmediate(resolve));
