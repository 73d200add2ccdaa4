import { readDialect } from './text/index.js';
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

export const defaultSettingsResolver: ChannelSettingsResolver = () => ({
  ...DEFAULT_CHANNEL_SETTINGS,
  rateLimit: { ...DEFAULT_CHANNEL_SETTINGS.rateLimit },
});

/**
 * Words a question opens with once chat Arabic is read as MSA ("شو" → "ما", "وين" → "أين", "واش"
 * → "هل"), and the requests that stand for one ("ممكن تقولي…", "بدي اعرف…"), in Arabic, English
 * and French. Compared as whole tokens: JavaScript's `\b` sees only ASCII letters.
 */
const OPENERS = new Set([
  'ما',
  'ماذا',
  'من',
  'متي',
  'منذ',
  'اين',
  'كيف',
  'لماذا',
  'لم',
  'كم',
  'بكم',
  'هل',
  'اي',
  'ماهو',
  'ماهي',
  'الي',
  'what',
  'who',
  'whom',
  'whose',
  'when',
  'where',
  'why',
  'how',
  'which',
  'is',
  'are',
  'was',
  'were',
  'does',
  'do',
  'did',
  'can',
  'could',
  'would',
  'should',
  'will',
  'has',
  'have',
  'quel',
  'quelle',
  'quels',
  'quelles',
  'qui',
  'quand',
  'ou',
  'pourquoi',
  'comment',
  'combien',
  'est',
  'lequel',
  'laquelle',
]);
/** "ممكن تقولي…", "بدي اعرف…", "tell me…", "dis-moi…": a request for information. */
const ASKING =
  /^(ممكن|لو سمحت)?\s*(تقول لي|تقولي|قلي|قل لي|قولي|اخبرني|خبرني|اشرح|وضح|اريد اعرف|يريد اعرف|تريد اعرف|اريد ان اعرف|نريد نعرف|ابغي اعرف|اود ان اعرف|ودي اعرف|tell me|explain|dis moi|dites moi|explique|expliquez)(\s|$)/;
/** Greetings and fillers that may stand before the question. */
const LEADING = /^((و|ف|طيب|طب|يا|سند|مرحبا|اهلا|السلام عليكم|hi|hello|hey|ok|so|and|bonjour|salut|alors|et)\s+)+/;

/** A message that reads as a question: it ends in ? or ؟, or opens with a question word or a request. */
export function looksLikeQuestion(text: string): boolean {
  const t = text.trim();
  if (/[?؟]\s*$/.test(t)) return true;
  const read = readDialect(t).text.replace(LEADING, '');
  const first = read.split(' ')[0] ?? '';
  return OPENERS.has(first) || ASKING.test(read);
}
