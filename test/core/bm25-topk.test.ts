import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../src/core/index/bm25.js';
import { rng as random } from '../fixtures/random.js';

/** Rows over a Zipf-like vocabulary: a few terms in most rows (long postings), many rare ones; some rows repeated (ties). */
function corpus(rand: () => number, rows: number, vocabulary: number): string[][] {
  const out: string[][] = [];
  for (let r = 0; r < rows; r++) {
    if (r > 0 && rand() < 0.05) {
      out.push([...out[Math.floor(rand() * r)]!]);
      continue;
    }
    const length = 3 + Math.floor(rand() * 40);
    const terms: string[] = [];
    for (let i = 0; i < length; i++) terms.push(`t${Math.floor(vocabulary ** rand()) - 1}`);
    out.push(terms);
  }
  return out;
}

function query(rand: () => number, vocabulary: number): Map<string, number> {
  const q = new Map<string, number>();
  const n = 1 + Math.floor(rand() * 12);
  for (let i = 0; i < n; i++) {
    // Common and rare terms, some weighted down as expansions and n-grams are, one unknown.
    const term = i === 0 && rand() < 0.2 ? 'absent' : `t${Math.floor(vocabulary ** (rand() * rand())) - 1}`;
    q.set(term, rand() < 0.3 ? 0.3 + rand() * 0.6 : 1);
  }
  return q;
}

describe('Bm25Index pruned top-N (MaxScore)', () => {
  it('returns exactly the exhaustive top-N, scores and order included, over many random indexes and queries', () => {
    let pruned = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const rand = random(seed);
      const vocabulary = 50 + Math.floor(rand() * 3000);
      const index = new Bm25Index();
      for (const row of corpus(rand, 500 + Math.floor(rand() * 4000), vocabulary)) index.add(row);
      // Removed rows (a re-indexed document leaves tombstones), and rows added after them.
      const rows = index.exportState().lengths.length;
      const gone = Array.from({ length: Math.floor(rows * rand() * 0.2) }, () => Math.floor(rand() * rows));
      index.removeRows(gone);
      for (const row of corpus(rand, 100, vocabulary)) index.add(row);
      for (let q = 0; q < 25; q++) {
        const terms = query(rand, vocabulary);
        const cut = rand();
        const allow = rand() < 0.5 ? undefined : (row: number) => (row * 2654435761) % 1000 < cut * 1000;
        const limit = [1, 3, 10, 50, 200][Math.floor(rand() * 5)]!;
        const got = index.scores(terms, allow, limit);
        const want = index.exhaustiveScores(terms, allow, limit);
        expect([...got]).toEqual([...want]);
        if (want.size === limit) pruned++;
      }
    }
    // Most queries had more rows than the limit, so the pruned path was the one checked.
    expect(pruned).toBeGreaterThan(350);
  });

  it('scores a common term only for rows still in the running, yet finds rows only it and a rare term share', () => {
    const index = new Bm25Index();
    for (let r = 0; r < 20_000; r++) index.add(r % 1000 === 7 ? ['rare', 'common', 'common'] : ['common', `w${r % 50}`, 'filler']);
    index.add(['rare']);
    const q = new Map([
      ['rare', 1],
      ['common', 1],
    ]);
    const got = index.scores(q, undefined, 5);
    expect([...got]).toEqual([...index.exhaustiveScores(q, undefined, 5)]);
    expect([...got.keys()]).toEqual([20_000, 7, 1007, 2007, 3007]);
  });

  it('scores the next question from zero after a filter threw in the middle of one', () => {
    const index = new Bm25Index();
    for (let r = 0; r < 500; r++) index.add(r % 3 ? ['a', 'b'] : ['a', 'c', 'c']);
    const q = new Map([
      ['a', 1],
      ['c', 1],
    ]);
    const want = [...index.exhaustiveScores(q, undefined, 10)];
    expect(() =>
      index.scores(
        q,
        () => {
          throw new Error('filter failed');
        },
        10,
      ),
    ).toThrow('filter failed');
    expect([...index.scores(q, undefined, 10)]).toEqual(want);
  });

  it('breaks ties at the cut by the lower row, best first', () => {
    const index = new Bm25Index();
    for (let r = 0; r < 30; r++) index.add(['a', 'b']);
    const scores = index.scores(new Map([['a', 1]]), (row) => row % 2 === 1, 4);
    expect([...scores.keys()]).toEqual([1, 3, 5, 7]);
  });
});
