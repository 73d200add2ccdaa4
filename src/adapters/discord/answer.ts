/**
 * The answering pipeline shared by mentions, DMs and /ask: stream the core's answer, show
 * interim text at most once a second, render the final reply, record it, and turn any
 * failure into a visible apology whose error id is in the log.
 */
import { type Answer, type AskOptions, detectLanguage, errorReply, type Lang, newErrorId, toReply } from '../../core/index.js';
import type { DiscordContext } from './context.js';
import { renderPartial, renderReply } from './render.js';
import type { DiscordPayload } from './render.js';

/** Where a reply goes: a message reply or thread (mentions) or the deferred interaction (/ask). */
export interface ReplySink {
  /** Shows the answer so far; called at most once a second. */
  partial(payload: DiscordPayload): Promise<void>;
  /** Shows the final reply: the first payload replaces any partial, the rest follow. */
  final(payloads: DiscordPayload[]): Promise<void>;
}

export interface AnswerRequest {
  question: string;
  options: AskOptions;
  channel: string;
  user: string;
  sink: ReplySink;
}

/** Minimum time between two visible edits of a streaming answer. */
export const STREAM_EDIT_INTERVAL_MS = 1000;

export async function answerQuestion(ctx: DiscordContext, request: AnswerRequest): Promise<Answer | null> {
  const { sink } = request;
  const started = ctx.clock.now().getTime();
  let lastEdit = started;
  let text = '';
  let answer: Answer | null = null;
  // Every answer has an overall deadline, whatever path asked for it (mention, DM, /ask).
  const deadline = AbortSignal.timeout(ctx.answerTimeoutMs);
  const options: AskOptions = { ...request.options, signal: request.options.signal ? AbortSignal.any([request.options.signal, deadline]) : deadline };
  try {
    for await (const event of ctx.assistant.askStream(request.question, options)) {
      if (event.type === 'final') {
        answer = event.answer;
        break;
      }
      text += event.text;
      const now = ctx.clock.now().getTime();
      if (now - lastEdit >= STREAM_EDIT_INTERVAL_MS && text.trim()) {
        lastEdit = now;
        await sink.partial(renderPartial(text));
      }
    }
    if (!answer) throw new Error('the answer stream ended without a final answer');
  } catch (error) {
    await apologise(ctx, sink, error, request.question, request.options.language);
    return null;
  }

  const answerKey = ctx.answers.remember({
    question: request.question,
    answer: answer.answer,
    language: answer.language,
    citations: answer.citations.map((c) => ({ document: c.document, paragraph: c.paragraph, paragraphId: c.paragraphId, title: c.title, section: c.section })),
  });
  try {
    await sink.final(renderReply(toReply(answer), { answerKey }));
  } catch (error) {
    // The answer itself could not be posted (a size or permission error): still say something.
    await apologise(ctx, sink, error, request.question, answer.language);
    return null;
  }
  await safely(ctx, 'recordQuestion', () =>
    ctx.store.recordQuestion({
      platform: 'discord',
      channel: request.channel,
      user: request.user,
      question: request.question,
      answer: answer.answer,
      abstained: answer.abstained,
      citations: answer.citations.map((c) => ({ document: c.document, paragraph: c.paragraph, paragraphId: c.paragraphId })),
      at: ctx.clock.now(),
    }),
  );
  return answer;
}

async function apologise(ctx: DiscordContext, sink: ReplySink, error: unknown, question: string, language: AskOptions['language']): Promise<void> {
  const errorId = newErrorId();
  ctx.logger.error('answering failed', { errorId, error });
  const lang: Lang = language && language !== 'auto' ? language : detectLanguage(question);
  try {
    await sink.final(renderReply(errorReply(errorId, lang)));
  } catch (sendError) {
    ctx.logger.error('could not post the apology', { errorId, error: sendError instanceof Error ? sendError.message : String(sendError) });
  }
}

/** Runs a store call; a failing store is logged and never stops an answer. */
export async function safely<T>(ctx: DiscordContext, what: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    ctx.logger.warn(`state store ${what} failed`, { error });
    return undefined;
  }
}
