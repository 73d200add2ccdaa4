import { randomInt } from 'node:crypto';
import { message } from './messages.js';
import type { Answer, Lang } from './types.js';

/**
 * The platform-neutral reply every adapter renders: Block Kit, embeds, HTML or a terminal.
 * Adapters add transport concerns (escaping, size limits); they never re-decide content.
 */
export interface Reply {
  kind: 'answer' | 'decline' | 'error' | 'notice';
  language: Lang;
  /** Right-to-left when the reply text is Arabic. */
  direction: 'rtl' | 'ltr';
  text: string;
  notice: string | null;
  /** Heading for the source list: "Sources" or, on a decline, "Closest I found". */
  sourcesLabel: string;
  citations: ReplyCitation[];
  /** "extractive" or "llm", shown small (a footer) so people know what answered. */
  mode: string;
}

export interface ReplyCitation {
  n: number;
  /** `title · p. 3 · ¶N · section` (the page only in a paged document) */
  label: string;
  /** The document's web address, for a web page: renderers make the label a link to it. */
  url?: string;
  quote: string;
  paragraphId: string;
  document: string;
  paragraph: number;
}

export function citationLabel(c: { title: string; paragraph: number; section: string | null; page?: number }): string {
  return [c.title, c.page !== undefined ? `p. ${c.page}` : null, `¶${c.paragraph}`, c.section].filter(Boolean).join(' · ');
}

export function toReply(answer: Answer): Reply {
  const lang = answer.language;
  return {
    kind: answer.intent === 'smalltalk' || answer.intent === 'help' ? 'notice' : answer.abstained ? 'decline' : 'answer',
    language: lang,
    direction: lang === 'ar' || lang === 'und' ? 'rtl' : 'ltr',
    text: answer.answer,
    notice: answer.notice ?? null,
    sourcesLabel: message(answer.abstained ? 'closest' : 'sources', lang),
    citations: answer.citations.map((c) => ({
      n: c.n,
      label: citationLabel(c),
      ...(c.url ? { url: c.url } : {}),
      quote: c.quote,
      paragraphId: c.paragraphId,
      document: c.document,
      paragraph: c.paragraph,
    })),
    mode: answer.mode,
  };
}

/** The visible apology for an internal error; `errorId` is also in the log. */
export function errorReply(errorId: string, lang: Lang = 'ar'): Reply {
  return simpleReply('error', message('error', lang, { id: errorId }), lang);
}

export function simpleReply(kind: Reply['kind'], text: string, lang: Lang): Reply {
  return {
    kind,
    language: lang,
    direction: lang === 'ar' || lang === 'und' ? 'rtl' : 'ltr',
    text,
    notice: null,
    sourcesLabel: message('sources', lang),
    citations: [],
    mode: 'none',
  };
}

const ERROR_ID_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** Six characters: short enough to read out to an admin; 36^6 ≈ 2·10⁹ ids, so two apologies do not share one. */
const ERROR_ID_LENGTH = 6;

/** Short random id (from the system's CSPRNG) that ties a user-visible apology to its log line. */
export function newErrorId(): string {
  let id = '';
  for (let i = 0; i < ERROR_ID_LENGTH; i++) id += ERROR_ID_ALPHABET[randomInt(ERROR_ID_ALPHABET.length)];
  return id;
}
