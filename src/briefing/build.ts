import type { KnowledgeDocument } from '../core/knowledge/types.js';
import type { Lang } from '../core/text/index.js';
import type { QuestionStats } from '../state/types.js';
import { centralPoints, documentPoints } from '../core/answer/summary.js';
import type { Briefing, BriefingArticle, BriefingDocument, BriefingLang, BriefingSource } from './model.js';

/** Most documents a briefing lists; the rest are counted. */
export const MAX_DOCUMENTS = 5;
/** Key points shown as highlights when nothing is new. */
export const HIGHLIGHT_POINTS = 5;
/** Most articles of followed sources a briefing lists (newest first); the rest are counted per source. */
export const MAX_ARTICLES = 15;
/** Sentences quoted per article. */
export const ARTICLE_POINTS = 3;

export interface BuildBriefingInput {
  /** The knowledge as it is now (all collections: the builder filters). */
  documents: KnowledgeDocument[];
  /** Documents added or changed since the channel's last briefing. */
  changedSince: { document: string; status: 'new' | 'changed' }[];
  /** Yesterday's questions in this channel. */
  stats: QuestionStats;
  language: 'auto' | Lang;
  /** Collections the briefing covers; undefined = all. */
  collections?: string[];
  whenQuiet: 'skip' | 'highlights';
  /** The local day the briefing is for, YYYY-MM-DD. */
  date: string;
}

/**
 * Builds a briefing, or null when there is nothing to say and `whenQuiet` is `skip`.
 * "Quiet" means no document added or changed and no question asked yesterday: a day with
 * questions but no new documents is still posted, since its declined questions are the gaps
 * the team should fill. Pure: same input, same briefing.
 */
export function buildBriefing(input: BuildBriefingInput): Briefing | null {
  const inScope = input.documents.filter((d) => !input.collections || input.collections.includes(d.collection));
  const byPath = new Map(inScope.map((d) => [d.document, d]));
  const changed = input.changedSince
    .map((c) => ({ change: c, doc: byPath.get(c.document) }))
    .filter((c): c is { change: (typeof input.changedSince)[number]; doc: KnowledgeDocument } => c.doc !== undefined)
    // Newest documents by their own date first, then by path, so the cut is predictable.
    .sort((a, b) => (b.doc.date ?? '').localeCompare(a.doc.date ?? '') || a.doc.document.localeCompare(b.doc.document));

  // Articles of followed sources have their own section, grouped by source.
  const articles = changed.filter((c) => c.doc.origin);
  const files = changed.filter((c) => !c.doc.origin);
  const quiet = changed.length === 0 && input.stats.asked === 0 && input.stats.up + input.stats.down === 0;
  if (quiet && input.whenQuiet === 'skip') return null;

  const documents: BriefingDocument[] = files.slice(0, MAX_DOCUMENTS).map(({ change, doc }) => ({
    document: doc.document,
    title: doc.title,
    date: doc.date,
    collection: doc.collection,
    status: change.status,
    points: documentPoints(doc),
  }));
  const highlights =
    changed.length === 0 && input.whenQuiet === 'highlights'
      ? centralPoints(
          inScope.flatMap((d) => d.paragraphs),
          HIGHLIGHT_POINTS,
        )
      : [];
  const language = briefingLanguage(input.language, inScope);

  return {
    date: input.date,
    language,
    direction: language === 'ar' ? 'rtl' : 'ltr',
    kind: changed.length > 0 ? 'news' : highlights.length > 0 ? 'highlights' : 'activity',
    ...(input.collections ? { collections: [...input.collections] } : {}),
    documents,
    moreDocuments: Math.max(0, files.length - MAX_DOCUMENTS),
    ...(articles.length > 0 ? { sources: bySource(articles) } : {}),
    highlights,
    yesterday: { ...input.stats, declinedQuestions: [...input.stats.declinedQuestions] },
  };
}

/** Newest articles first (by when their feed published them), at most MAX_ARTICLES, grouped by source. */
function bySource(changed: { change: { status: 'new' | 'changed' }; doc: KnowledgeDocument }[]): BriefingSource[] {
  const sorted = [...changed].sort(
    (a, b) => b.doc.origin!.published.localeCompare(a.doc.origin!.published) || a.doc.document.localeCompare(b.doc.document),
  );
  const groups = new Map<string, BriefingSource>();
  sorted.forEach(({ change, doc }, i) => {
    const origin = doc.origin!;
    const group = groups.get(origin.source) ?? { name: origin.name, url: origin.source, articles: [], more: 0 };
    groups.set(origin.source, group);
    if (i >= MAX_ARTICLES) {
      group.more++;
      return;
    }
    const article: BriefingArticle = {
      document: doc.document,
      title: doc.title,
      date: doc.date ?? origin.published.slice(0, 10),
      url: doc.url ?? null,
      status: change.status,
      points: centralPoints(
        doc.paragraphs.filter((p) => !p.duplicateOf),
        ARTICLE_POINTS,
      ),
    };
    group.articles.push(article);
  });
  return [...groups.values()];
}

/** `auto`: the language most of the briefed paragraphs are in (Arabic when unknown). */
function briefingLanguage(language: 'auto' | Lang, documents: KnowledgeDocument[]): BriefingLang {
  if (language === 'ar' || language === 'en' || language === 'fr') return language;
  const counts = new Map<BriefingLang, number>();
  for (const doc of documents) {
    if (doc.lang === 'ar' || doc.lang === 'en' || doc.lang === 'fr')
      counts.set(doc.lang, (counts.get(doc.lang) ?? 0) + doc.paragraphs.length);
  }
  let best: BriefingLang = 'ar';
  let most = 0;
  for (const [lang, n] of counts) if (n > most) [best, most] = [lang, n];
  return best;
}

/**
 * An LLM summary: given the extractive briefing, a short prose summary whose claims cite its
 * key points, or null to stay extractive. `createLlmBriefingSummarizer` (summarize.ts) is the
 * one `npm start` uses when a model is configured.
 */
export type BriefingSummarizer = (briefing: Briefing, signal?: AbortSignal) => Promise<string | null>;
