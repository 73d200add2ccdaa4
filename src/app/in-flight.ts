import type { AnswerEvent, AskOptions, Assistant } from '../core/types.js';

/**
 * The assistant as the adapters get it in `npm start`: the same answers, counted while they are
 * in flight, so shutdown can wait for the last one before it closes the state store.
 */
export interface TrackedAssistant extends Assistant {
  readonly inFlight: number;
  /** Resolves once no answer is in flight (at once when none is). */
  idle(): Promise<void>;
}

export function trackInFlight(assistant: Assistant): TrackedAssistant {
  let inFlight = 0;
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
    paragraph: (id) => assistant.paragraph(id),
    async ask(question: string, options?: AskOptions) {
      inFlight++;
      try {
        return await assistant.ask(question, options);
      } finally {
        done();
      }
    },
    async *askStream(question: string, options?: AskOptions): AsyncGenerator<AnswerEvent> {
      inFlight++;
      try {
        yield* assistant.askStream(question, options);
      } finally {
        done();
      }
    },
  };
}
