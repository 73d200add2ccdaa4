import type { Hit } from '../index/knowledge-index.js';
import type { Paragraph } from '../knowledge/types.js';
import { coverage, type QueryProfile } from '../retrieve/coverage.js';
import { normalizeForMatch, splitClauses, splitSentences, terms, type Span } from '../text/index.js';
import { matchesType, type AnswerType } from './question.js';
import { windowFeatures, windowScore } from './window-model.js';

/**
 * Quotes stay short enough to read in chat: the answer (the quote and its " [1]") fits in 300
 * characters, a phone screen's worth; a list question is the exception.
 */
export const MAX_QUOTE_CHARS = 296;
/** A sentence longer than this is scored clause by clause (at its commas). */
const CLAUSE_SPLIT_CHARS = 200;
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
export const EXTEND_TO_CHARS = 296;

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
 * Picks the answer in a paragraph: for a list question, the whole list; otherwise every window
 * of one to three consecutive clauses is grown into whole sentences (see grow) and the grown
 * quote the window model likes best wins (see window-model). The paragraph is the one retrieval
 * ranked first: its reranking already weighed every candidate's best window against its
 * retrieval score (`score`, the coverage of the question and the slot by the best raw window),
 * and quoting a lower-ranked paragraph instead lost answers on ARCD (0.737 → 0.731).
 */
