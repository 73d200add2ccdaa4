/**
 * Mentions, DMs and /ask hand their question to the answer service (src/answering), which
 * streams, records and apologises; this file only renders for Discord: interim text, the final
 * reply with its buttons, the apology.
 */
import type { Answer, AskOptions } from '../../core/index.js';
import { toReply } from '../../core/index.js';
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
  options: Pick<AskOptions, 'conversation' | 'collections' | 'language'>;
  channel: string;
  user: string;
  sink: ReplySink;
}

export async function answerQuestion(ctx: DiscordContext, request: AnswerRequest): Promise<Answer | null> {
  const { sink } = request;
  return ctx.answering.answer(
    { channel: request.channel, user: request.user, question: request.question, ...request.options },
    {
      progress: (text) => sink.partial(renderPartial(text)),
      deliver: (answer) => {
        const answerKey = ctx.answers.remember({
          question: request.question,
          answer: answer.answer,
          language: answer.language,
          citations: answer.citations.map((c) => ({
            document: c.document,
            paragraph: c.paragraph,
            paragraphId: c.paragraphId,
            title: c.title,
            section: c.section,
          })),
        });
        return sink.final(renderReply(toReply(answer), { answerKey }));
      },
      apologise: (reply) => sink.final(renderReply(reply)),
    },
  );
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
