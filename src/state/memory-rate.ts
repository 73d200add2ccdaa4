import type { RateCheck, RateVerdict } from '../core/state.js';

/** A sliding window per key in this process: the fallback when shared rate limits are out of reach. */
export class MemoryRateWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly maxKeys = 10_000) {}

  takeAll(all: RateCheck[], windowMs: number, nowMs: number): RateVerdict {
    const checks = all.filter((check) => check.limit > 0);
    let retryAfterMs = 0;
    for (const { key, limit } of checks) {
      const recent = (this.hits.get(key) ?? []).filter((t) => t > nowMs - windowMs);
      this.hits.set(key, recent);
      if (recent.length >= limit) retryAfterMs = Math.max(retryAfterMs, 1, recent[recent.length - limit]! + windowMs - nowMs);
    }
    if (retryAfterMs > 0) return { ok: false, retryAfterMs };
    for (const { key } of checks) {
      const recent = this.hits.get(key)!;
      recent.push(nowMs);
      this.hits.delete(key); // re-insert: Map order is least recently used first
      this.hits.set(key, recent);
    }
    while (this.hits.size > this.maxKeys) this.hits.delete(this.hits.keys().next().value!);
    return { ok: true };
  }
}
