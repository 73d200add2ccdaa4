import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../src/core/index/bm25.js';
import { runAtOnce } from '../../src/core/index/steps.js';

const docs = [['a', 'b', 'c'], ['a', 'b'], ['a', 'd', 'd'], ['e']];

describe('Bm25Index', () => {
  it('summarises every posting ahead of questions, and again only those a new row changed', () => {
    const index = new Bm25Index();
    const rows = [
      ['a', 'b'],
      ['a', 'c'],
      ['d', 'd'],
      ['e', 'b'],
    ];
    rows.forEach((d) => index.add(d));
    expect(index.unsummarised()).toBe(5);
    const query = new Map([
      ['a', 1],
      ['d', 1],
    ]);
    const before = index.scores(query, undefined, 2);
    runAtOnce(index.summarising());
    expect(index.unsummarised()).toBe(0);
    expect(index.scores(query, undefined, 2)).toEqual(before);
    // 'a' grew and 'f' is new; the average length (which the bounds depend on) stayed 2
    index.add(['a', 'f']);
    expect(index.unsummarised()).toBe(2);
    // a row that moves the average by more than 1 % puts every summary out of date
    index.add(['g', 'g', 'g', 'g']);
    expect(index.unsummarised()).toBe(7);
  });

  it('restored from its state, scores every row as the index it was exported from, its longest row included', () => {
    const index = new Bm25Index();
    for (let r = 0; r < 300; r++) index.add(Array.from({ length: 1 + (r % 9) }, (_, i) => `t${(r * 7 + i) % 23}`));
    index.add(Array.from({ length: 400 }, (_, i) => `t${i % 3}`));
    const restored = Bm25Index.fromState(index.exportState());
    for (const term of ['t0', 't1', 't5', 't22']) {
      const query = new Map([[term, 1]]);
      expect([...restored.scores(query, undefined, 20)]).toEqual([...index.scores(query, undefined, 20)]);
      expect(restored.scores(query).get(300)).toBe(index.scores(query).get(300));
    }
  });

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

  it('reads back long gaps between rows and large term counts exactly (delta-coded postings)', () => {
    const index = new Bm25Index();
    const rows: string[][] = [];
    for (let r = 0; r < 20_000; r++) rows.push(r % 9_999 === 0 ? [...Array<string>(300 + r).fill('rare'), 'x'] : ['x', r % 2 ? 'y' : 'z']);
    rows.forEach((terms) => index.add(terms));
    const scores = index.scores(new Map([['rare', 1]]));
    expect([...scores.keys()].sort((a, b) => a - b)).toEqual([0, 9_999, 19_998]);
    const avg = rows.reduce((n, t) => n + t.length, 0) / rows.length;
    const idf = Math.log(1 + (rows.length - 3 + 0.5) / (3 + 0.5));
    for (const row of [0, 9_999, 19_998]) {
      const tf = 300 + row;
      const norm = tf + index.k1 * (1 - index.b + (index.b * rows[row]!.length) / avg);
      expect(scores.get(row)).toBe((idf * (tf * (index.k1 + 1))) / norm);
    }
    index.removeRows([9_999]);
    expect(index.df('rare')).toBe(2);
    expect(index.df('x')).toBe(19_999);
  });
});
