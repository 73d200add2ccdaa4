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

/** A lease on one piece of work every replica receives (a Discord message), by `key`. */
export interface LeaseRequest {
  key: string;
  /** This replica. */
  owner: string;
  at: Date;
  /** How long the lease protects its holder without a renewal; after that it counts as abandoned. */
  leaseMs: number;
  /**
   * Every replica received this work (a Discord message): a lease in one process's memory would
   * not stop the others. Unset: only this replica received it (a Slack event).
   */
  everyReplica?: boolean;
  /** The work itself (a Slack request's body), kept with a new lease until it is done, so another replica can do it if this one dies. */
  payload?: string;
}

/**
 * - `claimed`: do the work; `attempt` > 1 means an earlier holder's lease ran out (it died).
 * - `busy`: another replica holds a live lease until `expiresAt`.
 * - `done`: the work was completed.
 * - `unavailable`: the shared leases cannot be reached, and doing the work on a lease in this
 *   process alone could double it on other replicas: keep the work and ask again at `retryAt`.
 */
export type LeaseClaim =
  | { status: 'claimed'; attempt: number }
  | { status: 'busy'; expiresAt: Date }
  | { status: 'done' }
  | { status: 'unavailable'; retryAt: Date };

/**
 * Leases kept in shared state, so that among replicas receiving the same work one does it, and
 * another takes it over when the holder dies before marking it done.
 */
export interface WorkLeases {
  /** Takes the lease of a new key, or of one whose holder's lease ran out and is not done. */
  claimLease(request: LeaseRequest): Promise<LeaseClaim>;
  /** Extends this owner's lease to `at + leaseMs`; false when it is not (any more) ours or is done. */
  renewLease(request: LeaseRequest): Promise<boolean>;
  /** Marks the work done; false when the lease is not (any more) this owner's. */
  completeLease(key: string, owner: string, at: Date): Promise<boolean>;
}

/** Work stored with its lease whose holder's lease ran out before it was done (it died). */
export interface UnfinishedWork {
  key: string;
  payload: string;
}

/** Leases that keep their work's payload: what a replica that never received the work needs to do it. */
export interface DurableWork {
  /** Not done, with a payload, key starting with `prefix`, lease run out at `at`, first leased after `since`: oldest first, at most `limit`. */
  unfinishedWork(prefix: string, at: Date, since: Date, limit: number): Promise<UnfinishedWork[]>;
}

/** Leases in this process only: one process, or a store that cannot keep them. */
export class MemoryLeases implements WorkLeases {
  private readonly leases = new Map<string, { owner: string; expiresAt: number; attempts: number; done: boolean }>();
  constructor(private readonly max = 10_000) {}

  async claimLease({ key, owner, at, leaseMs }: LeaseRequest): Promise<LeaseClaim> {
    const held = this.leases.get(key);
    if (held?.done) return { status: 'done' };
    if (held && held.expiresAt > at.getTime()) return { status: 'busy', expiresAt: new Date(held.expiresAt) };
    const attempts = (held?.attempts ?? 0) + 1;
    this.leases.delete(key);
    this.leases.set(key, { owner, expiresAt: at.getTime() + leaseMs, attempts, done: false });
    if (this.leases.size > this.max) this.leases.delete(this.leases.keys().next().value!);
    return { status: 'claimed', attempt: attempts };
  }

  async renewLease({ key, owner, at, leaseMs }: LeaseRequest): Promise<boolean> {
    const held = this.leases.get(key);
    if (!held || held.owner !== owner || held.done) return false;
    held.expiresAt = at.getTime() + leaseMs;
    return true;
  }

  async completeLease(key: string, owner: string): Promise<boolean> {
    const held = this.leases.get(key);
    if (!held || held.owner !== owner || held.done) return false;
    held.done = true;
    return true;
  }

  /** Whether `owner` holds `key` here and has not finished it. */
  holds(key: string, owner: string): boolean {
    const held = this.leases.get(key);
    return !!held && held.owner === owner && !held.done;
  }
}

/** The store's durable work when it keeps it, else null. */
export function durableWorkOf(store: object): DurableWork | null {
  return typeof (store as Partial<DurableWork>).unfinishedWork === 'function' ? (store as DurableWork) : null;
}

/** The store's leases when it keeps them, else leases in this process. */
export function leasesOf(store: object): WorkLeases {
  const candidate = store as Partial<WorkLeases>;
  return typeof candidate.claimLease === 'function' &&
    typeof candidate.renewLease === 'function' &&
    typeof candidate.completeLease === 'function'
    ? (candidate as WorkLeases)
    : new MemoryLeases();
}
