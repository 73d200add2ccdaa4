import type { Hit } from '../index/knowledge-index.js';
import type { Paragraph } from '../knowledge/types.js';
import { coverage, type QueryProfile } from '../retrieve/coverage.js';
import { normalizeForMatch, splitClauses, terms, type Span } from '../text/index.js';
import { matchesType, type AnswerType } from './question.js';

/** Quotes stay short enough to read in chat; a list question is the exception. */
/** The citation mark " [1]" follows the quote in the answer, which stays within 400 characters. */
export const MAX_QUOTE_CHARS = 394;
const MAX_WINDOW_CLAUSES = 3;
/** A list question may take a whole enumeration, clause after clause. */
const MAX_LIST_CLAUSES = 8;
/** A sentence that opens by pointing back ("فهي…", "It is…") completes the one before it. */
const CONTINUATION = /^["«“(]?\s*(فهي|فهو|وهي|وهو|اذ|إذ|حيث|لذا|لذلك|ولذلك|هذا|وهذا|it|this|which|that|ce|cela|c['’]est)(\s|$)/iu;

export interface Extract {
  paragraph: Paragraph;
  hit: Hit;
  /** A substring of the paragraph's original text. */
  quote: string;
  /** IDF-weighted share of the question the quote covers. */
  coverage: number;
  score: number;
  isList: boolean;
  end?: number;
  clauses?: Span[];
}

/** Scoring weights, fitted on ARCD's training half (answer contains the gold span). */
export const EXTRACT_WEIGHTS = { typeBonus: 0.2, perChar: 0.00025 } as const;
/**
 * The chosen window grows with its neighbouring clauses up to this length (following ones
 * first): on ARCD's training half "the answer contains the gold span" goes from 0.61 (the
 * window alone) to 0.68 (following clauses) and 0.71 (both sides); quotes average 290 characters.
 */
export const EXTEND_TO_CHARS = 350;

interface ListParts {
  intro: string;
  items: string[];
}

/** A paragraph built from an intro ending in ':' and its list items, one a line. */
export function listParts(paragraph: Paragraph): ListParts | null {
  const lines = paragraph.text.split('\n');
  if (lines.length < 2 || !/[:：]["»”)]*\s*$/.test(lines[0]!)) return null;
  return { intro: lines[0]!, items: lines.slice(1) };
}

/**
 * Picks the clause window (one to three consecutive clauses) of a paragraph that best covers
 * the question, preferring windows that hold what the question asks for (a date for "when");
 * for a list question, the whole list. The paragraph is the one retrieval ranked first: its
 * reranking already weighed every candidate's best window against its retrieval score, and
 * quoting a lower-ranked paragraph instead lost answers on ARCD (0.737 → 0.731).
 */
export function extractAnswer(hit: Hit, profile: QueryProfile, type: AnswerType, maxQuote = MAX_QUOTE_CHARS): Extract | null {
  let winner: Extract | null = null;
  const paragraph = hit.paragraph;
  const prepared = prepare(paragraph);
  const { context, clauses } = prepared;
  const local = withinDocument(profile, prepared.title);
  const list = prepared.list;
  if (list && (type === 'list' || coverage(profile, union(context, list.introTerms)) >= 0.5)) {
    const quote = list.items.join('\n');
    const listTerms = union(context, list.allTerms);
    const cov = coverage(profile, listTerms);
    const score = coverage(local, listTerms) + (type === 'list' ? EXTRACT_WEIGHTS.typeBonus : 0);
    winner = { paragraph, hit, quote, coverage: cov, score, isList: true };
  }
  const span = type === 'list' ? MAX_LIST_CLAUSES : MAX_WINDOW_CLAUSES;
  for (let i = 0; i < clauses.length; i++) {
    for (let j = i; j < Math.min(clauses.length, i + span); j++) {
      const start = clauses[i]!.start;
      let last = j;
      const next = clauses[j + 1];
      if (next && prepared.continues[j + 1] && next.end - start <= maxQuote) last = j + 1;
      const end = clauses[last]!.end;
      const length = end - start;
      if (j > i && length > maxQuote) break;
      // Terms and normal form of a window are those of its clauses, computed once a paragraph.
      const quoteTerms = new Set(context);
      for (let c = i; c <= last; c++) for (const t of prepared.clauseTerms[c]!) quoteTerms.add(t);
      const cov = coverage(profile, quoteTerms);
      const typed = matchesType(type, prepared.clauseNormal.slice(i, last + 1).join(' ')) ? EXTRACT_WEIGHTS.typeBonus : 0;
      const score = coverage(local, quoteTerms) + typed - EXTRACT_WEIGHTS.perChar * length;
      if (!winner || score > winner.score) {
        winner = { paragraph, hit, quote: paragraph.text.slice(start, end), coverage: cov, score, isList: false, end: j, clauses };
      }
    }
  }
  if (winner && !winner.isList && winner.clauses) {
    // The answer usually sits next to the words the question shares with the text, most often
    // after them: grow the window with the following clauses, then the preceding ones, up to a
    // readable length.
    const { clauses } = winner;
    const start = winner.paragraph.text.indexOf(winner.quote);
    let first = clauses.findIndex((c) => c.start === start);
    let end = winner.end!;
    while (end + 1 < clauses.length && clauses[end + 1]!.end - start <= EXTEND_TO_CHARS) end++;
    while (first > 0 && clauses[end]!.end - clauses[first - 1]!.start <= EXTEND_TO_CHARS) first--;
    const from = first >= 0 ? clauses[first]!.start : start;
    winner.quote = winner.paragraph.text.slice(from, clauses[end]!.end);
  }
  if (winner && !winner.isList && winner.quote.length > maxQuote) winner.quote = densestSpan(winner.quote, profile, maxQuote);
  return winner;
}

/**
 * Within one paragraph the words of its document's title (the subject: "أينشتاين" in every
 * paragraph about him) do not tell one clause from another; they count half when choosing the
 * window, so the clause with the question's other words wins.
 */
const TITLE_TERM_WEIGHT = 0.5;

function withinDocument(profile: QueryProfile, title: Set<string>): QueryProfile {
  const weights = profile.terms.map((t, i) => (title.has(t) ? TITLE_TERM_WEIGHT : 1) * profile.weights[i]!);
  return { terms: profile.terms, weights, total: weights.reduce((a, b) => a + b, 0) };
}

/** What window scoring needs of a paragraph, computed once: retrieval reranks the same hits. */
interface Prepared {
  clauses: Span[];
  clauseTerms: string[][];
  clauseNormal: string[];
  /** Whether each clause opens by pointing back, so it completes the one before. */
  continues: boolean[];
  context: Set<string>;
  title: Set<string>;
  /** A list paragraph's intro terms and all its terms; null for other paragraphs. */
  list: (ListParts & { introTerms: string[]; allTerms: string[] }) | null;
}

const preparedParagraphs = new WeakMap<Paragraph, Prepared>();

function prepare(paragraph: Paragraph): Prepared {
  let prepared = preparedParagraphs.get(paragraph);
  if (prepared) return prepared;
  const clauses = splitClauses(paragraph.text, 200);
  const list = listParts(paragraph);
  prepared = {
    clauses,
    clauseTerms: clauses.map((c) => terms(c.text, paragraph.lang)),
    clauseNormal: clauses.map((c) => normalizeForMatch(c.text)),
    continues: clauses.map((c) => CONTINUATION.test(c.text)),
    context: new Set(terms(paragraph.section ?? '', paragraph.lang)),
    title: new Set(terms(paragraph.title, paragraph.lang)),
    list: list ? { ...list, introTerms: terms(list.intro, paragraph.lang), allTerms: terms(paragraph.text, paragraph.lang) } : null,
  };
  preparedParagraphs.set(paragraph, prepared);
  return prepared;
}

function union(set: Set<string>, more: string[]): Set<string> {
  const out = new Set(set);
  for (const t of more) out.add(t);
  return out;
}

/**
 * A clause with no punctuation can run past the limit: keep the stretch of `max` characters that
 * holds the most question weight, cut at word boundaries. Still a substring of the paragraph.
 */
function densestSpan(text: string, profile: QueryProfile, max: number): string {
  const words = [...text.matchAll(/\S+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length, weight: weightOf(m[0], profile) }));
  let best = { from: 0, to: 0, weight: -1 };
  let to = 0;
  let weight = 0;
  for (let from = 0; from < words.length; from++) {
    while (to < words.length && words[to]!.end - words[from]!.start <= max) weight += words[to++]!.weight;
    if (weight > best.weight) best = { from, to, weight };
    weight -= words[from]!.weight;
  }
  if (best.to <= best.from) return text.slice(0, max);
  return text.slice(words[best.from]!.start, words[best.to - 1]!.end);
}

function weightOf(word: string, profile: QueryProfile): number {
  const wordTerms = new Set(terms(word));
  let weight = 0;
  profile.terms.forEach((term, i) => {
    if (wordTerms.has(term)) weight += profile.weights[i]!;
  });
  return weight;
}
