import type { Clock, Logger } from './ports.js';
import type { LeaseClaim, LeaseRequest, WorkLeases } from './state.js';

export interface LeasedWorkOptions {
  leases: WorkLeases;
  /** This replica, as the leases name it. */
  owner: string;
  clock: Clock;
  logger: Logger;
  /** Starts work taken over from a dead holder (the caller tracks it, so a shutdown waits for it). */
  start: (work: () => Promise<void>) => void;
  /** How long a lease protects a holder that stopped renewing it (default 20 s). */
  leaseMs?: number;
  /** How often a holder renews its lease while working (default a quarter of `leaseMs`). */
  renewEveryMs?: number;
  /** Work first seen longer ago than this is no longer taken over: an answer that late helps nobody (default 5 min). */
  watchForMs?: number;
  /** Every replica receives this work (Discord messages): told to the leases, which must not fall back to this process alone. */
  everyReplica?: boolean;
  /** Most keys watched at once; the oldest are forgotten first (default 1000). Also bounds the work deferred while the leases are unavailable. */
  maxWatched?: number;
}

export const DEFAULT_LEASE_MS = 20_000;
const DEFAULT_WATCH_FOR_MS = 5 * 60_000;
const DEFAULT_MAX_WATCHED = 1000;
/** A recheck waits this much past the holder's expiry, so clocks a little apart still agree it ran out. */
const RECHECK_MARGIN_MS = 250;

interface Watched {
  work: () => Promise<void>;
  firstSeen: number;
  timer: NodeJS.Timeout;
}

interface Deferred {
  work: () => Promise<void>;
  firstSeen: number;
}

/**
 * Work that every replica receives and one must do (a Discord message, sent by the gateway to
 * each replica): the first to claim the lease does it, renewing the lease as it goes and marking
 * it done at the end. The others remember the work until the holder's lease runs out, then check
 * again: done, forgotten; renewed, wait again; abandoned (the holder died mid-way), taken over.
 * Memory and time are bounded: at most `maxWatched` keys, none longer than `watchForMs`.
 *
 * While the shared leases are unavailable (the database is down), no replica can know whether
 * another does the work, so none does it: each keeps it, in arrival order, and asks again at
 * the time the store named, one key at a time (one probe per retry, not one per key). Once the
 * store answers, the work is claimed as if it had just arrived: one replica does it. Work older
 * than `watchForMs` by then is dropped, logged; past `maxWatched` keys the oldest is dropped.
 */
export class LeasedWork {
  private readonly leaseMs: number;
  private readonly renewEveryMs: number;
  private readonly watchForMs: number;
  private readonly maxWatched: number;
  private readonly watched = new Map<string, Watched>();
  private readonly deferred = new Map<string, Deferred>();
  private retry: NodeJS.Timeout | null = null;
  private draining = false;
  private stopped = false;

