import type { Hit } from '../index/knowledge-index.js';
import type { QueryProfile } from '../retrieve/coverage.js';
import { extractAnswer } from './extractive.js';
import type { AnswerType } from './question.js';

/**
 * Answer-aware reranking of the first candidates: a paragraph whose best clause window covers
 * the question (and holds the date, number or list it asks for) moves ahead of one that only
 * shares more words overall. Fitted on ARCD's training half: hit@1 0.706 → 0.724.
 */
export const RERANK = { depth: 4, priorWeight: 0.9 };

export function rerankByAnswer(hits: Hit[], profile: QueryProfile, type: AnswerType): Hit[] {
  const depth = Math.min(RERANK.depth, hits.length);
  if (depth < 2) return hits;
  const head = hits.slice(0, depth);
  // The document's lift multiplies the whole: paragraphs of one document are weighed against
  // each other exactly as if no other document were there.
  const own = (h: Hit) => h.score / (h.lift ?? 1);
  const best = Math.max(...head.map(own)) || 1;
  const scored = head.map((hit) => {
    const window = extractAnswer(hit, profile, type)?.score ?? 0;
    return { hit, score: (hit.lift ?? 1) * (window + RERANK.priorWeight * (own(hit) / best)) };
  });
  scored.sort((a, b) => b.score - a.score);
  return [...scored.map((s) => s.hit), ...hits.slice(depth)];
}
