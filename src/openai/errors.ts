import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { SanadError } from '../core/errors.js';
import type { LlmFallbackReason } from '../core/llm/port.js';

/**
 * A failed call to the model server, already classified: `reason` is what the core reports as
 * `fallbackReason`; `retryable` and `retryAfterMs` drive the retry loop.
 */
export class LlmError extends SanadError {
  readonly reason: LlmFallbackReason;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    reason: LlmFallbackReason,
    message: string,
    options: { retryable?: boolean; status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(`llm_${reason}`, message, { cause: options.cause });
    this.name = 'LlmError';
    this.reason = reason;
    this.retryable = options.retryable ?? false;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Seconds, milliseconds (`retry-after-ms`) or an HTTP date, as servers send them. */
export function parseRetryAfter(headers: unknown, now = Date.now()): number | undefined {
  const get = (name: string): string | null | undefined => {
    if (!headers || typeof headers !== 'object') return undefined;
    if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
    const record = headers as Record<string, unknown>;
    const value = record[name] ?? record[name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase())];
    return typeof value === 'string' ? value : undefined;
  };
  const ms = Number(get('retry-after-ms'));
  if (get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const CONNECTION_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 6; depth++) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/**
 * Turns whatever the SDK (or LangChain around it, or fetch under it) threw into an LlmError.
 * `aborted` says whether the answer's own deadline fired: an abort is then a timeout.
 */
export function classifyError(error: unknown, aborted = false): LlmError {
  if (error instanceof LlmError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (aborted || error instanceof APIUserAbortError || (error instanceof Error && error.name === 'AbortError')) {
    return new LlmError('timeout', 'the model did not answer before the deadline', { cause: error });
  }
  if (error instanceof APIConnectionTimeoutError || (error instanceof Error && error.name === 'TimeoutError')) {
    return new LlmError('timeout', `the model server timed out: ${message}`, { retryable: true, cause: error });
  }
  const status = typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : undefined;
  if (error instanceof APIError || status !== undefined) {
    const headers = (error as { headers?: unknown }).headers;
    const retryAfterMs = parseRetryAfter(headers);
    if (status === 429)
      return new LlmError('rate_limited', `rate limited by the model server (429)`, {
        retryable: true,
        status,
        retryAfterMs,
        cause: error,
      });
    if (status !== undefined && (status >= 500 || status === 408 || status === 409)) {
      return new LlmError('unavailable', `the model server failed (${status})`, { retryable: true, status, retryAfterMs, cause: error });
    }
    if (status !== undefined) {
      // 400/401/403/404: wrong model name or key. Retrying cannot help; the log says which.
      return new LlmError('unavailable', `the model server refused the request (${status}): ${message}`, { status, cause: error });
    }
  }
  const chain = causeChain(error);
  const codes = chain.map((e) => (e as { code?: unknown }).code).filter((c): c is string => typeof c === 'string');
  // A reply that parsed but lacks the fields the client reads ("Cannot read properties of undefined").
  const shapeError = error instanceof TypeError && /cannot read propert|undefined|not iterable|not a function/i.test(message);
  if (error instanceof SyntaxError || shapeError || /JSON|parse|Unexpected token/i.test(message)) {
    return new LlmError('malformed', `the model server sent malformed output: ${message}`, { cause: error });
  }
  if (
    error instanceof APIConnectionError ||
    codes.some((c) => CONNECTION_CODES.has(c)) ||
    /\bterminated\b|socket|ECONNRESET|fetch failed/i.test(message)
  ) {
    return new LlmError('unavailable', `lost the connection to the model server: ${message}`, { retryable: true, cause: error });
  }
  return new LlmError('unavailable', `the model call failed: ${message}`, { cause: error });
}
