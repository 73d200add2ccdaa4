import type { KnowledgeDocument, Paragraph } from '../core/knowledge/types.js';
import { splitClauses, splitSentences, terms, type Span } from '../core/text/index.js';
import type { KeyPoint } from './model.js';

/** Sentences shorter than this (in content terms) say too little to stand alone. */
const MIN_TERMS = 4;
/** Longer sentences are cut at clause boundaries so a key point stays readable. */
const MAX_CHARS = 320;
/** Two candidates this similar say the same thing: keep the more central one. */
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
 * a small lead bonus since news puts the gist first. At most one point per paragraph, none
 * redundant with a better one, returned in reading order. Extractive: every quote is a
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
  }

  const ranked = [...candidates].sort((a, b) => b.score - a.score || a.order - b.order);
  const chosen: Candidate[] = [];
  const usedParagraphs = new Set<string>();
  for (const c of ranked) {
    if (chosen.length >= count) break;
    if (usedParagraphs.has(c.point.paragraphId)) continue;
    if (chosen.some((d) => cosine(c, d) >= REDUNDANT)) continue;
    chosen.push(c);
    usedParagraphs.add(c.point.paragraphId);
  }
  return chosen.sort((a, b) => a.order - b.order).map((c) => c.point);
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
    const spans = paragraph.text.split('\n').flatMap((line) => splitSentences(line).map(readablePrefix));
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

/** A long sentence is cut after its last clause that fits, so the point still reads from its start. */
function readablePrefix(sentence: Span): Span {
  if (sentence.text.length <= MAX_CHARS) return sentence;
  const clauses = splitClauses(sentence.text, 0);
  let end = clauses[0]!.end;
  for (const clause of clauses) if (clause.end <= MAX_CHARS) end = clause.end;
  const text = sentence.text.slice(0, end).replace(/[،,\s]+$/, '');
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
