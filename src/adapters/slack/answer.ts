import type { webApi, RespondFn } from '@slack/bolt';
import type { AnswerService } from '../../answering/index.js';
import {
  type SharedRateLimits,
  type Answer,
  type Assistant,
  type ChannelSettings,
  type ChannelSettingsResolver,
  type Clock,
  type Lang,
  type Logger,
  message,
  RATE_WINDOW_MS,
  readMessage,
  simpleReply,
  type StateStore,
  toReply,
  type Turn,
} from '../../core/index.js';
import type { BotIdentity } from './auth.js';
import { renderProgress, renderReply, type SlackMessage } from './blocks.js';
import { threadConversation } from './conversation.js';
import { deliver, post, update, type Place } from './deliver.js';
import { encodeAnswerRef } from './ids.js';
import type { RecentAnswers } from './recent.js';

/** What every listener needs, built once in app.ts. */
export interface SlackDeps {
  assistant: Assistant;
  /** Answers, streams and records every question (src/answering): Slack only renders. */
  answering: AnswerService;
  state: StateStore;
  settings: ChannelSettingsResolver;
  logger: Logger;
  clock: Clock;
  identity: BotIdentity;
  recent: RecentAnswers;
  /** Counted in this process, or with the other replicas (PostgreSQL). */
  limits: SharedRateLimits;
  /** Deadline for one answer; the asker gets the apology after it. */
  answerTimeoutMs: number;
  /** Whether a request body was taken over from a replica that died (work.ts): its event id is claimed already. */
  resumed: (body: unknown) => boolean;
}

export interface Question {
  channel: string;
  user: string;
  text: string;
  settings: ChannelSettings;
}

/** null when the user may ask now; otherwise the friendly message to show them. */
export async function rateLimitMessage(deps: SlackDeps, q: Question, lang: Lang): Promise<string | null> {
  const now = deps.clock.now();
  const { perUserPerMinute, perChannelPerMinute } = q.settings.rateLimit;
  const checks = [
    { key: `user:${q.user}`, limit: perUserPerMinute },
    { key: `channel:${q.channel}`, limit: perChannelPerMinute },
  ];
  const verdict = await deps.limits.takeRate(
    checks.map((c) => ({ ...c, key: `slack:${c.key}` })),
    RATE_WINDOW_MS,
    now,
  );
  if (verdict.ok) return null;
  return message('rateLimited', lang, { seconds: Math.ceil(verdict.retryAfterMs / 1000) });
}

/**
 * Answers in a channel thread or a DM: placeholder first, then the answer streaming into it,
 * then the final cited answer. Always leaves a visible reply.
 */
export async function answerInPlace(
  deps: SlackDeps,
  client: webApi.WebClient,
  q: Question & { place: Place; history: { threadTs: string; beforeTs: string } | null },
): Promise<void> {
  const log = deps.logger;
  const { empty, lang } = readMessage(q.text, q.settings.language);
  if (empty) {
    await post(client, q.place, renderReply(simpleReply('notice', message('empty', lang), lang))[0]!, log);
    return;
  }
  const limited = await rateLimitMessage(deps, q, lang);
  if (limited) {
    await tellPrivately(client, q, limited, lang, log);
    return;
  }
  const placeholder = await post(client, q.place, renderProgress('', lang), log);
  // The thread so far; a thread that cannot be read is logged there and answered without.
  const conversation: Turn[] = q.history ? await threadConversation(client, { channel: q.channel, ...q.history }, deps.identity, log) : [];
  await deps.answering.answer(
    {
      channel: q.channel,
      user: q.user,
      question: q.text,
      conversation,
      collections: q.settings.collections,
      language: q.settings.language,
    },
    {
      progress: async (partial) => {
        if (placeholder) await update(client, q.channel, placeholder, renderProgress(partial, lang), log);
      },
      deliver: (answer) => deliver(client, q.place, placeholder, answerMessages(deps, answer, q.text), log),
      apologise: (reply) => deliver(client, q.place, placeholder, renderReply(reply), log),
    },
  );
}

/** `/ask`: the answer only the asker sees, with a button to share it in the channel. */
export async function answerPrivately(deps: SlackDeps, respond: RespondFn, q: Question): Promise<void> {
  const show = async (messages: SlackMessage[]) => {
    for (const [i, msg] of messages.entries()) {
      await respond({ response_type: 'ephemeral', replace_original: i === 0, text: msg.text, blocks: msg.blocks });
    }
  };
  await deps.answering.answer(
    { channel: q.channel, user: q.user, question: q.text, collections: q.settings.collections, language: q.settings.language },
    {
      deliver: (answer) => {
        const ref = refFor(deps, answer, q.text);
        return show(renderReply(toReply(answer), { feedbackValue: ref, shareValue: ref }));
      },
      apologise: (reply) => show(renderReply(reply)),
    },
  );
}

export function answerMessages(deps: SlackDeps, answer: Answer, question: string, header?: string): SlackMessage[] {
  return renderReply(toReply(answer), { feedbackValue: refFor(deps, answer, question), header });
}

function refFor(deps: SlackDeps, answer: Answer, question: string): string {
  return encodeAnswerRef({ a: deps.recent.add(answer), q: question, p: answer.citations.map((c) => c.paragraphId) });
}

async function tellPrivately(
  client: webApi.WebClient,
  q: Question & { place: Place },
  text: string,
  lang: Lang,
  log: Logger,
): Promise<void> {
  const msg = renderReply(simpleReply('notice', text, lang))[0]!;
  try {
    await client.chat.postEphemeral({ channel: q.channel, user: q.user, thread_ts: q.place.threadTs, text: msg.text, blocks: msg.blocks });
  } catch (error) {
    log.warn('chat.postEphemeral failed', { channel: q.channel, error });
  }
}
