import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from '../../src/core/rate-limit.js';

const MINUTE = 60_000;

describe('SlidingWindowLimiter (Slack, Discord and the store fallback)', () => {
  it('allows `limit` hits per sliding window and says when the next one fits', () => {
    const limiter = new SlidingWindowLimiter();
    const check = [{ key: 'user:a', limit: 2 }];
    expect(limiter.take(check, MINUTE, 0).ok).toBe(true);
    expect(limiter.take(check, MINUTE, 10_000).ok).toBe(true);
    expect(limiter.take(check, MINUTE, 20_000)).toEqual({ ok: false, retryAfterMs: 40_000 });
    expect(limiter.take(check, MINUTE, 60_000).ok).toBe(true);
  });

  it('waits for the limit-th most recent hit to leave the window, not the oldest', () => {
    const limiter = new SlidingWindowLimiter();
    for (let i = 0; i < 3; i++) expect(limiter.take([{ key: 'u', limit: 3 }], MINUTE, 1000 + i).ok).toBe(true);
    expect(limiter.take([{ key: 'u', limit: 3 }], MINUTE, 2000)).toEqual({ ok: false, retryAfterMs: 59_000 });
    expect(limiter.take([{ key: 'other', limit: 3 }], MINUTE, 2000).ok).toBe(true);
    // A lowered limit: of three hits, the second most recent must leave before one more fits.
    expect(limiter.take([{ key: 'u', limit: 2 }], MINUTE, 2000)).toEqual({ ok: false, retryAfterMs: 59_001 });
    expect(limiter.take([{ key: 'u', limit: 3 }], MINUTE, 61_001).ok).toBe(true);
  });

  it('counts a hit only when every limit allows it, and treats 0 as no limit', () => {
    const limiter = new SlidingWindowLimiter();
    const both = [
      { key: 'user:a', limit: 5 },
      { key: 'channel:c', limit: 1 },
    ];
    expect(limiter.take(both, MINUTE, 0).ok).toBe(true);
    expect(limiter.take(both, MINUTE, 0).ok).toBe(false);
    // The refused hit was not counted against user:a: four more fit, then no more.
    for (let i = 0; i < 4; i++) expect(limiter.take([{ key: 'user:a', limit: 5 }], MINUTE, 0).ok).toBe(true);
    expect(limiter.take([{ key: 'user:a', limit: 5 }], MINUTE, 0).ok).toBe(false);
    for (let i = 0; i < 20; i++) expect(limiter.take([{ key: 'user:b', limit: 0 }], MINUTE, 0).ok).toBe(true);
  });

  it('forgets the least recently used keys beyond its bound', () => {
    const limiter = new SlidingWindowLimiter(2);
    for (const key of ['a', 'b', 'c']) limiter.take([{ key, limit: 1 }], MINUTE, 0);
    // "a" was forgotten, so it may ask again; "c" may not.
    expect(limiter.take([{ key: 'a', limit: 1 }], MINUTE, 0).ok).toBe(true);
    expect(limiter.take([{ key: 'c', limit: 1 }], MINUTE, 0).ok).toBe(false);
  });

  it('is the SharedRateLimits port: takeRate takes the time from the caller', async () => {
    const limiter = new SlidingWindowLimiter();
    const at = new Date('2026-12-01T10:00:00Z');
    expect(await limiter.takeRate([{ key: 'k', limit: 1 }], MINUTE, at)).toEqual({ ok: true });
    expect(await limiter.takeRate([{ key: 'k', limit: 1 }], MINUTE, new Date(at.getTime() + 15_000))).toEqual({
      ok: false,
      retryAfterMs: 45_000,
    });
  });
});
