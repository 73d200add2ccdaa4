import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../src/core/index/bm25.js';

const docs = [['a', 'b', 'c'], ['a', 'b'], ['a', 'd', 'd'], ['e']];

describe('Bm25Index', () => {
  it('scores rarer and more frequent terms higher, with exact idf', () => {
    const index = new Bm25Index();
    docs.forEach((d) => index.add(d));
    expect(index.df('a')).toBe(3);
    expect(index.idf('e')).toBeGreaterThan(index.idf('a'));
    const scores = index.scores(new Map([['d', 1]]));
    expect([...scores.keys()]).toEqual([2]);
    expect(index.idf('zzz')).toBe(0);
  });

  it('counts a term said more than 65,535 times in a row as 65,535, never as a wrapped-round 16-bit count', () => {
    const index = new Bm25Index();
    index.add(Array.from({ length: 70_000 }, () => 'x'));
    index.add([...Array.from({ length: 5_000 }, () => 'x'), ...Array.from({ length: 65_000 }, () => 'y')]);
    index.add(['z']);
    const scores = index.scores(new Map([['x', 1]]));
    expect(scores.get(0)!).toBeGreaterThan(scores.get(1)!);
  });

  it('after removing rows, matches an index built without them', () => {
    const index = new Bm25Index();
    docs.forEach((d) => index.add(d));
    index.removeRows([0, 2]);
    const fresh = new Bm25Index();
    [docs[1]!, docs[3]!].forEach((d) => fresh.add(d));
    for (const term of ['a', 'b', 'c', 'd', 'e']) expect(index.idf(term)).toBeCloseTo(fresh.idf(term), 10);
    expect(index.size).toBe(2);
    const got = index.scores(
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
    );
    const want = fresh.scores(
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
    );
    expect(got.get(1)).toBeCloseTo(want.get(0)!, 10);
    expect(got.has(0)).toBe(false);
  });
});
