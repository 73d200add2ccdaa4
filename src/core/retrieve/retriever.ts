import type { AnswerType } from '../answer/question.js';
import { rerankByAnswer } from '../answer/rerank.js';
import type { Hit, KnowledgeIndex } from '../index/knowledge-index.js';
import { paragraphTerms, queryTerms } from '../index/knowledge-index.js';
import { terms, type Lang } from '../text/index.js';
import type { Turn } from '../types.js';
import { coverage, profileQuery, type QueryProfile } from './coverage.js';

/** Conversation terms count for less than the question's own. */
const CONTEXT_WEIGHT = 0.4;

export interface RetrieveRequest {
  /** The question as asked, then any rewrites (standalone form, translations). */
  queries: string[];
  lang: Lang;
  conversation: Turn[];
  /** The question leans on the conversation ("and when did that happen?"). */
  followUp: boolean;
  collections?: string[];
  exclude?: Set<string>;
  k: number;
  /** What the question asks for: the first candidates are reranked by how well they answer it. */
  type: AnswerType;
}

export interface Retrieval {
  hits: Hit[];
  /** The question's terms (plus the conversation's, for a follow-up) with their weights. */
  profile: QueryProfile;
  /** Share of the question's weight carried by terms the knowledge never uses. */
  unknownMass: number;
}

/**
 * Hybrid retrieval for one question: every query form is searched and the rankings are merged
 * by best score per paragraph; a follow-up adds the previous question's terms at lower weight;
 * the first candidates are then reranked by how well their best clause window answers.
 */
export async function retrieve(index: KnowledgeIndex, request: RetrieveRequest): Promise<Retrieval> {
  const { lang } = request;
  const context = request.followUp ? conversationTerms(request.conversation, lang) : undefined;
  const merged = new Map<string, Hit>();
  for (const query of request.queries) {
    const hits = await index.search(query, lang, { k: request.k * 2, collections: request.collections, exclude: request.exclude, context });
    for (const hit of hits) {
      const seen = merged.get(hit.paragraph.id);
      if (!seen || hit.score > seen.score) merged.set(hit.paragraph.id, hit);
    }
  }
  const hits = [...merged.values()].sort((a, b) => b.score - a.score).slice(0, request.k);

  const maxIdf = Math.log(1 + (index.size + 0.5) / 0.5);
  const idf = (t: string) => index.idf(t);
  const text = request.queries.join(' ');
  const profile = profileQuery(text, lang, idf, maxIdf);
  if (context) {
    for (const term of context.keys()) {
      if (profile.terms.includes(term)) continue;
      profile.terms.push(term);
      // In the profile (what the evidence must cover) the subject carried over from the
      // conversation counts fully: "and when did that happen?" is about it.
      const w = idf(term) || maxIdf;
      profile.weights.push(w);
      profile.total += w;
    }
  }
  let unknown = 0;
  profile.terms.forEach((t, i) => {
    if (idf(t) === 0) unknown += profile.weights[i]!;
  });
  const unknownMass = profile.total > 0 ? unknown / profile.total : 1;
  return { hits: rerankByAnswer(hits, profile, request.type), profile, unknownMass };
}

/** The last user question of the conversation, as weighted terms. */
function conversationTerms(conversation: Turn[], lang: Lang): Map<string, number> | undefined {
  const lastQuestion = [...conversation].reverse().find((t) => t.role === 'user');
  if (!lastQuestion) return undefined;
  return queryTerms(lastQuestion.text, lang, CONTEXT_WEIGHT);
}

/** Coverage of the question by a paragraph, its title and section included. */
export function paragraphCoverage(profile: QueryProfile, hit: Hit): number {
  return coverage(profile, new Set(paragraphTerms(hit.paragraph)));
}

export function contentTermCount(question: string, lang: Lang): number {
  return new Set(terms(question, lang)).size;
}
