/**
 * Sentence and clause splitting over the original text, returning offsets so a quote can be
 * highlighted inside its paragraph. Sentences end at `.` `!` `?` `؟` `؛` (and a closing quote
 * after them), but not inside brackets; a long sentence is cut further at `،` or `,` where a
 * clause ends.
 */
export interface Span {
  start: number;
  end: number;
  text: string;
}

// A line break ends a sentence too: a list item or a heading-less line stands alone. A dot
// between two Arabic words ("ديموقراطي.الاقتصاد") is a sentence end typed without its space:
// Arabic writes no abbreviations that way (a single letter, "د.", is kept below).
const SENTENCE_END = /[.!?؟؛]+["»”'’)\]]*(?=\s|$)|(?<=[\u0621-\u064A]{2})\.(?=[\u0621-\u064A])|\n+/g;
const CLAUSE_END = /[،,]\s+/g;

function spans(text: string, boundary: RegExp, offset = 0): Span[] {
  const out: Span[] = [];
  let start = 0;
  boundary.lastIndex = 0;
  for (let m = boundary.exec(text); m; m = boundary.exec(text)) {
    const end = m.index + m[0].length;
    // A dot between digits or after a single letter is not a sentence end (2.5, U.N.).
    if (m[0].startsWith('.') && /\d$|(^|\s)\p{L}$/u.test(text.slice(start, m.index)) && /^\d/.test(text.slice(end).trimStart())) continue;
    // Nor is a '؛' or '.' inside brackets that close later on the line: "(بالتركية: …؛ وبالألبانية: …)".
    if (boundary === SENTENCE_END && m[0][0] !== '\n' && insideBrackets(text, start, m.index)) continue;
    push(out, text, start, end, offset);
    start = end;
  }
  push(out, text, start, text.length, offset);
  return out;
}

const MAX_BRACKETED = 300;

function insideBrackets(text: string, from: number, at: number): boolean {
  let depth = 0;
  for (let i = from; i < at; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if ((c === ')' || c === ']') && depth > 0) depth--;
  }
  if (depth === 0) return false;
  // Only brackets that do close, soon and on the same line: a stray '(' must not swallow the paragraph.
  const rest = text.slice(at, at + MAX_BRACKETED);
  const close = rest.search(/[)\]]/);
  const line = rest.indexOf('\n');
  return close >= 0 && (line < 0 || close < line);
}

function push(out: Span[], text: string, start: number, end: number, offset: number): void {
  const raw = text.slice(start, end);
  const lead = raw.length - raw.trimStart().length;
  const trimmed = raw.trim();
  if (!trimmed) return;
  out.push({ start: offset + start + lead, end: offset + start + lead + trimmed.length, text: trimmed });
}

export function splitSentences(text: string): Span[] {
  return spans(text, SENTENCE_END);
}

/** Sentences, with those longer than `maxChars` cut into clauses at commas. */
export function splitClauses(text: string, maxChars = 220): Span[] {
  const out: Span[] = [];
  for (const sentence of splitSentences(text)) {
    if (sentence.text.length <= maxChars) {
      out.push(sentence);
      continue;
    }
    out.push(...spans(sentence.text, CLAUSE_END, sentence.start));
  }
  return out;
}
