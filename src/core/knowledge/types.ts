import type { Lang } from '../text/index.js';

/** One citable paragraph: the unit that answers quote and cite. */
export interface Paragraph {
  /** Stable across edits elsewhere in the document: document path + hash of the text. */
  id: string;
  /** Path of the document inside the knowledge folder, with `/` separators. */
  document: string;
  collection: string;
  title: string;
  /** 1-based number in the document, in reading order, counting only real paragraphs. */
  n: number;
  section: string | null;
  /** The original, untouched text; a list paragraph holds its intro and items, one a line. */
  text: string;
  lang: Lang;
  /** The 1-based page the paragraph starts on, in a paged document (PDF). */
  page?: number;
  /** The document's web address, for a page read from the web: citations link to it. */
  url?: string;
  /** Set when the same text appeared earlier: this copy is not indexed or cited. */
  duplicateOf?: string;
}

export interface KnowledgeDocument {
  document: string;
  collection: string;
  title: string;
  date: string | null;
  author: string | null;
  source: string | null;
  /** The web address the document was read from (a fetched page, front matter `source: https://…`). */
  url?: string;
  /** Page count of a paged document. */
  pages?: number;
  /** The reader that read it ("pdf", "html"…); absent for text and Markdown. */
  format?: string;
  lang: Lang;
  /** sha256 of the raw bytes: the cache key and the change detector. */
  hash: string;
  paragraphs: Paragraph[];
  /** Set for an article of a followed source (a feed item or a watched page), absent for knowledge files. */
  origin?: DocumentOrigin;
}

/** The followed source an article came from, for briefings ("new since the last briefing", by source). */
export interface DocumentOrigin {
  kind: 'feed' | 'page';
  /** The source's address as configured. */
  source: string;
  /** The source's name: the configured one, else the feed's title, else its host. */
  name: string;
  /** When the feed says it was published (ISO), else when sanad first saw it. */
  published: string;
}
