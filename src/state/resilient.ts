import { SanadError } from '../core/errors.js';
import type { Logger } from '../core/ports.js';
import {
  MemoryLeases,
  type FeedbackRecord,
  type LeaseClaim,
  type LeaseRequest,
  type QuestionRecord,
  type RateCheck,
  type RateVerdict,
  type SharedRateLimits,
  type UnfinishedWork,
} from '../core/state.js';
import { SlidingWindowLimiter } from '../core/rate-limit.js';
import { OutageEvents } from './outage-events.js';
import {
  EMPTY_STATS,
  type BriefingClaim,
  type BriefingLogEntry,
  type BriefingOutcome,
  type ClaimRequest,
  type KnowledgeChanges,
  type KnowledgeLogEntry,
  type PurgeResult,
  type QuestionStats,
  type SanadStore,
} from './types.js';

type Kind = 'read' | 'write';
const READS = new Set(['questionStats', 'briefing', 'lastBriefing', 'briefingHistory', 'knowledgeChangedSince', 'unfinishedWork']);

/** A shared store down: when a briefing claim is tried again. */
const SHARED_CLAIM_RETRY_MS = 60_000;
/** A shared store down: when a deferred Discord message's lease is asked for again. */
const SHARED_LEASE_RETRY_MS = 2_000;

/**
 * Keeps the bot answering when the state store fails (read-only disk, a lock held elsewhere,
 * disk full, a database server down, or a store that never opened). Each failure is logged once
 * per cause (the error code) until the store works again; then the method resolves to a safe
 * default. No method of this class ever rejects.
 *
 * The defaults, and why:
 * - `claimEvent` falls back to an in-memory set. A failing disk must not silence the bot, so
 *   a new event is always answered; the set still drops re-deliveries within this process,
 *   and once the store works again its keys are written to it (outage-events.ts), so a late
 *   retry reaching another replica is dropped too. Only a retry reaching another replica (or
 *   this one restarted) while the store is still down is answered twice: we prefer a rare
 *   duplicate answer to a dropped question.
 * - `claimBriefing` falls back to in-memory claims: one process still posts once. On a shared
 *   store (PostgreSQL, several replicas) it answers `busy` instead, retried a minute later: a
 *   briefing late by a minute is better than one posted by every replica.
 * - leases (Discord messages) fall back to leases in this process, as `claimEvent` does: the
 *   message is answered, and re-deliveries within this process are still dropped. Except for
 *   work every replica receives (`everyReplica`: a Discord message) on a shared store that other
 *   replicas may use (not `soleReplica`): each would answer it; the claim is `unavailable` instead and the message waits
 *   for the database (leased-work.ts), so exactly one replica answers it once it is back.
 * - `takeRate` falls back to counting in this process: limits hold per replica meanwhile.
 * - writes are dropped (logged), reads return empty results; except feedback, which throws
 *   `feedback_not_saved` so the person who gave it hears that it was not kept.
 */
export class ResilientStore implements SanadStore, SharedRateLimits {
  /** Causes logged since the store last worked, and whether a read or a write hit them. */
  private readonly reported = new Map<string, Kind>();
  private readonly outageEvents: OutageEvents;
  private readonly claims = new Map<string, { owner: string; done: boolean }>();
  private readonly rates = new SlidingWindowLimiter();
  private readonly leases = new MemoryLeases();

  /**
   * `inner` null: no store could be opened; everything uses the fallbacks. `shared`: replicas
   * share `inner`, so an in-memory briefing claim would not stop the others. `soleReplica`: the
   * operator says this is the only replica (SANAD_REPLICAS=1), so in-memory leases double nothing.
   */
  constructor(
    private readonly inner: (SanadStore & Partial<SharedRateLimits>) | null,
    private readonly logger: Logger,
    private readonly options: { shared?: boolean; soleReplica?: boolean } = {},
  ) {
    this.outageEvents = new OutageEvents(logger);
  }

  /** Whether the last call reached the real store. */
  healthy = true;

