/** A sliding-window counter per key: at most `limit` hits in any `windowMs`. */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly windowMs = 60_000, private readonly maxKeys = 10_000) {}

  /** Counts a hit for `key` unless over `limit`; when over, how long until the next one fits. A limit of 0 means no limit. */
  take(key: string, limit: number, nowMs: number): { ok: true } | { ok: false; retryAfterMs: number } {
    return this.takeAll([{ key, limit }], nowMs);
  }

  /**
   * Checks every limit and counts the hit only when all allow it, so a question refused by the
   * channel's limit does not also use up the asker's own allowance. A limit of 0 (the config
   * allows it) means no limit, not "never answer": `respond: off` does that.
   */
  takeAll(all: { key: string; limit: number }[], nowMs: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const since = nowMs - this.windowMs;
    const checks = all.filter((check) => check.limit > 0);
    let retryAfterMs = 0;
    for (const { key, limit } of checks) {
      const recent = (this.hits.get(key) ?? []).filter((t) => t > since);
      this.hits.set(key, recent);
      if (recent.length >= limit) retryAfterMs = Math.max(retryAfterMs, 1, recent[recent.length - limit]! + this.windowMs - nowMs);
    }
    if (retryAfterMs > 0) return { ok: false, retryAfterMs };
    for (const { key } of checks) {
      const recent = this.hits.get(key)!;
      recent.push(nowMs);
      this.hits.delete(key); // re-insert so Map order is least-recently-used first
      this.hits.set(key, recent);
    }
    while (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
    return { ok: true };
  }
}
