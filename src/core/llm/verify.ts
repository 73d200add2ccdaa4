import type { Lang } from '../types.js';
import { normalizeDigits, numbersInAnswer, numbersInPassage } from './numbers.js';
import type { Passage } from './port.js';

export { normalizeDigits };

/**
 * Checks a model's answer against the passages it was given. Citations are verified, not
 * trusted: markers outside [1..k] are dropped, an answer with no valid marker is rejected, and
 * every number in it must appear in a passage it cites.
 */

/** What the prompt tells the model to write when the passages do not answer. */
export const NO_ANSWER = 'NO_ANSWER';

const D = '[0-9\u0660-\u0669\u06F0-\u06F9]+';
/** A citation marker: [1], [1, 3], [١], [2-4]. Digits of either script. */
const MARKER = new RegExp(`\\[\\s*(${D}(?:\\s*(?:[,،;]|[-–])\\s*${D})*)\\s*\\]`, 'g');

/** The numbers inside one [..] marker: "[1]", "[1, 3]", "[2-4]". */
function markerNumbers(inner: string): number[] {
  const out: number[] = [];
  for (const part of normalizeDigits(inner).split(/\s*[,،;]\s*/)) {
    const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(part);
    if (range) {
      const from = Number(range[1]);
      const to = Number(range[2]);
      // A wide range is a number the model wrote, not a citation: keep its ends only.
      if (to >= from && to - from <= 10) for (let n = from; n <= to; n++) out.push(n);
      else out.push(from, to);
    } else out.push(Number(part));
  }
  return out;
}

export interface ParsedCitations {
  /** The text with out-of-range numbers removed from its markers (empty markers dropped). */
  text: string;
  /** Valid passage numbers, in first-use order. */
  cited: number[];
  /** Out-of-range numbers the model wrote. */
  dropped: number[];
}

/** Parses the [n] markers of `text`; `valid` holds the passage numbers given to the model. */
export function parseCitations(text: string, valid: ReadonlySet<number>): ParsedCitations {
  const cited: number[] = [];
  const dropped: number[] = [];
  const cleaned = text.replace(MARKER, (_m, inner: string) => {
    const kept: number[] = [];
    for (const n of markerNumbers(inner)) {
      if (valid.has(n)) {
        if (!kept.includes(n)) kept.push(n);
        if (!cited.includes(n)) cited.push(n);
      } else dropped.push(n);
    }
    return kept.length > 0 ? kept.map((n) => `[${n}]`).join('') : '';
  });
  // Removing a marker can leave a space before punctuation; tidy only that.
  const text2 = cleaned
    .replace(/[ \t]+([.,;:!?،؛؟])/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
  return { text: text2, cited, dropped };
}

/** Numbers an answer states in digits, canonical; citation markers and ¶N are not claims. */
export function extractNumbers(text: string): string[] {
  return numbersInAnswer(text.replace(MARKER, ' ').replace(/¶\s*[0-9\u0660-\u0669\u06F0-\u06F9]+/g, ' '));
}

/** Numbers in the answer that no cited passage vouches for. */
export function unverifiedNumbers(answer: string, cited: Passage[]): string[] {
  const known = new Set<string>();
  for (const passage of cited) {
    for (const n of numbersInPassage(`${passage.text}\n${passage.title}\n${passage.section ?? ''}`)) known.add(n);
  }
  return [...new Set(extractNumbers(answer))].filter((n) => !known.has(n));
}

const DECLINE_PATTERNS: RegExp[] = [
  // English
  /\b(passages?|paragraphs?|sources?|documents?|context|texts?|information provided|provided (text|information))\b[^.?!]{0,60}\b(do(es)?\s*n[o']t|do not|does not|don't|doesn't|not)\b[^.?!]{0,40}\b(answer|contain|mention|say|include|provide|cover|address|specify|state)/i,
  /\b(I (do not|don't|cannot|can't|could not|couldn't) (know|find|answer|tell))|\bno (information|answer|mention)\b/i,
  // French
  /\bne (répondent|répond|contiennent|contient|mentionnent|mentionne|précisent|précise|disent|dit|permettent|permet|fournissent|fournit|indiquent|indique)\b|\b(aucune (information|réponse|mention))\b|\bje ne (sais|peux|trouve)\b/i,
  // Arabic
  /لا\s*(تجيب|تتضمن|تحتوي|تذكر|تتناول|تشير|يوجد|توجد|تتوفر|تقدم|تحدد|تجيب)|لم\s*(تذكر|ترد|يرد|أجد|تتضمن|تشر|تحدد)|لا أعرف|لا أستطيع|لا تتوفر|ليس(ت)? (هناك|في)/,
];

/** The reply without NO_ANSWER and the punctuation that tied it to the sentence. */
function withoutMarker(text: string): string {
  return text
    .split(NO_ANSWER)
    .map((part) => part.replace(/^[\s:.\-–—]+/, ''))
    .join(' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

export type Verdict =
  | { ok: true; text: string; cited: number[]; declined: false; dropped: number[] }
  | { ok: true; text: string; cited: []; declined: true; dropped: number[] }
  | { ok: false; reason: 'no_citations' | 'unverified'; detail: string; dropped: number[] };

/** Whether a reply with no valid citation is the model saying the passages do not answer. */
export function isDecline(text: string, _lang: Lang): boolean {
  const trimmed = text.trim();
  if (trimmed.startsWith(NO_ANSWER)) return true;
  if (trimmed.length > 400) return false;
  return DECLINE_PATTERNS.some((re) => re.test(trimmed));
}

export function verifyAnswer(raw: string, passages: Passage[], lang: Lang): Verdict {
  const trimmed = raw.trim();
  if (trimmed.startsWith(NO_ANSWER)) {
    return { ok: true, text: withoutMarker(trimmed), cited: [], declined: true, dropped: [] };
  }
  const marked = trimmed.includes(NO_ANSWER);
  const { text, cited, dropped } = parseCitations(marked ? withoutMarker(trimmed) : trimmed, new Set(passages.map((p) => p.n)));
  if (text.length === 0 && !marked) return { ok: false, reason: 'no_citations', detail: 'empty answer', dropped };
  if (cited.length === 0) {
    // The marker anywhere (some models append it) or a plain sentence saying so.
    if (marked || isDecline(text, lang)) return { ok: true, text, cited: [], declined: true, dropped };
    return {
      ok: false,
      reason: 'no_citations',
      detail: dropped.length > 0 ? `only out-of-range citations [${dropped.join(', ')}]` : 'no [n] citation',
      dropped,
    };
  }
  const citedPassages = passages.filter((p) => cited.includes(p.n));
  const missing = unverifiedNumbers(text, citedPassages);
  if (missing.length > 0) {
    return { ok: false, reason: 'unverified', detail: `numbers not in the cited passages: ${missing.join(', ')}`, dropped };
  }
  return { ok: true, text, cited, declined: false, dropped };
}