  claimEvent(key: string, at?: Date): Promise<boolean> {
    return this.guard(
      'claimEvent',
      // Keys seen while the store was down are only in memory: still honour them once it is back.
      async (store) => (await store.claimEvent(key, at)) && !this.outageEvents.has(key),
      () => this.outageEvents.claim(key, at),
    );
  }

  claimLease(request: LeaseRequest): Promise<LeaseClaim> {
    return this.guard(
      'claimLease',
      (store) => store.claimLease(request),
      (): Promise<LeaseClaim> | LeaseClaim =>
        request.everyReplica && this.options.shared && !this.options.soleReplica
          ? { status: 'unavailable', retryAt: new Date(request.at.getTime() + SHARED_LEASE_RETRY_MS) }
          : this.leases.claimLease(request),
    );
  }

  // A lease taken in memory while the store was down is renewed and completed there: the store
  // never had it, so asking it would say "lost the lease" and, having answered, "works again".
  renewLease(request: LeaseRequest): Promise<boolean> {
    if (this.leases.holds(request.key, request.owner)) return this.leases.renewLease(request);
    return this.guard(
      'renewLease',
      (store) => store.renewLease(request),
      () => this.leases.renewLease(request),
    );
  }

  completeLease(key: string, owner: string, at: Date): Promise<boolean> {
    if (this.leases.holds(key, owner)) return this.leases.completeLease(key, owner);
    return this.guard(
      'completeLease',
      (store) => store.completeLease(key, owner, at),
      () => this.leases.completeLease(key, owner),
    );
  }

  /** Down: nothing found now; the next poll asks again. */
  unfinishedWork(prefix: string, at: Date, since: Date, limit: number): Promise<UnfinishedWork[]> {
    return this.guard(
      'unfinishedWork',
      (store) => store.unfinishedWork(prefix, at, since, limit),
      () => [],
    );
  }

  recordQuestion(record: QuestionRecord): Promise<void> {
    return this.guard(
      'recordQuestion',
      (store) => store.recordQuestion(record),
      () => undefined,
    );
  }

  /** Unlike the other writes, a feedback that was not saved throws: the person is told so. */
  recordFeedback(record: FeedbackRecord): Promise<void> {
    return this.guard(
      'recordFeedback',
      (store) => store.recordFeedback(record),
      () => {
        throw new SanadError('feedback_not_saved', 'the feedback could not be saved: the state store is failing');
      },
    );
  }

  close(): Promise<void> {
    return this.guard(
      'close',
      (store) => store.close(),
      () => undefined,
    );
  }

  questionStats(platform: string, channel: string, from: Date, to: Date): Promise<QuestionStats> {
    return this.guard(
      'questionStats',
      (store) => store.questionStats(platform, channel, from, to),
      () => ({ ...EMPTY_STATS, declinedQuestions: [] }),
    );
  }

  claimBriefing(request: ClaimRequest): Promise<BriefingClaim> {
    return this.guard(
      'claimBriefing',
      (store) => store.claimBriefing(request),
      (): BriefingClaim => {
        if (this.options.shared) return { status: 'busy', retryAt: new Date(request.at.getTime() + SHARED_CLAIM_RETRY_MS) };
        const held = this.claims.get(request.key);
        if (held?.done) return { status: 'done', entry: memoryEntry(request, 'posted') };
        if (held && held.owner !== request.owner) return { status: 'busy', retryAt: new Date(request.at.getTime() + request.leaseMs) };
        this.claims.set(request.key, { owner: request.owner, done: false });
        return { status: 'claimed', attempt: 1 };
      },
    );
  }

  completeBriefing(key: string, owner: string, outcome: BriefingOutcome): Promise<boolean> {
    // Remember it in memory too: if the store fails later today, this process still will not re-post.
    this.claims.set(key, { owner, done: true });
    return this.guard(
      'completeBriefing',
      (store) => store.completeBriefing(key, owner, outcome),
      () => true,
    );
  }

