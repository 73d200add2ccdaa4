/**
 * Mentions, DMs and (when a channel is configured so) plain questions: decide whether to answer,
 * dedupe, rate-limit, pick where the reply goes, and run the answer with a typing indicator.
 */
import { ChannelType } from 'discord.js';
import type { Message, SendableChannels } from 'discord.js';
import { type ChannelSettings, looksLikeQuestion, message as say, readMessage } from '../../core/index.js';
import { answerQuestion } from './answer.js';
import type { ReplySink } from './answer.js';
import { takeLimits, type DiscordContext } from './context.js';
import { conversationFor, stripBotMention } from './conversation.js';
import { DISCORD_LIMITS } from '../../platforms/index.js';
import { renderNotice } from './render.js';
import type { DiscordPayload } from './render.js';
import { shorten } from './text.js';

/** Discord shows "typing" for 10 s; renew it a little sooner while the answer is still coming. */
const TYPING_RENEW_MS = 8000;
/**
 * The first "typing" waits this long: an answer ready sooner (the offline path takes about a
 * millisecond) goes out without it, which halves the REST calls under Discord's global limit.
 */
const TYPING_DELAY_MS = 250;

export async function handleMessage(ctx: DiscordContext, message: Message, botId: string): Promise<void> {
  if (message.author.id === botId || message.system) return;
  const inDm = message.guildId === null;
  const settingsChannel = message.channel.isThread() ? (message.channel.parentId ?? message.channelId) : message.channelId;
  const settings = ctx.settingsFor('discord', settingsChannel);
  if (settings.respond === 'off') return;
  if (message.author.bot && !settings.allowBots) return;

  // People sometimes pick the bot's managed role in the @-menu instead of the bot user.
  const botRoles = message.mentions.roles.filter((role) => role.tags?.botId === botId).map((role) => role.id);
  const mentioned = message.mentions.users.has(botId) || botRoles.length > 0;
  const question = stripBotMention(message.content, botId, botRoles);
  const wanted = inDm || mentioned || (settings.respond === 'questions' && looksLikeQuestion(question));
  if (!wanted) return;
  // Every replica receives every message, and a resumed gateway replays events: one replica answers
  // under a lease; if it dies mid-answer, another that saw the message takes it over.
  await ctx.work.run(`discord:message:${message.id}`, () =>
    answerMessage(ctx, message, botId, { question, settings, settingsChannel, inDm }),
  );
}

/** Answers a message this replica holds the lease of (its own, or one taken over). */
async function answerMessage(
  ctx: DiscordContext,
  message: Message,
  botId: string,
  { question, settings, settingsChannel, inDm }: { question: string; settings: ChannelSettings; settingsChannel: string; inDm: boolean },
): Promise<void> {
  const log = ctx.logger.child(`msg:${message.id}`);
  const { empty, lang } = readMessage(question, settings.language);
  if (empty) {
    await sendAll(replyTo(message), renderNotice(say('empty', lang))).catch((e) => log.warn('empty-question reply failed', { error: e }));
    return;
  }
  const limit = await takeLimits(ctx, [
    { key: `user:${message.author.id}`, limit: settings.rateLimit.perUserPerMinute },
    { key: `channel:${settingsChannel}`, limit: settings.rateLimit.perChannelPerMinute },
  ]);
  if (!limit.ok) {
    const seconds = Math.ceil(limit.retryAfterMs / 1000);
    log.info('rate limited', { user: message.author.id, seconds });
    await sendAll(replyTo(message), renderNotice(say('rateLimited', lang, { seconds }))).catch((e) =>
      log.warn('rate-limit reply failed', { error: e }),
    );
    return;
  }

  const conversation = await conversationFor(message, botId).catch((error: unknown) => {
    log.warn('could not read the conversation; answering without it', { error: error });
    return [];
  });
  const send = await placeReply(message, question, settings, inDm, log);
  const typingChannel = message.channel;
  const stopTyping = keepTyping(typingChannel, send.channel, log);
  try {
    await answerQuestion(ctx, {
      question,
      options: { conversation, collections: settings.collections, language: settings.language },
      channel: settingsChannel,
      user: message.author.id,
      sink: messageSink(send.post),
    });
  } finally {
    stopTyping();
  }
}

type Post = (payload: DiscordPayload) => Promise<Message>;

/**
 * Where the answer goes. `placement: 'thread'` in a guild text channel: a new thread on the
 * question (one thread per question). Otherwise, and inside threads and DMs: a reply to the
 * message. If the thread cannot be created (permissions), the reply is the fallback.
 */
async function placeReply(
  message: Message,
  question: string,
  settings: ChannelSettings,
  inDm: boolean,
  log: DiscordContext['logger'],
): Promise<{ post: Post; channel: SendableChannels | null }> {
  const type = message.channel.type;
  const canThread = !inDm && settings.placement === 'thread' && (type === ChannelType.GuildText || type === ChannelType.GuildAnnouncement);
  if (canThread && !message.hasThread) {
    try {
      const thread = await message.startThread({ name: shorten(question, DISCORD_LIMITS.threadName), autoArchiveDuration: 1440 });
      return { post: (payload) => thread.send(payload), channel: thread };
    } catch (error) {
      log.warn('could not start a thread; replying to the message instead', { error: error });
    }
  }
  return { post: replyTo(message), channel: null };
}

function replyTo(message: Message): Post {
  return (payload) => message.reply({ ...payload, failIfNotExists: false });
}

async function sendAll(post: Post, payloads: DiscordPayload[]): Promise<void> {
  for (const payload of payloads) await post(payload);
}

function messageSink(post: Post): ReplySink {
  let first: Message | null = null;
  return {
    async partial(payload) {
      if (first) await first.edit(payload);
      else first = await post(payload);
    },
    async final(payloads) {
      const [head, ...rest] = payloads;
      if (!head) return;
      if (first) await first.edit(head);
      else first = await post(head);
      for (const payload of rest) await post(payload);
    },
  };
}

function keepTyping(channel: Message['channel'], thread: SendableChannels | null, log: DiscordContext['logger']): () => void {
  const target = thread ?? (channel.isSendable() ? channel : null);
  if (!target) return () => {};
  const type = () => void target.sendTyping().catch((error: unknown) => log.debug('typing failed', { error: error }));
  let renew: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    type();
    renew = setInterval(type, TYPING_RENEW_MS);
    renew.unref();
  }, TYPING_DELAY_MS);
  first.unref();
  return () => {
    clearTimeout(first);
    clearInterval(renew);
  };
}
