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
  highlights: KeyPoint[];
  yesterday: QuestionStats;
  /** An optional prose summary from a `BriefingSummarizer` (the LLM seam); absent = extractive only. */
  summary?: string;
}
