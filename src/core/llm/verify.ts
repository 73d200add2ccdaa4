import type { Lang } from '../types.js';
import type { Passage } from './port.js';

/**
 * Checks a model's answer against the passages it was given. Citations are verified, not
 * trusted: markers outside [1..k] are dropped, an answer with no valid marker is rejected, and
 * every number in it must appear in a passage it cites.
 */

/** What the prompt tells the model to write when the passages do not answer. */
export const NO_ANSWER = 'NO_ANSWER';

const DIGITS: Array<[number, number]> = [
  [0x0660, 0x0669], // Arabic-Indic
  [0x06f0, 0x06f9], // Extended Arabic-Indic (Persian, Urdu)
];

/** Arabic-Indic digits become Western ones; the Arabic decimal and thousands marks too. */
export function normalizeDigits(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const range = DIGITS.find(([lo, hi]) => code >= lo && code <= hi);
    if (range) out += String(code - range[0]);
    else if (ch === '\u066B') out += '.'; // Arabic decimal separator
    else if (ch === '\u066C') out += ','; // Arabic thousands separator
    else out += ch;
  }
  return out;
}

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
  const text2 = cleaned.replace(/[ \t]+([.,;:!?،؛؟])/g, '$1').replace(/[ \t]{2,}/g, ' ').trim();
  return { text: text2, cited, dropped };
}

/** Numbers in a text, canonical: Western digits, no grouping, no leading zeros. */
export function extractNumbers(text: string): string[] {
  const stripped = normalizeDigits(text.replace(MARKER, ' ')).replace(/¶\s*\d+/g, ' '); // "¶2" names a paragraph, it is not a claim
  const out: string[] = [];
  for (const match of stripped.matchAll(/\d+(?:[,\u066C]\d{3})*(?:[.]\d+)?/g)) {
    out.push(canonicalNumber(match[0]));
  }
  return out;
}

function canonicalNumber(raw: string): string {
  const [int = '', frac] = raw.replace(/,/g, '').split('.');
  const i = int.replace(/^0+(?=\d)/, '');
  const f = frac?.replace(/0+$/, '');
  return f ? `${i}.${f}` : i;
}

/** Numbers that only a passage can vouch for, missing from every cited passage. */
export function unverifiedNumbers(answer: string, cited: Passage[]): string[] {
  const known = new Set<string>();
  for (const passage of cited) {
    for (const n of extractNumbers(`${passage.text} ${passage.title} ${passage.section ?? ''}`)) known.add(n);
    // "1,000" in a passage may be written "1000" in the answer and the other way round; a
    // comma-separated list "3,5" in a passage also yields its parts.
    for (const n of normalizeDigits(passage.text).match(/\d+/g) ?? []) known.add(canonicalNumber(n));
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
    return { ok: false, reason: 'no_citations', detail: dropped.length > 0 ? `only out-of-range citations [${dropped.join(', ')}]` : 'no [n] citation', dropped };
  }
  const citedPassages = passages.filter((p) => cited.includes(p.n));
  const missing = unverifiedNumbers(text, citedPassages);
  if (missing.length > 0) {
    return { ok: false, reason: 'unverified', detail: `numbers not in the cited passages: ${missing.join(', ')}`, dropped };
  }
  return { ok: true, text, cited, declined: false, dropped };
}
