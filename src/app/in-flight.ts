import type { AnswerEvent, AskOptions, Assistant } from '../core/types.js';

/**
 * The assistant as the adapters get it in `npm start`: the same answers, counted while they are
 * in flight, so shutdown can wait for the last one before it closes the state store.
 */
export interface TrackedAssistant extends Assistant {
  readonly inFlight: number;
  /** Resolves once no answer is in flight (at once when none is). */
  idle(): Promise<void>;
  /**
   * Shutdown: stop waiting on the model for every answer in flight, and any started after.
   * Each ends at once with its extractive fallback, as at its deadline, so it is still
   * delivered and recorded before the store closes.
   */
  hurry(): void;
}

export function trackInFlight(assistant: Assistant): TrackedAssistant {
  let inFlight = 0;
  const hurried = new AbortController();
  // The core treats an aborted signal as its deadline: the model is given up, the fallback given.
  const withHurry = (options?: AskOptions): AskOptions => ({
    ...options,
    signal: options?.signal ? AbortSignal.any([options.signal, hurried.signal]) : hurried.signal,
  });
  let waiters: (() => void)[] = [];
  const done = () => {
    inFlight--;
    if (inFlight === 0) {
      for (const resolve of waiters) resolve();
      waiters = [];
    }
  };
  return {
    get inFlight() {
      return inFlight;
    },
    idle: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    hurry: () => hurried.abort(),
    paragraph: (id) => assistant.paragraph(id),
    async ask(question: string, options?: AskOptions) {
      inFlight++;
      try {
        return await assistant.ask(question, withHurry(options));
      } finally {
        done();
      }
    },
    async *askStream(question: string, options?: AskOptions): AsyncGenerator<AnswerEvent> {
      inFlight++;
      try {
        yield* assistant.askStream(question, withHurry(options));
      } finally {
        done();
      }
    },
  };
}
