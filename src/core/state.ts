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
 * The state port. SQLite implements it by default, PostgreSQL when replicas share state; both
 * are asynchronous behind it. Every method may reject (disk full, read-only, database down):
 * callers log and keep answering.
 */
export interface StateStore {
  /** Records that an event was handled; false when it already was (a re-delivery), on any replica. */
  claimEvent(key: string, at?: Date): Promise<boolean>;
  recordQuestion(record: QuestionRecord): Promise<void>;
  recordFeedback(record: FeedbackRecord): Promise<void>;
  close(): Promise<void>;
}

/** In-memory state: for tests and for runs without a data folder. */
export class MemoryStateStore implements StateStore {
  readonly events = new Set<string>();
  readonly questions: QuestionRecord[] = [];
  readonly feedback: FeedbackRecord[] = [];

  async claimEvent(key: string): Promise<boolean> {
    if (this.events.has(key)) return false;
    this.events.add(key);
    return true;
  }
  async recordQuestion(record: QuestionRecord): Promise<void> {
    this.questions.push(record);
  }
  async recordFeedback(record: FeedbackRecord): Promise<void> {
    this.feedback.push(record);
  }
  async close(): Promise<void> {}
}

export interface RateCheck {
  key: string;
  /** At most this many hits per window; 0 means no limit. */
  limit: number;
}
export type RateVerdict = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Rate limits kept in shared state, so replicas behind one load balancer count together (a limit
 * of 10 a minute stays 10, not 10 per replica). Counts the hit against every key only when all
 * allow it, over a sliding window.
 */
export interface SharedRateLimits {
  takeRate(checks: RateCheck[], windowMs: number, at: Date): Promise<RateVerdict>;
}
