import type { KeyPoint } from '../core/answer/summary.js';
import type { QuestionStats } from '../state/types.js';

/** One extractive key point: a sentence of a real paragraph, with where it comes from. */
export type { KeyPoint };

export type BriefingLang = 'ar' | 'en' | 'fr';

export interface BriefingDocument {
  document: string;
  title: string;
  date: string | null;
  collection: string;
  status: 'new' | 'changed';
  points: KeyPoint[];
}

/** An article of a followed source, new or edited since the last briefing. */
export interface BriefingArticle {
  document: string;
  title: string;
  /** The article's own date (YYYY-MM-DD), else the day the feed says it was published. */
  date: string | null;
  url: string | null;
  status: 'new' | 'changed';
  /** One to three sentences quoted verbatim, each with its ¶. */
  points: KeyPoint[];
}

/** The new articles of one followed source (a feed or a watched page). */
export interface BriefingSource {
  name: string;
  url: string;
  articles: BriefingArticle[];
  /** Its new articles not listed, to keep the post short. */
  more: number;
}

/**
 * A daily briefing, platform-neutral: renderers turn it into Slack blocks, Discord embeds or
 * text; they do not re-decide content. This is also what the briefing log keeps as JSON.
 */
export interface Briefing {
  /** The local day it is for, YYYY-MM-DD. */
  date: string;
  language: BriefingLang;
  direction: 'rtl' | 'ltr';
  /** news: documents changed; highlights: nothing new, the collection's central points; activity: only yesterday's questions. */
  kind: 'news' | 'highlights' | 'activity';
  collections?: string[];
  documents: BriefingDocument[];
  /** Changed documents not listed, to keep the post short. */
  moreDocuments: number;
  /** New since the last briefing from followed sources, grouped by source (absent in older logs). */
  sources?: BriefingSource[];
  highlights: KeyPoint[];
  yesterday: QuestionStats;
  /** An optional prose summary from a `BriefingSummarizer` (the LLM seam); absent = extractive only. */
  summary?: string;
}
