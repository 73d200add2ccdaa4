import type OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Logger } from '../core/ports.js';
import { createOpenAIClient } from './client.js';
import { createSemaphore, remainingMs, underDeadline, type Semaphore } from './concurrency.js';
import type { LlmConfig } from '../core/llm/config.js';
import { classifyError, LlmError } from './errors.js';
import { defuse, formatPassages, formatThread, languageName } from './format.js';
import type { LlmAnswerer, LlmAnswerInput, LlmEvent, TokenUsage } from '../core/llm/port.js';
import type { Prompts } from '../core/llm/prompts.js';
import { withRetry } from './retry.js';
import { createQueryRewriter } from './rewrite.js';
import { NO_ANSWER, verifyAnswer } from '../core/llm/verify.js';

export interface LlmAnswererDeps {
  logger: Logger;
  prompts: Prompts;
  /** A ready client (shared, or pointed at a fake server); by default built from `config`. */
  client?: OpenAI;
  /** Shared with other model users (embeddings) to cap requests in flight together. */
  semaphore?: Semaphore;
}

/** Tokens spent since start, answers and query rewrites together (for `sanad eval`). */
export interface LlmUsageTotals extends TokenUsage {
  requests: number;
}

/** The OpenAI-compatible answerer: the port, plus running token totals. */
export interface OpenAILlmAnswerer extends LlmAnswerer {
  readonly model: string;
  totals(): LlmUsageTotals;
}

/** Holds back the start of a reply until it is clear whether it opens with NO_ANSWER. */
class DeltaGate {
  private raw = '';
  private sent = 0;
  private skip: number | null = null;

  push(text: string): string {
    this.raw += text;
    if (this.skip === null) {
      const lead = this.raw.length - this.raw.trimStart().length;
      const head = this.raw.slice(lead);
      if (head.length < NO_ANSWER.length && NO_ANSWER.startsWith(head)) return '';
      this.skip = head.startsWith(NO_ANSWER) ? lead + NO_ANSWER.length : 0;
      this.sent = this.skip;
    }
    if (this.skip > 0 && this.sent === this.skip) {
      // Leading ": " after the marker is not part of the sentence.
      const rest = /^[\s:.\-–—]*/.exec(this.raw.slice(this.sent))?.[0] ?? '';
      if (this.sent + rest.length === this.raw.length) return '';
      this.sent += rest.length;
    }
    const out = this.raw.slice(this.sent);
    this.sent = this.raw.length;
    return out;
  }

  get text(): string {
    return this.raw;
  }
}

function toUsage(usage: { prompt_tokens?: number; completion_tokens?: number } | null | undefined): TokenUsage | undefined {
  if (!usage) return undefined;
  return { promptTokens: usage.prompt_tokens ?? 0, completionTokens: usage.completion_tokens ?? 0 };
}

/**
 * The LLM path over any OpenAI-compatible server: builds the answer prompt, streams the reply
 * under the caller's deadline with retries and a concurrency cap, then verifies its citations and numbers
 * before the core may show it. Failures never throw: they end in `final` with `ok: false`.
 */
