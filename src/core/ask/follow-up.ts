import { extractAnswer, type Extract } from '../answer/extractive.js';
import { matchesType, type AnswerType } from '../answer/slots.js';
import type { Hit, KnowledgeIndex } from '../index/knowledge-index.js';
import { paragraphTerms } from '../index/knowledge-index.js';
import { coverage, type QueryProfile } from '../retrieve/coverage.js';
import type { Retrieval } from '../retrieve/retriever.js';
import { normalizeForMatch, terms, type Lang } from '../text/index.js';
import type { FollowUp, Reading } from './read.js';

/**
 * A follow-up is first read against where the last answer came from: "ومتى انعقد؟" after the
 * Paris conference is about that paragraph's date, "وكم دولة شاركت فيه؟" about its count. The
 * question's own words decide whether it moved on: when most of what it names (by weight) is
 * absent from the last answer's paragraph and its neighbours, it is about something else
 * ("طيب وشو صار باجتماع مجلس الأمن بنيويورك؟"), and retrieval answers it.
 */
const MOVED_ON_SHARE = 0.5;

export function movedOn(reading: Reading, followUp: FollowUp, lang: Lang, index: KnowledgeIndex): boolean {
  const own = [...new Set(terms(reading.text, lang))].filter((t) => index.idf(t) > 0);
  if (own.length === 0) return false;
  const local = new Set(followUp.local.flatMap((p) => paragraphTerms(p)));
  const profile: QueryProfile = { terms: own, weights: own.map((t) => index.idf(t)), total: 0 };
  profile.total = profile.weights.reduce((a, b) => a + b, 0);
  const uncovered = 1 - coverage(profile, local);
  // A pronoun pointing back ("فيه", "ذلك") keeps it on the last subject unless nothing it names is there.
  return followUp.anaphoric ? uncovered >= 1 : uncovered >= MOVED_ON_SHARE;
}

/**
 * The answer from the last answer's paragraph or its neighbours, when one of them holds the
 * kind of thing asked (a date for "ومتى؟", a number for "وكم؟") or, for other questions, some
 * of the question's own words; null sends the question to retrieval.
 */
export function answerFromLastParagraph(reading: Reading, followUp: FollowUp, retrieval: Retrieval, lang: Lang, index: KnowledgeIndex): Extract | null {
  const scored = new Map(retrieval.hits.map((h) => [h.paragraph.id, h]));
  const own = new Set(terms(reading.text, lang).filter((t) => index.idf(t) > 0));
  for (const paragraph of followUp.local) {
    const hit: Hit = scored.get(paragraph.id) ?? { paragraph, score: retrieval.hits[0]?.score ?? 0, bm25: 0, cosine: 0 };
    const extract = extractAnswer(hit, retrieval.profile, reading.type);
    if (!extract) continue;
    if (holdsSlot(reading.type, extract)) return extract;
    const quoteTerms = new Set(terms(extract.quote, paragraph.lang));
    if (!isTyped(reading.type) && [...own].some((t) => quoteTerms.has(t))) return extract;
  }
  return null;
}

function isTyped(type: AnswerType): boolean {
  return type !== 'other' && type !== 'list';
}

function holdsSlot(type: AnswerType, extract: Extract): boolean {
  return isTyped(type) && matchesType(type, normalizeForMatch(extract.quote));
}