  constructor(private readonly options: LeasedWorkOptions) {
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(this.leaseMs / 4));
    this.watchForMs = options.watchForMs ?? DEFAULT_WATCH_FOR_MS;
    this.maxWatched = options.maxWatched ?? DEFAULT_MAX_WATCHED;
  }

  /** Keys this replica waits on (another holds their lease). */
  get watching(): number {
    return this.watched.size;
  }

  /** Keys waiting for the leases to be available again. */
  get waiting(): number {
    return this.deferred.size;
  }

  /**
   * Does `work` under the lease of `key` if this replica gets it; otherwise watches `key` and does
   * `work` later if the holder abandons it. Resolves when this replica's part is settled now.
   */
  async run(key: string, work: () => Promise<void>): Promise<void> {
    const claim = await this.claim(key);
    const now = this.options.clock.now().getTime();
    if (claim.status === 'claimed') return this.hold(key, claim.attempt, work);
    if (claim.status === 'busy') this.watch(key, work, now, claim.expiresAt);
    if (claim.status === 'unavailable') this.defer(key, { work, firstSeen: now }, claim.retryAt);
  }

  /**
   * Does `work` under the lease of `key` if this replica gets it, with `payload` kept in the lease
   * until it is done (work only this replica received, which another takes over from the store);
   * never watches. Resolves with the claim's status once the work is done.
   */
  async runOnce(key: string, work: () => Promise<void>, payload?: string): Promise<LeaseClaim['status']> {
    const claim = await this.claim(key, payload);
    if (claim.status === 'claimed') await this.hold(key, claim.attempt, work);
    return claim.status;
  }

  /** Forgets every watched and deferred key (shutting down: the other replicas have them too). */
  stop(): void {
    this.stopped = true;
    for (const { timer } of this.watched.values()) clearTimeout(timer);
    this.watched.clear();
    if (this.retry) clearTimeout(this.retry);
    if (this.deferred.size > 0)
      this.options.logger.warn('stopping with work still waiting for the state store; other replicas that received it may do it', {
        keys: this.deferred.size,
      });
    this.deferred.clear();
  }

  private request(key: string, payload?: string): LeaseRequest {
    const { owner, clock, everyReplica } = this.options;
    return {
      key,
      owner,
      at: clock.now(),
      leaseMs: this.leaseMs,
      ...(everyReplica ? { everyReplica } : {}),
      ...(payload ? { payload } : {}),
    };
  }

  private async claim(key: string, payload?: string): Promise<LeaseClaim> {
    try {
      return await this.options.leases.claimLease(this.request(key, payload));
    } catch (error) {
      // A store that cannot say: do the work. A rare double answer beats a dropped question.
      this.options.logger.warn('could not claim the lease; doing the work anyway', {
        key,
        error,
      });
      return { status: 'claimed', attempt: 1 };
    }
  }

  private async hold(key: string, attempt: number, work: () => Promise<void>): Promise<void> {
    const { leases, owner, clock, logger } = this.options;
    if (attempt > 1) logger.info('taking over work whose holder stopped renewing its lease', { key, attempt });
    const renew = setInterval(() => {
      leases.renewLease({ key, owner, at: clock.now(), leaseMs: this.leaseMs }).then(
        (ours) => ours || logger.warn('lost the lease while working; another replica may do it too', { key }),
        (error: unknown) => logger.warn('could not renew the lease', { key, error }),
      );
    }, this.renewEveryMs);
    renew.unref();
    try {
      await work();
    } finally {
      clearInterval(renew);
      await leases.completeLease(key, owner, clock.now()).then(
        (ours) => ours || logger.warn('the lease was taken over before the work was done; it may have been done twice', { key }),
        (error: unknown) => logger.warn('could not mark the lease done', { key, error }),
      );
    }
  }

  private watch(key: string, work: () => Promise<void>, firstSeen: number, expiresAt: Date): void {
    if (this.stopped) return;
    const existing = this.watched.get(key);
    if (existing) clearTimeout(existing.timer);
    this.watched.delete(key);
    const now = this.options.clock.now().getTime();
    if (now - firstSeen > this.watchForMs) {
      this.options.logger.debug('stopped watching work held elsewhere: too old to take over', { key });
      return;
    }
    const delay = Math.max(0, expiresAt.getTime() - now) + RECHECK_MARGIN_MS;
    const timer = setTimeout(() => void this.recheck(key), delay);
    timer.unref();
    this.watched.set(key, { work, firstSeen, timer });
    while (this.watched.size > this.maxWatched) {
      const [oldest, entry] = this.watched.entries().next().value!;
      clearTimeout(entry.timer);
      this.watched.delete(oldest);
    }
  }

  private async recheck(key: string): Promise<void> {
    const entry = this.watched.get(key);
    if (!entry || this.stopped) return;
    this.watched.delete(key);
    let claim: LeaseClaim;
    try {
      claim = await this.options.leases.claimLease(this.request(key));
    } catch (error) {
      // Cannot tell now: look again a lease later (the holder is probably fine).
      this.options.logger.warn('could not check a lease held elsewhere', {
        key,
        error,
      });
      this.watch(key, entry.work, entry.firstSeen, new Date(this.options.clock.now().getTime() + this.leaseMs));
      return;
    }
    if (claim.status === 'claimed') this.options.start(() => this.hold(key, claim.attempt, entry.work));
    else if (claim.status === 'busy') this.watch(key, entry.work, entry.firstSeen, claim.expiresAt);
    else if (claim.status === 'unavailable') this.defer(key, entry, claim.retryAt);
  }

  private defer(key: string, entry: Deferred, retryAt: Date): void {
    if (this.stopped) return;
    if (!this.deferred.has(key))
      this.options.logger.info('the state store is unavailable: this work waits for it, so that one replica does it', { key });
    this.deferred.set(key, entry);
    while (this.deferred.size > this.maxWatched) {
      const [oldest] = this.deferred.keys();
      this.deferred.delete(oldest!);
      this.options.logger.warn('dropped work that waited for the state store: too many waiting', { key: oldest, max: this.maxWatched });
    }
    this.schedule(retryAt);
  }

  private schedule(at: Date): void {
    if (this.retry || this.draining || this.stopped) return;
    this.retry = setTimeout(() => void this.drain(), Math.max(0, at.getTime() - this.options.clock.now().getTime()));
    this.retry.unref();
  }

  /** Claims the deferred work oldest first; the first still unavailable puts the rest off again. */
  private async drain(): Promise<void> {
    this.retry = null;
    this.draining = true;
    const next = await this.claimDeferred().finally(() => (this.draining = false));
    if (next) this.schedule(next);
  }

  /** Returns when to try again, or null when nothing waits on the store any more. */
  private async claimDeferred(): Promise<Date | null> {
    for (const [key, entry] of this.deferred) {
      if (this.stopped) return null;
      const now = this.options.clock.now().getTime();
      if (now - entry.firstSeen > this.watchForMs) {
        this.deferred.delete(key);
        this.options.logger.warn('dropped work that waited for the state store too long', { key, waitedMs: now - entry.firstSeen });
        continue;
      }
      let claim: LeaseClaim;
      try {
        claim = await this.options.leases.claimLease(this.request(key));
      } catch {
        claim = { status: 'unavailable', retryAt: new Date(now + this.renewEveryMs) };
      }
      if (claim.status === 'unavailable') return claim.retryAt;
      this.deferred.delete(key);
      if (claim.status === 'claimed') this.options.start(() => this.hold(key, claim.attempt, entry.work));
      else if (claim.status === 'busy') this.watch(key, entry.work, entry.firstSeen, claim.expiresAt);
    }
    return null;
  }
}
