/** A sliding-window counter per key: at most `limit` hits in any `windowMs`. */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly windowMs = 60_000, private readonly maxKeys = 10_000) {}

  /** Counts a hit for `key` unless over `limit`; when over, how long until the next one fits. */
  take(key: string, limit: number, nowMs: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const since = nowMs - this.windowMs;
    const recent = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (recent.length >= limit) {
      this.hits.set(key, recent);
      return { ok: false, retryAfterMs: Math.max(1, recent[0]! + this.windowMs - nowMs) };
    }
    recent.push(nowMs);
    this.hits.delete(key); // re-insert so Map order is least-recently-used first
    this.hits.set(key, recent);
    if (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
    return { ok: true };
  }
}
