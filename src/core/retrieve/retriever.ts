import type { Hit, KnowledgeIndex } from '../index/knowledge-index.js';
import { paragraphTerms, queryTerms, withoutProclitic } from '../index/knowledge-index.js';
import { terms, type Lang } from '../text/index.js';
import { coverage, profileQuery, type QueryProfile } from './coverage.js';

/**
 * How much a paragraph's score grows when the question names its document's whole title. On
 * ARCD: hit@1 0.726 → 0.735 (train half 0.710 → 0.723, test half 0.739 → 0.745), hit@5 0.955 →
 * 0.958; one document (the article) is unchanged, all its paragraphs moving together.
 */
const TITLE_NAMED_BOOST = 0.2;

const headingCache = new Map<string, string[]>();
/** Far more titles than any knowledge folder holds: the bound only stops a leak. */
const HEADING_CACHE_LIMIT = 10_000;

/**
 * The terms of a document title, cached: the same few titles recur on every hit. (Section
 * headings named in a question were tried the same way on the article: as many answers moved
 * away from their section as into it.)
 */
function headingTerms(heading: string, lang: Lang): string[] {
  const key = `${lang}\u0000${heading}`;
  let found = headingCache.get(key);
  if (!found) {
    if (headingCache.size > HEADING_CACHE_LIMIT) headingCache.clear();
    headingCache.set(key, (found = terms(heading, lang)));
  }
  return found;
}

/** Conversation terms count for less than the question's own. */
const CONTEXT_WEIGHT = 0.4;

export interface RetrieveRequest {
  /** The question as asked, then any rewrites (standalone form, translations). */
  queries: string[];
  lang: Lang;
  /**
   * For a follow-up ("and when did that happen?"), the earlier questions it leans on: their terms
   * join the query at a lower weight and count fully in what the evidence must cover.
   */
  subject?: string;
  collections?: string[];
  exclude?: Set<string>;
  k: number;
}

export interface Retrieval {
  hits: Hit[];
  /** The question's terms (plus the conversation's, for a follow-up) with their weights. */
  profile: QueryProfile;
  /** Share of the question's weight carried by terms the knowledge never uses. */
  unknownMass: number;
  /** Those terms. */
  unknown: Set<string>;
}

/**
 * Hybrid retrieval for one question: every query form is searched and the rankings are merged
 * by best score per paragraph; a follow-up adds the previous question's terms at lower weight.
 * (The answer step then reranks the first candidates by how well their best clause answers.)
 */
export async function retrieve(index: KnowledgeIndex, request: RetrieveRequest): Promise<Retrieval> {
  const { lang } = request;
  const context = request.subject ? queryTerms(request.subject, lang, CONTEXT_WEIGHT) : undefined;
  // Words the knowledge never uses are respelt as it writes them ("بارخان" → "برخان").
  const queries = [...new Set(request.queries.map((q) => index.respell(q, lang)))];
  const merged = new Map<string, Hit>();
  for (const query of queries) {
    const hits = await index.search(query, lang, { k: request.k * 2, collections: request.collections, exclude: request.exclude, context });
    for (const hit of hits) {
      const seen = merged.get(hit.paragraph.id);
      if (!seen || hit.score > seen.score) merged.set(hit.paragraph.id, hit);
    }
  }
  // A question that names a document's whole title ("ما الدول التي تحد العراق" and the document
  // «العراق») is about that document: its paragraphs move ahead of others that only mention it.
  // A one-letter proclitic does not count: "كم عدد سكان لبنان بالنسبة لمصر" names «مصر» too.
  const asked = new Set(queries.flatMap((q) => terms(q, lang)).flatMap((t) => [t, withoutProclitic(t) ?? t]));
  for (const [id, hit] of merged) {
    const title = headingTerms(hit.paragraph.title, hit.paragraph.lang);
    if (title.length > 0 && title.every((t) => asked.has(t)))
      merged.set(id, { ...hit, score: hit.score * (1 + TITLE_NAMED_BOOST), lift: (hit.lift ?? 1) * (1 + TITLE_NAMED_BOOST) });
  }
  const hits = [...merged.values()].sort((a, b) => b.score - a.score).slice(0, request.k);

  const maxIdf = Math.log(1 + (index.size + 0.5) / 0.5);
  const idf = (t: string) => index.idf(t);
  const text = queries.join(' ');
  const profile = profileQuery(text, lang, idf, maxIdf);
  if (context) {
    for (const [term, weight] of context) {
      if (term.startsWith('#') || profile.terms.includes(term)) continue;
      profile.terms.push(term);
      // The subject carried over from the conversation counts, less than the question's own
      // words: "ومتى توسعت لتشمل سورية؟" is about Syria within the operation asked about before.
      const w = (idf(term) || maxIdf) * weight;
      if (!idf(term)) profile.unknown?.add(term);
      profile.weights.push(w);
      profile.total += w;
    }
  }
  const unknown = new Set(profile.terms.filter((t) => idf(t) === 0));
  const unknownWeight = profile.terms.reduce((sum, t, i) => sum + (unknown.has(t) ? profile.weights[i]! : 0), 0);
  const unknownMass = profile.total > 0 ? unknownWeight / profile.total : 1;
  return { hits, profile, unknownMass, unknown };
}

/** Coverage of the question by a paragraph, its title and section included. */
export function paragraphCoverage(profile: QueryProfile, hit: Hit): number {
  return coverage(profile, new Set(paragraphTerms(hit.paragraph)));
}

export function contentTermCount(question: string, lang: Lang): number {
  return new Set(terms(question, lang)).size;
}
