/**
 * The one error base of sanad. `code` is what callers branch on; `hint` is the sentence a person
 * can act on, and is what the CLI prints instead of a stack trace.
 */
export class SanadError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'SanadError';
    this.code = code;
    this.hint = options.hint;
  }
}

/** Wraps anything thrown at a boundary so callers only ever see a SanadError. */
export function asSanadError(error: unknown, code = 'internal'): SanadError {
  if (error instanceof SanadError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SanadError(code, message, { cause: error });
}

/**
 * An answer stream that ended without its final answer: a fault of ours, never the asker's.
 * Spelt once, here, for the core's own `ask` and for the service that streams answers to chats.
 */
export function noFinalAnswer(): SanadError {
  return new SanadError('no_answer', 'the answer stream ended without a final answer');
}
