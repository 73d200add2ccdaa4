import type { webApi, RespondFn } from '@slack/bolt';
import { type SharedRateLimits, type Answer, type Assistant, type ChannelSettings, type ChannelSettingsResolver, type Clock, detectLanguage, errorReply, type Lang, type Logger, message, newErrorId, RATE_WINDOW_MS, SanadError, simpleReply, type StateStore, toReply, type Turn } from '../../core/index.js';
import type { BotIdentity } from './auth.js';
import { renderProgress, renderReply, type SlackMessage } from './blocks.js';
import { threadConversation } from './conversation.js';
import { deliver, post, update, type Place } from './deliver.js';
import { encodeAnswerRef } from './ids.js';
import type { RecentAnswers } from './recent.js';

/** What every listener needs, built once in app.ts. */
export interface SlackDeps {
  assistant: Assistant;
  state: StateStore;
  settings: ChannelSettingsResolver;
  logger: Logger;
  clock: Clock;
  identity: BotIdentity;
  recent: RecentAnswers;
  /** Counted in this process, or with the other replicas (PostgreSQL). */
  limits: SharedRateLimits;
  /** Minimum time between two streamed updates of the same message. */
  streamIntervalMs: number;
  /** Deadline for one answer; the asker gets the apology after it. */
  answerTimeoutMs: number;
}

export interface Question {
  channel: string;
  user: string;
  text: string;
  settings: ChannelSettings;
}

export function questionLanguage(text: string): Lang {
  const lang = detectLanguage(text);
  return lang === 'und' ? 'ar' : lang;
}

/** The language the bot's own sentences (placeholder, notices) use: the channel's, else the question's. */
export function replyLanguage(q: Pick<Question, 'text' | 'settings'>): Lang {
  return q.settings.language !== 'auto' ? q.settings.language : questionLanguage(q.text);
}

/** null when the user may ask now; otherwise the friendly message to show them. */
export async function rateLimitMessage(deps: SlackDeps, q: Question, lang: Lang): Promise<string | null> {
  const now = deps.clock.now();
  const { perUserPerMinute, perChannelPerMinute } = q.settings.rateLimit;
  const checks = [
    { key: `user:${q.user}`, limit: perUserPerMinute },
    { key: `channel:${q.channel}`, limit: perChannelPerMinute },
  ];
  const verdict = await deps.limits.takeRate(checks.map((c) => ({ ...c, key: `slack:${c.key}` })), RATE_WINDOW_MS, now);
  if (verdict.ok) return null;
  return message('rateLimited', lang, { seconds: Math.ceil(verdict.retryAfterMs / 1000) });
}

/**
 * Answers in a channel thread or a DM: placeholder first, then the answer streaming into it at
 * most once per `streamIntervalMs`, then the final cited answer. Always leaves a visible reply.
 */
export async function answerInPlace(
  deps: SlackDeps,
  client: webApi.WebClient,
  q: Question & { place: Place; history: { threadTs: string; beforeTs: string } | null },
): Promise<void> {
  const log = deps.logger;
  const lang = replyLanguage(q);
  if (!q.text) {
    await post(client, q.place, renderReply(simpleReply('notice', message('empty', lang), lang))[0]!, log);
    return;
  }
  const limited = await rateLimitMessage(deps, q, lang);
  if (limited) {
    await tellPrivately(client, q, limited, log);
    return;
  }
  const placeholder = await post(client, q.place, renderProgress('', lang), log);
  try {
    const conversation: Turn[] = q.history ? await threadConversation(client, { channel: q.channel, ...q.history }, deps.identity, log) : [];
    const answer = await streamAnswer(deps, q, conversation, async (partial) => {
      if (placeholder) await update(client, q.channel, placeholder, renderProgress(partial, lang), log);
    });
    await deliver(client, q.place, placeholder, answerMessages(deps, answer, q.text), log);
    await record(deps, q, answer);
  } catch (error) {
    await deliver(client, q.place, placeholder, apology(deps, error, lang, q), log);
  }
}

/** `/ask`: the answer only the asker sees, with a button to share it in the channel. */
export async function answerPrivately(deps: SlackDeps, respond: RespondFn, q: Question): Promise<void> {
  const lang = replyLanguage(q);
  let messages: SlackMessage[];
  try {
    const answer = await deps.assistant.ask(q.text, { collections: q.settings.collections, language: q.settings.language, signal: AbortSignal.timeout(deps.answerTimeoutMs) });
    const ref = refFor(deps, answer, q.text);
    messages = renderReply(toReply(answer), { feedbackValue: ref, shareValue: ref });
    await record(deps, q, answer);
  } catch (error) {
    messages = apology(deps, error, lang, q);
  }
  for (const [i, msg] of messages.entries()) {
    await respond({ response_type: 'ephemeral', replace_original: i === 0, text: msg.text, blocks: msg.blocks });
  }
}

export function answerMessages(deps: SlackDeps, answer: Answer, question: string, header?: string): SlackMessage[] {
  return renderReply(toReply(answer), { feedbackValue: refFor(deps, answer, question), header });
}

function refFor(deps: SlackDeps, answer: Answer, question: string): string {
  return encodeAnswerRef({ a: deps.recent.add(answer), q: question, p: answer.citations.map((c) => c.paragraphId) });
}

async function streamAnswer(deps: SlackDeps, q: Question, conversation: Turn[], onProgress: (partial: string) => Promise<void>): Promise<Answer> {
  const options = { conversation, collections: q.settings.collections, language: q.settings.language, signal: AbortSignal.timeout(deps.answerTimeoutMs) };
  let text = '';
  let last = deps.clock.now().getTime();
  for await (const event of deps.assistant.askStream(q.text, options)) {
    if (event.type === 'final') return event.answer;
    text += event.text;
    const now = deps.clock.now().getTime();
    if (now - last >= deps.streamIntervalMs) {
      last = now;
      await onProgress(text);
    }
  }
  throw new SanadError('no_answer', 'The answer stream ended without a final answer.');
}

function apology(deps: SlackDeps, error: unknown, lang: Lang, q: Question): SlackMessage[] {
  const errorId = newErrorId();
  deps.logger.error('answering failed', { errorId, channel: q.channel, user: q.user, error });
  return renderReply(errorReply(errorId, lang));
}

async function tellPrivately(client: webApi.WebClient, q: Question & { place: Place }, text: string, log: Logger): Promise<void> {
  const msg = renderReply(simpleReply('notice', text, replyLanguage(q)))[0]!;
  try {
    await client.chat.postEphemeral({ channel: q.channel, user: q.user, thread_ts: q.place.threadTs, text: msg.text, blocks: msg.blocks });
  } catch (error) {
    log.warn('chat.postEphemeral failed', { channel: q.channel, error });
  }
}

async function record(deps: SlackDeps, q: Question, answer: Answer): Promise<void> {
  try {
    await deps.state.recordQuestion({
      platform: 'slack',
      channel: q.channel,
      user: q.user,
      question: q.text,
      answer: answer.answer,
      abstained: answer.abstained,
      citations: answer.citations.map(({ document, paragraph, paragraphId }) => ({ document, paragraph, paragraphId })),
      at: deps.clock.now(),
    });
  } catch (error) {
    deps.logger.warn('could not record the question', { error });
  }
}