export function extractAnswer(hit: Hit, profile: QueryProfile, type: AnswerType, maxQuote = MAX_QUOTE_CHARS): Extract | null {
  const paragraph = hit.paragraph;
  const prepared = prepare(paragraph);
  const { context } = prepared;
  const list = prepared.list;
  let listExtract: Extract | null = null;
  if (list && (type === 'list' || coverage(profile, union(context, list.introTerms)) >= 0.5)) {
    const quote = list.items.join('\n');
    const listTerms = union(context, list.allTerms);
    const cov = coverage(profile, listTerms);
    const local = withinDocument(profile, prepared.title);
    const score = coverage(local, listTerms) + (type === 'list' ? EXTRACT_WEIGHTS.typeBonus : 0);
    listExtract = { paragraph, hit, quote, coverage: cov, score, isList: true };
  }
  const candidates = windowCandidates(prepared, profile, type, type === 'list' ? MAX_LIST_CLAUSES : MAX_WINDOW_CLAUSES, maxQuote);
  if (candidates.length === 0) return listExtract;
  const rawBest = Math.max(...candidates.map((c) => c.rawScore));
  if (listExtract && listExtract.score >= rawBest) return listExtract;
  let best = candidates[0]!;
  let bestScore = -Infinity;
  for (const candidate of candidates) {
    const score = windowScore(candidate.features);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  let quote = paragraph.text.slice(prepared.clauses[best.from]!.start, prepared.clauses[best.to]!.end);
  if (quote.length > maxQuote) quote = densestSpan(quote, profile, maxQuote);
  return { paragraph, hit, quote, coverage: best.coverage, score: rawBest, isList: false };
}

/** One way to answer from a paragraph: clauses [from, to] once grown into whole sentences. */
export interface WindowCandidate {
  from: number;
  to: number;
  /** IDF-weighted share of the question the grown quote covers. */
  coverage: number;
  /** The raw window's coverage and slot, as reranking weighs paragraphs. */
  rawScore: number;
  features: number[];
}

/** Every window of up to `span` clauses, grown, deduplicated, with its features. */
export function windowCandidates(
  prepared: Prepared,
  profile: QueryProfile,
  type: AnswerType,
  span: number,
  maxQuote: number,
): WindowCandidate[] {
  const { clauses } = prepared;
  const local = withinDocument(profile, prepared.title);
  const byQuote = new Map<string, WindowCandidate>();
  for (let i = 0; i < clauses.length; i++) {
    for (let j = i; j < Math.min(clauses.length, i + span); j++) {
      const start = clauses[i]!.start;
      let last = j;
      const next = clauses[j + 1];
      if (next && prepared.continues[j + 1] && next.end - start <= maxQuote) last = j + 1;
      const length = clauses[last]!.end - start;
      if (j > i && length > maxQuote) break;
      // Terms and normal form of a window are those of its clauses, computed once a paragraph.
      const rawTerms = termsOf(prepared, i, last);
      const typed = matchesType(type, prepared.clauseNormal.slice(i, last + 1).join(' '));
      const rawScore = coverage(local, rawTerms) + (typed ? EXTRACT_WEIGHTS.typeBonus : 0) - EXTRACT_WEIGHTS.perChar * length;
      const [from, to] = grow(prepared, i, last, EXTEND_TO_CHARS);
      const key = `${from}:${to}`;
      const seen = byQuote.get(key);
      if (seen) {
        seen.rawScore = Math.max(seen.rawScore, rawScore);
        continue;
      }
      const grown = termsOf(prepared, from, to);
      const features = windowFeatures({ prepared, profile, local, type, from, to, grownTerms: grown, coreFrom: i, coreTo: last });
      byQuote.set(key, { from, to, coverage: coverage(profile, grown), rawScore, features });
    }
  }
  return [...byQuote.values()];
}

function termsOf(prepared: Prepared, from: number, to: number): Set<string> {
  const out = new Set(prepared.context);
  for (let c = from; c <= to; c++) for (const t of prepared.clauseTerms[c]!) out.add(t);
  return out;
}

/**
 * Grows the chosen clause window [first, last] into what a reader can take in alone: first the
 * whole sentence it belongs to (an answer starts where a sentence starts and ends where it ends),
 * then whole neighbouring sentences, following ones first (the answer usually sits next to the
 * words the question shares with the text, most often after them), within `budget` characters.
 */
function grow(prepared: Prepared, first: number, last: number, budget: number): [number, number] {
  const { clauses, sentenceOf } = prepared;
  const length = (a: number, b: number) => clauses[b]!.end - clauses[a]!.start;
  let from = first;
  let to = last;
  // The sentence's own end, then its start.
  while (to + 1 < clauses.length && sentenceOf[to + 1] === sentenceOf[to] && length(from, to + 1) <= budget) to++;
  while (from > 0 && sentenceOf[from - 1] === sentenceOf[from] && length(from - 1, to) <= budget) from--;
  // Whole sentences after, then before.
  const sentenceEnd = (c: number) => {
    let e = c;
    while (e + 1 < clauses.length && sentenceOf[e + 1] === sentenceOf[c]) e++;
    return e;
  };
  const sentenceStart = (c: number) => {
    let b = c;
    while (b > 0 && sentenceOf[b - 1] === sentenceOf[c]) b--;
    return b;
  };
  while (
    to + 1 < clauses.length &&
    sentenceOf[to] !== sentenceOf[to + 1] &&
    from === sentenceStart(from) &&
    length(from, sentenceEnd(to + 1)) <= budget
  )
    to = sentenceEnd(to + 1);
  while (from > 0 && to === sentenceEnd(to) && length(sentenceStart(from - 1), to) <= budget) from = sentenceStart(from - 1);
  return [from, to];
}

/**
 * Within one paragraph the words of its document's title (the subject: "أينشتاين" in every
 * paragraph about him) do not tell one clause from another; they count half when choosing the
 * window, so the clause with the question's other words wins.
 */
const TITLE_TERM_WEIGHT = 0.5;

export function withinDocument(profile: QueryProfile, title: Set<string>): QueryProfile {
  const weights = profile.terms.map((t, i) => (title.has(t) ? TITLE_TERM_WEIGHT : 1) * profile.weights[i]!);
  return { ...profile, weights, total: weights.reduce((a, b) => a + b, 0) };
}

/** What window scoring needs of a paragraph, computed once: retrieval reranks the same hits. */
export interface Prepared {
  clauses: Span[];
  /** The sentence each clause belongs to (clauses of a long sentence share one). */
  sentenceOf: number[];
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

export function prepare(paragraph: Paragraph): Prepared {
  let prepared = preparedParagraphs.get(paragraph);
  if (prepared) return prepared;
  const clauses = splitClauses(paragraph.text, CLAUSE_SPLIT_CHARS);
  const sentences = splitSentences(paragraph.text);
  const list = listParts(paragraph);
  prepared = {
    clauses,
    sentenceOf: clauses.map((c) => sentences.findIndex((s) => c.start >= s.start && c.end <= s.end)),
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