  releaseBriefing(key: string, owner: string): Promise<void> {
    if (this.claims.get(key)?.owner === owner) this.claims.delete(key);
    return this.guard(
      'releaseBriefing',
      (store) => store.releaseBriefing(key, owner),
      () => undefined,
    );
  }

  briefing(key: string): Promise<BriefingLogEntry | null> {
    return this.guard(
      'briefing',
      (store) => store.briefing(key),
      () => null,
    );
  }

  lastBriefing(platform: string, channel: string, before?: Date): Promise<BriefingLogEntry | null> {
    return this.guard(
      'lastBriefing',
      (store) => store.lastBriefing(platform, channel, before),
      () => null,
    );
  }

  briefingHistory(platform: string, channel: string, limit: number): Promise<BriefingLogEntry[]> {
    return this.guard(
      'briefingHistory',
      (store) => store.briefingHistory(platform, channel, limit),
      () => [],
    );
  }

  recordDocuments(documents: Parameters<SanadStore['recordDocuments']>[0], at: Date): Promise<KnowledgeChanges> {
    return this.guard(
      'recordDocuments',
      (store) => store.recordDocuments(documents, at),
      () => ({ added: [], changed: [], removed: [] }),
    );
  }

  knowledgeChangedSince(since: Date): Promise<KnowledgeLogEntry[]> {
    return this.guard(
      'knowledgeChangedSince',
      (store) => store.knowledgeChangedSince(since),
      () => [],
    );
  }

  purge(before: Date): Promise<PurgeResult> {
    return this.guard(
      'purge',
      (store) => store.purge(before),
      () => ({ events: 0, questions: 0, feedback: 0, briefings: 0, documents: 0 }),
    );
  }

  takeRate(checks: RateCheck[], windowMs: number, at: Date): Promise<RateVerdict> {
    const local = () => this.rates.take(checks, windowMs, at.getTime());
    const inner = this.inner;
    if (!inner?.takeRate) return Promise.resolve(local());
    return this.guard('takeRate', () => inner.takeRate!(checks, windowMs, at), local);
  }

  /** Runs `run` against the store: a failure is logged once per cause and `fallback` answers (it rejects only if `fallback` throws: feedback). */
  private async guard<T>(operation: string, run: (store: SanadStore) => Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    if (!this.inner) {
      this.report(operation, 'write', 'STATE_UNAVAILABLE', 'no state store is open');
      return fallback();
    }
    const kind: Kind = READS.has(operation) ? 'read' : 'write';
    try {
      const result = await run(this.inner);
      // Only a success of the same kind proves the cause gone: a read-only or locked file still
      // serves reads, and a read between two failing writes must not log the same cause again.
      let cleared = false;
      for (const [code, failed] of this.reported) {
        if (failed === kind) {
          this.reported.delete(code);
          cleared = true;
        }
      }
      if (!this.healthy && this.reported.size === 0) {
        this.healthy = true;
        if (cleared) this.logger.info('state store works again');
      }
      // Back: the events answered meanwhile go to the store too (not awaited: this call's caller waits for nothing).
      if (kind === 'write' && this.outageEvents.pending) void this.outageEvents.writeTo(this.inner);
      return result;
    } catch (error) {
      this.healthy = false;
      const code = (error as { code?: unknown }).code;
      this.report(operation, kind, typeof code === 'string' ? code : 'UNKNOWN', error instanceof Error ? error.message : String(error));
      return fallback();
    }
  }

  private report(operation: string, kind: Kind, code: string, message: string): void {
    if (this.reported.has(code)) return;
    this.reported.set(code, kind);
    this.logger.error('state store failed; answering without it (logged once per cause)', { operation, code, message });
  }
}

function memoryEntry(request: ClaimRequest, state: 'posted'): BriefingLogEntry {
  return {
    key: request.key,
    platform: request.platform,
    channel: request.channel,
    day: request.day,
    state,
    owner: request.owner,
    claimedAt: request.at,
    attempts: 1,
    postedAt: null,
    messageId: null,
    content: null,
  };
}
