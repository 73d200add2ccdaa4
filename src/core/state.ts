import type { Citation } from './types.js';

/** A question and what the bot answered, for the briefing's "yesterday in this channel". */
export interface QuestionRecord {
  platform: string;
  channel: string;
  user: string;
  question: string;
  answer: string;
  abstained: boolean;
  citations: Pick<Citation, 'document' | 'paragraph' | 'paragraphId'>[];
  at: Date;
}

export interface FeedbackRecord {
  platform: string;
  channel: string;
  user: string;
  vote: 'up' | 'down';
  question: string;
  answer: string;
  citations: Pick<Citation, 'document' | 'paragraph' | 'paragraphId'>[];
  at: Date;
}

/**
 * The state port. SQLite implements it by default; a server database can later. Every method
 * may fail (disk full, read-only): callers log and keep answering.
 */
export interface StateStore {
  /** Records that an event was handled; false when it already was (a re-delivery). */
  claimEvent(key: string, at?: Date): boolean;
  recordQuestion(record: QuestionRecord): void;
  recordFeedback(record: FeedbackRecord): void;
  close(): void;
}

/** In-memory state: for tests and for runs without a data folder. */
export class MemoryStateStore implements StateStore {
  readonly events = new Set<string>();
  readonly questions: QuestionRecord[] = [];
  readonly feedback: FeedbackRecord[] = [];

  claimEvent(key: string): boolean {
    if (this.events.has(key)) return false;
    this.events.add(key);
    return true;
  }
  recordQuestion(record: QuestionRecord): void {
    this.questions.push(record);
  }
  recordFeedback(record: FeedbackRecord): void {
    this.feedback.push(record);
  }
  close(): void {}
}
