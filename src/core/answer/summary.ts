import type { KnowledgeDocument, Paragraph } from '../knowledge/types.js';
import { splitClauses, splitSentences, terms, type Span } from '../text/index.js';

/** One central sentence of the knowledge, quoted as written, with where it stands. */
export interface KeyPoint {
  /** A substring of the paragraph's original text. */
  quote: string;
  document: string;
  title: string;
  /** ¶N of the paragraph in its document. */
  paragraph: number;
  section: string | null;
  paragraphId: string;
  collection: string;
}

/** Sentences shorter than this (in content terms) say too little to stand alone. */
const MIN_TERMS = 4;
/** Longer sentences are cut at clause boundaries so a key point stays readable. */
const MAX_CHARS = 320;
/** Two candidates this similar say the same thing: keep the more central one. */
const POINTS_BACK = /(^|[\s(«"])(تلك|هذه|هؤلاء|ذلك|those|these|such|ces|cette|ces derniers)(?=[\s)»".,،]|$)/iu;
const REDUNDANT = 0.5;

interface Candidate {
  point: KeyPoint;
  order: number;
  weights: Map<string, number>;
  norm: number;
  score: number;
}

/**
 * The most central sentences of some paragraphs: TF-IDF vectors per sentence, centrality = the
 * sum of a sentence's cosine similarity to all others (degree centrality, as in LexRank), with
 * a small lead bonus since news puts the gist first; the opening sentence always leads. At most
 * one point per paragraph, sections not yet covered first, none redundant with a better one,
 * returned in reading order. Extractive: every quote is a
 * substring of its paragraph.
 */
export function centralPoints(paragraphs: Paragraph[], count: number): KeyPoint[] {
  const candidates = sentenceCandidates(paragraphs);
  if (candidates.length === 0 || count <= 0) return [];

  const df = new Map<string, number>();
  for (const c of candidates) for (const term of c.weights.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const n = candidates.length;
  for (const c of candidates) {
    let sum = 0;
    for (const [term, tf] of c.weights) {
      const w = (1 + Math.log(tf)) * Math.log(1 + n / df.get(term)!);
      c.weights.set(term, w);
      sum += w * w;
    }
    c.norm = Math.sqrt(sum);
  }
  for (const a of candidates) {
    for (const b of candidates) if (a !== b) a.score += cosine(a, b);
    a.score *= 1 + 0.15 / a.point.paragraph;
    // "…those priorities": a sentence that points back reads poorly on its own.
    if (POINTS_BACK.test(a.point.quote)) a.score *= 0.85;
  }

  const ranked = [...candidates].sort((a, b) => b.score - a.score || a.order - b.order);
  const chosen: Candidate[] = [];
  const usedParagraphs = new Set<string>();
  const usedSections = new Set<string>();
  const take = (c: Candidate) => {
    chosen.push(c);
    usedParagraphs.add(c.point.paragraphId);
    usedSections.add(sectionKey(c));
  };
  // News states its gist first: the opening paragraph's most central sentence leads.
  const lead = ranked.find((c) => c.point.paragraph === firstParagraph(paragraphs) && c.point.document === paragraphs[0]?.document);
  if (lead) take(lead);
  // Then the most central sentences, one per paragraph, none redundant with one taken, and
  // sections not yet covered first, so a summary spans the document rather than one part.
  for (const pass of ['new sections', 'any section'] as const) {
    for (const c of ranked) {
      if (chosen.length >= count) break;
      if (usedParagraphs.has(c.point.paragraphId)) continue;
      if (pass === 'new sections' && usedSections.has(sectionKey(c))) continue;
      if (chosen.some((d) => cosine(c, d) >= REDUNDANT)) continue;
      take(c);
    }
  }
  return chosen.sort((a, b) => a.order - b.order).map((c) => c.point);
}

function sectionKey(c: Candidate): string {
  return `${c.point.document}\u0000${c.point.section ?? ''}`;
}

function firstParagraph(paragraphs: Paragraph[]): number | undefined {
  return paragraphs.find((p) => !p.duplicateOf)?.n;
}

/** 3 to 5 key points for one document: more for longer documents. */
export function documentPoints(document: KnowledgeDocument): KeyPoint[] {
  const live = document.paragraphs.filter((p) => !p.duplicateOf);
  const count = Math.min(5, Math.max(3, Math.ceil(live.length / 4)));
  return centralPoints(live, count);
}

function sentenceCandidates(paragraphs: Paragraph[]): Candidate[] {
  const out: Candidate[] = [];
  for (const paragraph of paragraphs) {
    if (paragraph.duplicateOf) continue;
    // Line by line: a list paragraph's items are separate points, not one run-on sentence.
    const spans = paragraph.text.split('\n').flatMap((line) => splitSentences(line).flatMap(readableWindows));
    for (const span of spans) {
      // A list intro ("… as follows:") means nothing without its items.
      if (/[:：]["»”)]*$/.test(span.text)) continue;
      const found = terms(span.text, paragraph.lang);
      if (found.length < MIN_TERMS) continue;
      const weights = new Map<string, number>();
      for (const term of found) weights.set(term, (weights.get(term) ?? 0) + 1);
      out.push({
        point: {
          quote: span.text,
          document: paragraph.document,
          title: paragraph.title,
          paragraph: paragraph.n,
          section: paragraph.section,
          paragraphId: paragraph.id,
          collection: paragraph.collection,
        },
        order: out.length,
        weights,
        norm: 0,
        score: 0,
      });
    }
  }
  return out;
}

/**
 * A sentence short enough to read as a point is one candidate; a longer one (news leads run to
 * 500 characters) gives one candidate per run of whole clauses that fits, so the most central
 * part of it can be chosen rather than only its opening.
 */
function readableWindows(sentence: Span): Span[] {
  if (sentence.text.length <= MAX_CHARS) return [sentence];
  const clauses = splitClauses(sentence.text, 0);
  const windows: Span[] = [];
  for (let i = 0; i < clauses.length; i++) {
    let end = clauses[i]!.end;
    for (let j = i + 1; j < clauses.length && clauses[j]!.end - clauses[i]!.start <= MAX_CHARS; j++) end = clauses[j]!.end;
    const raw = sentence.text.slice(clauses[i]!.start, end);
    const text = raw.trim().replace(/[،,\s]+$/, '');
    if (text.length > MAX_CHARS) continue;
    const start = sentence.start + clauses[i]!.start + (raw.length - raw.trimStart().length);
    windows.push({ start, end: start + text.length, text });
  }
  return windows.length > 0 ? windows : [readablePrefix(sentence)];
}

/** A long sentence with no clause short enough is cut after its last clause that fits. */
function readablePrefix(sentence: Span): Span {
  const clauses = splitClauses(sentence.text, 0);
  let end = clauses[0]!.end;
  for (const clause of clauses) if (clause.end <= MAX_CHARS) end = clause.end;
  const text = sentence.text.slice(0, Math.min(end, MAX_CHARS)).replace(/[،,\s]+$/, '');
  return { start: sentence.start, end: sentence.start + text.length, text };
}

function cosine(a: Candidate, b: Candidate): number {
  if (a.norm === 0 || b.norm === 0) return 0;
  const [small, large] = a.weights.size <= b.weights.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [term, w] of small.weights) {
    const other = large.weights.get(term);
    if (other !== undefined) dot += w * other;
  }
  return dot / (a.norm * b.norm);
}
