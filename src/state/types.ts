import type { DurableWork, StateStore, WorkLeases } from '../core/state.js';

/** Questions in one channel over a time range: the briefing's "yesterday in this channel". */
export interface QuestionStats {
  asked: number;
  answered: number;
  declined: number;
  up: number;
  down: number;
  /** The declined questions, oldest first, de-duplicated: the gaps in the knowledge. */
  declinedQuestions: string[];
}

export const EMPTY_STATS: QuestionStats = { asked: 0, answered: 0, declined: 0, up: 0, down: 0, declinedQuestions: [] };

export type BriefingState = 'claimed' | 'posted' | 'skipped';

export interface BriefingLogEntry {
  /** `platform:channel:YYYY-MM-DD`: one briefing per channel per local day. */
  key: string;
  platform: string;
  channel: string;
  day: string;
  state: BriefingState;
  /** Who holds the claim: one scheduler instance. */
  owner: string;
  claimedAt: Date;
  attempts: number;
  postedAt: Date | null;
  messageId: string | null;
  /** The briefing as posted (JSON of the builder's model), for history views. */
  content: string | null;
}

/**
 * The outcome of claiming a briefing:
 * - `claimed`: this caller must post (or skip) it; `attempt` > 1 means an earlier claim ended
 *   without a recorded post (a crash), so the message may already be out: check `findPosted`.
 * - `done`: already posted or skipped, nothing to do.
 * - `busy`: another scheduler holds a fresh claim; look again after `retryAt`.
 */
export type BriefingClaim =
  { status: 'claimed'; attempt: number } | { status: 'done'; entry: BriefingLogEntry } | { status: 'busy'; retryAt: Date };

export interface ClaimRequest {
  key: string;
  platform: string;
  channel: string;
  day: string;
  owner: string;
  at: Date;
  /** How long a claim protects its holder; after that it counts as abandoned. */
  leaseMs: number;
}

/** How a claimed briefing ended. */
export interface BriefingOutcome {
  state: 'posted' | 'skipped';
  messageId?: string | null;
  content?: string | null;
  at: Date;
}

export interface KnowledgeLogEntry {
  document: string;
  collection: string;
  title: string;
  hash: string;
  firstSeen: Date;
  changedAt: Date;
  removedAt: Date | null;
}

export interface KnowledgeChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

export interface PurgeResult {
  events: number;
  questions: number;
  feedback: number;
  briefings: number;
  documents: number;
}

/**
 * What briefings need from state, beside the `StateStore` port. Every method may reject
 * (read-only, locked, full, database down); `ResilientStore` turns that into a logged fallback.
 */
export interface BriefingStore {
  questionStats(platform: string, channel: string, from: Date, to: Date): Promise<QuestionStats>;
  /** Atomically claims the briefing `key` (exactly once across processes sharing the database). */
  claimBriefing(request: ClaimRequest): Promise<BriefingClaim>;
  /** Records the outcome of a claim this owner holds. False when the claim is not (any more) ours. */
  completeBriefing(key: string, owner: string, outcome: BriefingOutcome): Promise<boolean>;
  /** Gives a claim back after a failed post, so a later trigger can try again. */
  releaseBriefing(key: string, owner: string): Promise<void>;
  briefing(key: string): Promise<BriefingLogEntry | null>;
  /** The latest posted briefing of a channel before `before`, if any. */
  lastBriefing(platform: string, channel: string, before?: Date): Promise<BriefingLogEntry | null>;
  /** Posted briefings, newest first. */
  briefingHistory(platform: string, channel: string, limit: number): Promise<BriefingLogEntry[]>;
  /** Records the current knowledge (document hashes) and returns what changed since the last call. */
  recordDocuments(documents: { document: string; collection: string; title: string; hash: string }[], at: Date): Promise<KnowledgeChanges>;
  /** Documents added or changed after `since` and still present. */
  knowledgeChangedSince(since: Date): Promise<KnowledgeLogEntry[]>;
  /** Deletes what is older than `before` (the retention window). */
  purge(before: Date): Promise<PurgeResult>;
}

/** Every store sanad opens: the core's ports, the briefing's needs, and leases on work replicas share (with its payload). */
export interface SanadStore extends StateStore, BriefingStore, WorkLeases, DurableWork {}
