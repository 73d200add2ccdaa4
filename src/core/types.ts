import type { Lang } from './text/index.js';

export type { Lang };

/** Tokens one model call (or one answer's calls) spent. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

/** Why an answer fell back from the model to the extractive answer. */
export type LlmFallbackReason = 'timeout' | 'unavailable' | 'rate_limited' | 'malformed' | 'unverified' | 'no_citations';

/** One turn of the conversation so far (a thread, a DM history, the web chat). */
export interface Turn {
  role: 'user' | 'assistant';
  text: string;
}

/** A paragraph the answer cites: always the real paragraph text, never model output. */
export interface Citation {
  /** The number the answer text refers to as [n]. */
  n: number;
  /** Document path inside the knowledge folder. */
  document: string;
  title: string;
  /** 1-based paragraph number in its document (¶N). */
  paragraph: number;
  section: string | null;
  /** The page the paragraph starts on, in a paged document (PDF). */
  page?: number;
  /** The document's web address (a page read from the web): the citation links to it. */
  url?: string;
  /** The whole original paragraph. */
  text: string;
  /** The sentence(s) of the paragraph the answer rests on: a substring of `text`. */
  quote: string;
  score: number;
  paragraphId: string;
  collection: string;
}

/** A ranked retrieval candidate. */
export interface Retrieved {
  document: string;
  title: string;
  paragraph: number;
  section: string | null;
  page?: number;
  text: string;
  score: number;
  paragraphId: string;
  collection: string;
}

export type AnswerMode = 'extractive' | 'llm';

/**
 * The one answer type. `sanad ask --json`, the web API and every chat adapter render this
 * same object.
 */
export interface Answer {
  question: string;
  /** The reply text without its source list. */
  answer: string;
  abstained: boolean;
  language: Lang;
  mode: AnswerMode;
  citations: Citation[];
  retrieved: Retrieved[];
  timings: { retrieveMs: number; answerMs: number; totalMs: number };
  /** A short note shown with the answer: why it fell back, how to enable cross-language. */
  notice?: string;
  /**
   * Set when the message was not a question about what the knowledge says: small talk (a
   * greeting, thanks), a question about what the bot can do (`help`: the capability reply), a request for a summary (answered with the central
   * sentences, each cited), or a question about a document itself (its author, date, title;
   * answered from its byline and dateline, so without a paragraph to cite).
   */
  intent?: 'smalltalk' | 'help' | 'summary' | 'document';
  /** Set when the LLM path failed and the extractive answer was given instead. */
  fallbackReason?: LlmFallbackReason;
  usage?: TokenUsage;
}

export interface AskOptions {
  /** Earlier turns of the thread, oldest first, without the current question. */
  conversation?: Turn[];
  /** Knowledge collections this channel may use; undefined = all. */
  collections?: string[];
  /** Answer language: 'auto' (default) answers in the question's language. */
  language?: 'auto' | Lang;
  signal?: AbortSignal;
}

/** What `askStream` yields: text as it grows, then the final verified answer. */
export type AnswerEvent = { type: 'delta'; text: string } | { type: 'final'; answer: Answer };

/** The core as the adapters see it. */
export interface Assistant {
  ask(question: string, options?: AskOptions): Promise<Answer>;
  askStream(question: string, options?: AskOptions): AsyncIterable<AnswerEvent>;
  /** A paragraph by id, for "Show paragraph"; null when it no longer exists. */
  paragraph(id: string): Citation | null;
}