export function createLlmAnswerer(config: LlmConfig, deps: LlmAnswererDeps): OpenAILlmAnswerer {
  const logger = deps.logger;
  const totals: LlmUsageTotals = { promptTokens: 0, completionTokens: 0, requests: 0 };
  const count = (usage: TokenUsage | undefined, requests: number) => {
    totals.requests += requests;
    totals.promptTokens += usage?.promptTokens ?? 0;
    totals.completionTokens += usage?.completionTokens ?? 0;
  };
  const client = deps.client ?? createOpenAIClient(config);
  const semaphore = deps.semaphore ?? createSemaphore(config.maxConcurrency);

  async function* answer(input: LlmAnswerInput): AsyncGenerator<LlmEvent> {
    const started = Date.now();
    const dl = underDeadline(input.deadline);
    const rendered = deps.prompts.answer.render({
      question: defuse(input.question),
      thread: formatThread(input.conversation),
      passages: formatPassages(input.passages),
      language: languageName(input.language),
      no_answer: NO_ANSWER,
    });
    const messages: ChatCompletionMessageParam[] = [
      { role: 'system', content: rendered.system },
      { role: 'user', content: rendered.user },
    ];
    const gate = new DeltaGate();
    let usage: TokenUsage | undefined;
    let attempts = 0;
    let outcome = 'ok';
    try {
      if (input.passages.length === 0) {
        // Nothing retrieved: nothing to ask the model about, and nothing it could cite.
        outcome = 'declined';
        yield { type: 'final', ok: true, text: '', cited: [], declined: true };
        return;
      }
      let finish: string | null = null;
      if (config.stream) {
        const { stream, release } = await withRetry(
          async (signal) => {
            attempts += 1;
            const release = await semaphore.acquire(signal);
            try {
              const stream = await client.chat.completions.create(
                {
                  model: config.chatModel,
                  messages,
                  temperature: config.temperature,
                  stream: true,
                  stream_options: { include_usage: true },
                },
                { signal, timeout: remainingMs(input.deadline) },
              );
              return { stream, release };
            } catch (error) {
              release();
              throw error;
            }
          },
          { maxRetries: config.maxRetries, deadlineAt: input.deadline.at, signal: dl.signal, logger, what: 'answer' },
        );
        try {
          for await (const chunk of stream as AsyncIterable<ChatCompletionChunk>) {
            if (chunk.usage) usage = toUsage(chunk.usage);
            const choice = chunk.choices?.[0];
            const piece = choice?.delta?.content;
            if (typeof piece === 'string' && piece.length > 0) {
              const out = gate.push(piece);
              if (out) yield { type: 'delta', text: out };
            }
            if (choice?.finish_reason) finish = choice.finish_reason;
          }
        } finally {
          release();
        }
        // A stream that ends without a finish_reason was cut off: its text is a fragment.
        // (The SDK ends the iteration quietly when its request is aborted: that is the deadline.)
        if (finish === null) {
          throw dl.expired()
            ? new LlmError('timeout', 'the model did not finish before the deadline')
            : new LlmError('unavailable', 'the answer stream ended before the model finished');
        }
      } else {
        const completion = await withRetry(
          async (signal) => {
            attempts += 1;
            return client.chat.completions.create(
              { model: config.chatModel, messages, temperature: config.temperature },
              { signal, timeout: remainingMs(input.deadline) },
            );
          },
          { maxRetries: config.maxRetries, deadlineAt: input.deadline.at, signal: dl.signal, logger, semaphore, what: 'answer' },
        );
        usage = toUsage(completion.usage);
        const choice = Array.isArray(completion.choices) ? completion.choices[0] : undefined;
        const content = choice?.message?.content;
        if (typeof content !== 'string') throw new LlmError('malformed', 'the completion has no message content');
        finish = choice?.finish_reason ?? 'stop';
        const out = gate.push(content);
        if (out) yield { type: 'delta', text: out };
      }
      if (finish === 'content_filter') throw new LlmError('unavailable', 'the model server filtered the answer');
      if (finish === 'length') logger.warn("the answer hit the model's length limit", { model: config.chatModel });
      const verdict = verifyAnswer(gate.text, input.passages, input.language);
      if (verdict.dropped.length > 0)
        logger.warn('dropped out-of-range citations', { dropped: verdict.dropped, passages: input.passages.length });
      if (!verdict.ok) {
        outcome = verdict.reason;
        logger.warn('the model answer failed verification', { reason: verdict.reason, detail: verdict.detail });
        yield { type: 'final', ok: false, reason: verdict.reason, detail: verdict.detail, ...(usage ? { usage } : {}) };
        return;
      }
      outcome = verdict.declined ? 'declined' : 'ok';
      yield {
        type: 'final',
        ok: true,
        text: verdict.text,
        cited: verdict.cited,
        ...(verdict.declined ? { declined: true } : {}),
        ...(usage ? { usage } : {}),
      };
    } catch (raw) {
      const error = classifyError(raw, dl.expired());
      outcome = error.reason;
      logger.warn('the model call failed; the core falls back', { reason: error.reason, status: error.status, error });
      yield { type: 'final', ok: false, reason: error.reason, detail: error.message, ...(usage ? { usage } : {}) };
    } finally {
      dl.dispose();
      count(usage, attempts);
      logger.info('llm answer', {
        model: config.chatModel,
        outcome,
        attempts,
        promptTokens: usage?.promptTokens ?? null,
        completionTokens: usage?.completionTokens ?? null,
        ms: Date.now() - started,
      });
    }
  }

  const rewriter = createQueryRewriter(config, { client, logger, prompts: deps.prompts, semaphore, onUsage: count });
  return { model: config.chatModel, answer, rewriteQuery: rewriter.rewriteQuery, totals: () => ({ ...totals }) };
}
