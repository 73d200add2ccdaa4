import type { Clock } from '../../core/index.js';

/** A sliding one-minute window per key (a user, a channel), with a bounded number of keys. */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    private readonly windowMs = 60_000,
    private readonly maxKeys = 10_000,
  ) {}

  /** Counts a hit for `key` when under `limit` (at least 1); otherwise says how long until one is allowed. */
  take(key: string, limit: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const now = this.clock.now().getTime();
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (recent.length >= limit) {
      this.hits.set(key, recent);
      return { ok: false, retryAfterMs: Math.max(1, this.windowMs - (now - recent[0]!)) };
    }
    recent.push(now);
    this.hits.delete(key);
    this.hits.set(key, recent);
    // Maps iterate in insertion order: the first key is the least recently used one.
    while (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
    return { ok: true };
  }

  /** Checks every limit and counts the hit only when all allow it. */
  takeAll(all: { key: string; limit: number }[]): { ok: true } | { ok: false; retryAfterMs: number } {
    // A limit of 0 (the config allows it) means no limit, not "never answer": `respond: off` does that.
    const checks = all.filter((check) => check.limit > 0);
    const now = this.clock.now().getTime();
    let retryAfterMs = 0;
    for (const { key, limit } of checks) {
      const recent = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
      if (recent.length >= limit) retryAfterMs = Math.max(retryAfterMs, this.windowMs - (now - recent[0]!));
    }
    if (retryAfterMs > 0) return { ok: false, retryAfterMs };
    for (const { key, limit } of checks) this.take(key, limit);
    return { ok: true };
  }
}
