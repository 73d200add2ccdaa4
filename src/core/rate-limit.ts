import type { RateCheck, RateVerdict, SharedRateLimits } from './state.js';

/** Chat limits are configured per minute (`perUserPerMinute`, `perChannelPerMinute`). */
export const RATE_WINDOW_MS = 60_000;

/**
 * Keys (users, channels) remembered at most: bounds memory under a flood of new ones; the least
 * recently used is forgotten first and starts afresh.
 */
const MAX_KEYS = 10_000;

/**
 * A sliding-window counter per key in this process: at most `limit` hits in any window. Time
 * comes from the caller (its injected clock), so tests move time instead of waiting. Slack,
 * Discord and the store's fallback share this one; PostgreSQL implements the same port for
 * replicas that count together.
 */
export class SlidingWindowLimiter implements SharedRateLimits {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly maxKeys = MAX_KEYS) {}

  takeRate(checks: RateCheck[], windowMs: number, at: Date): Promise<RateVerdict> {
    return Promise.resolve(this.take(checks, windowMs, at.getTime()));
  }

  /**
   * Checks every limit and counts the hit only when all allow it, so a question refused by the
   * channel's limit does not also use up the asker's own allowance. A limit of 0 (the config
   * allows it) means no limit, not "never answer": `respond: off` does that.
   */
  take(all: readonly RateCheck[], windowMs: number, nowMs: number): RateVerdict {
    const checks = all.filter((check) => check.limit > 0);
    let retryAfterMs = 0;
    for (const { key, limit } of checks) {
      const recent = (this.hits.get(key) ?? []).filter((t) => t > nowMs - windowMs);
      this.hits.set(key, recent);
      // One more fits once the limit-th most recent hit has left the window.
      if (recent.length >= limit) retryAfterMs = Math.max(retryAfterMs, 1, recent[recent.length - limit]! + windowMs - nowMs);
    }
    if (retryAfterMs > 0) return { ok: false, retryAfterMs };
    for (const { key } of checks) {
      const recent = this.hits.get(key)!;
      recent.push(nowMs);
      this.hits.delete(key); // re-inserted: Map order is then least recently used first
      this.hits.set(key, recent);
    }
    while (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
    return { ok: true };
  }
}
