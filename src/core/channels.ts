import type { Lang } from './types.js';

/**
 * How the bot behaves in one channel. Resolved once from the config file (defaults merged with
 * the channel's own entry) and handed to adapters and the core as plain data.
 */
export interface ChannelSettings {
  /** mention: only when mentioned (and in DMs); questions: also messages that look like questions; off: never. */
  respond: 'mention' | 'questions' | 'off';
  /** Knowledge collections (subfolders of knowledge/) answers may use; undefined = all. */
  collections?: string[];
  language: 'auto' | Lang;
  /**
   * Where an answer goes: `thread` (Slack: the question's thread; Discord: a new thread per
   * question), `channel` (Slack: the channel itself; Discord: a reply to the message), or `auto`,
   * each platform's native default: a Slack thread, a Discord reply.
   */
  placement: 'auto' | 'thread' | 'channel';
  /** Per-user questions allowed per minute, and per channel. */
  rateLimit: { perUserPerMinute: number; perChannelPerMinute: number };
  /** Answer other bots' messages in this channel (never the bot's own). */
  allowBots: boolean;
}

export const DEFAULT_CHANNEL_SETTINGS = {
  respond: 'mention',
  language: 'auto',
  placement: 'auto',
  rateLimit: { perUserPerMinute: 6, perChannelPerMinute: 30 },
  allowBots: false,
} as const satisfies ChannelSettings;

/** Looks up a channel's settings; adapters take one of these and never read config files. */
export type ChannelSettingsResolver = (platform: 'slack' | 'discord' | 'web', channelId: string) => ChannelSettings;

export const defaultSettingsResolver: ChannelSettingsResolver = () => ({ ...DEFAULT_CHANNEL_SETTINGS, rateLimit: { ...DEFAULT_CHANNEL_SETTINGS.rateLimit } });

const QUESTION_OPENERS =
  /^(ما|ماذا|من|متى|أين|اين|كيف|لماذا|لم|كم|هل|أي|اي|what|who|when|where|why|how|which|is|are|does|do|can|quel|quelle|quels|quelles|qui|quand|où|pourquoi|comment|combien|est-ce)\b/iu;

/** A message that reads as a question: ends in ? or ؟, or opens with a question word. */
export function looksLikeQuestion(text: string): boolean {
  const t = text.trim();
  return /[?؟]\s*$/.test(t) || QUESTION_OPENERS.test(t);
}
