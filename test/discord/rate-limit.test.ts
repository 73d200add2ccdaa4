import { expect, it } from 'vitest';
import { RateLimiter } from '../../src/adapters/discord/rate-limit.js';

function clockAt(start: number) {
  let now = start;
  return { clock: { now: () => new Date(now) }, advance: (ms: number) => (now += ms) };
}

it('allows `limit` hits per sliding minute and says when the next one fits', () => {
  const { clock, advance } = clockAt(0);
  const limiter = new RateLimiter(clock);
  const check = [{ key: 'user:a', limit: 2 }];
  expect(limiter.takeAll(check).ok).toBe(true);
  advance(10_000);
  expect(limiter.takeAll(check).ok).toBe(true);
  advance(10_000);
  expect(limiter.takeAll(check)).toEqual({ ok: false, retryAfterMs: 40_000 });
  advance(40_000);
  expect(limiter.takeAll(check).ok).toBe(true);
});

it('counts a hit only when every limit allows it, and treats 0 as no limit', () => {
  const { clock } = clockAt(0);
  const limiter = new RateLimiter(clock);
  expect(limiter.takeAll([{ key: 'user:a', limit: 5 }, { key: 'channel:c', limit: 1 }]).ok).toBe(true);
  expect(limiter.takeAll([{ key: 'user:a', limit: 5 }, { key: 'channel:c', limit: 1 }]).ok).toBe(false);
  // The refused hit was not counted against user:a: four more fit.
  for (let i = 0; i < 3; i++) expect(limiter.takeAll([{ key: 'user:a', limit: 5 }]).ok).toBe(true);
  expect(limiter.takeAll([{ key: 'user:a', limit: 5 }]).ok).toBe(true);
  expect(limiter.takeAll([{ key: 'user:a', limit: 5 }]).ok).toBe(false);
  for (let i = 0; i < 20; i++) expect(limiter.takeAll([{ key: 'user:b', limit: 0 }]).ok).toBe(true);
});

it('forgets the least recently used keys beyond its bound', () => {
  const { clock } = clockAt(0);
  const limiter = new RateLimiter(clock, 60_000, 2);
  limiter.takeAll([{ key: 'a', limit: 1 }]);
  limiter.takeAll([{ key: 'b', limit: 1 }]);
  limiter.takeAll([{ key: 'c', limit: 1 }]);
  // "a" was evicted, so it may ask again; "c" may not.
  expect(limiter.takeAll([{ key: 'a', limit: 1 }]).ok).toBe(true);
  expect(limiter.takeAll([{ key: 'c', limit: 1 }]).ok).toBe(false);
});
