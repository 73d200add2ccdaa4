import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../src/core/index/bm25.js';
import { SharedThreshold, emptyScratch, mergeTop, scoringOrder, topScores, type Bm25Rows } from '../../src/core/index/bm25-topk.js';
import { bm25Corpus as corpus, bm25Query as query } from '../fixtures/bm25-corpus.js';
import { rng as random } from '../fixtures/random.js';

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

  it('stays exact when a row longer than any before arrives between questions, the average length unchanged or moved', () => {
    const rand = random(77);
    const index = new Bm25Index();
    // Rows of ten terms: the average length is 10, and stays 10 when
    // m empty rows come with a row of 10 + 10m terms: a length never seen, at the same average.
    const row = () => Array.from({ length: 10 }, () => `t${Math.floor(40 ** rand())}`);
    for (let r = 0; r < 3000; r++) index.add(row());
    for (let round = 1; round <= 6; round++) {
      for (let q = 0; q < 6; q++) {
        const terms = query(rand, 40);
        const limit = [5, 50, 200][q % 3]!;
        expect([...index.scores(terms, undefined, limit)]).toEqual([...index.exhaustiveScores(terms, undefined, limit)]);
      }
      const m = 5 * round;
      index.add(Array.from({ length: 10 + 10 * m }, (_, i) => `t${i % 5}`));
      for (let e = 0; e < m; e++) index.add([]);
      // Every other round the average moves too: rows removed, longer rows added.
      if (round % 2 === 0) {
        index.removeRows(Array.from({ length: 30 }, () => Math.floor(rand() * 3000)));
        for (let r = 0; r < 20; r++) index.add([...row(), ...row()]);
      }
    }
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

describe('Bm25Index pruned top-N over many skip blocks (block bounds)', () => {
  /** 12,000 rows: a term in every row, common terms in most, one term said many times in one short row. */
  function longIndex(seed: number): Bm25Index {
    const rand = random(seed);
    const index = new Bm25Index();
    for (const row of corpus(rand, 12_000, 400)) index.add(['everywhere', ...row]);
    index.add([...Array<string>(300).fill('t0'), 'everywhere']);
    index.add(['t1', 'everywhere']);
    return index;
  }

  it('returns exactly the exhaustive top-N with long postings, filters, removed rows, ties and a term in every row', () => {
    for (let seed = 1; seed <= 4; seed++) {
      const index = longIndex(seed);
      const rand = random(100 + seed);
      // Whole stretches removed (many blocks hold only tombstones), and scattered rows.
      index.removeRows([
        ...Array.from({ length: 2000 }, (_, i) => 3000 + i),
        ...Array.from({ length: 300 }, () => Math.floor(rand() * 12_000)),
      ]);
      // Copies of rows at the end: their scores tie with the originals', often at the cut.
      const rows = corpus(rand, 600, 400);
      for (const row of [...rows, ...rows]) index.add(['everywhere', ...row]);
      for (let q = 0; q < 20; q++) {
        const terms = query(rand, 400);
        if (q % 2 === 0) terms.set('everywhere', 0.5);
        const allow = [undefined, (row: number) => row % 3 !== 0, (row: number) => row < 1000 || row > 9000][q % 3];
        const limit = [1, 10, 200, 400][q % 4]!;
        expect([...index.scores(terms, allow, limit)]).toEqual([...index.exhaustiveScores(terms, allow, limit)]);
      }
    }
  });

  it('asks the filter only about rows whose blocks leave them a chance (a common term said 1,000 times in one row)', () => {
    const index = new Bm25Index();
    for (let r = 0; r < 20_000; r++) {
      const terms: string[] = [];
      if (r % 2 === 0) terms.push('common');
      if (r % 40 === 0) terms.push(...Array<string>(1 + ((r / 40) % 3)).fill('rare'));
      for (let i = 0; i < 2 + (r % 17); i++) terms.push(`f${(r * 7 + i) % 997}`);
      index.add(terms);
    }
    // Its global bound counts this row's 1,000 and the next row's length of 1 together.
    index.add(Array<string>(1000).fill('common'));
    index.add(['common']);
    const q = new Map([
      ['rare', 1],
      ['common', 1],
    ]);
    let asked = 0;
    const got = index.scores(q, () => (asked++, true), 10);
    expect([...got]).toEqual([...index.exhaustiveScores(q, undefined, 10)]);
    // The global bound keeps 240 rows in the running; the blocks' own bounds 141.
    expect(asked).toBeLessThan(180);
  });

  it('summarises a grown posting as it would a new one, block bounds included', () => {
    const grown = new Bm25Index();
    const rand = random(7);
    const rows = corpus(rand, 3000, 50);
    for (const row of rows.slice(0, 1000)) grown.add(row);
    const q = new Map([
      ['t0', 1],
      ['t3', 1],
    ]);
    grown.scores(q, undefined, 5);
    for (const row of rows.slice(1000)) grown.add(row);
    const fresh = new Bm25Index();
    for (const row of rows) fresh.add(row);
    expect([...grown.scores(q, undefined, 20)]).toEqual([...fresh.scores(q, undefined, 20)]);
    expect([...grown.scores(q, undefined, 20)]).toEqual([...grown.exhaustiveScores(q, undefined, 20)]);
  });
});

describe('the pruned top-N over a range of rows (a thread’s share, search-helper.ts)', () => {
  it('gives, merged over any split of the rows into ranges, exactly the whole index’s result, also pruning with a threshold another range reached', () => {
    let merged = 0;
    for (let seed = 200; seed < 215; seed++) {
      const rand = random(seed);
      const vocabulary = 50 + Math.floor(rand() * 2000);
      const index = new Bm25Index();
      for (const row of corpus(rand, 1000 + Math.floor(rand() * 3000), vocabulary)) index.add(row);
      const state = index.exportState();
      const rowCount = state.lengths.length;
      index.removeRows(Array.from({ length: Math.floor(rowCount * 0.1) }, () => Math.floor(rand() * rowCount)));
      const { lengths, alive, totalLength, liveCount } = index.exportState();
      const rows: Bm25Rows = {
        lengths,
        alive,
        rowCount,
        longest: Math.max(...lengths),
        k1: index.k1,
        b: index.b,
        avg: totalLength / liveCount,
      };
      for (let q = 0; q < 12; q++) {
        const weights = query(rand, vocabulary);
        const known = [...weights].filter(([term]) => index.df(term) > 0);
        const terms = scoringOrder(
          rows,
          known.map(([term, w]) => ({ posting: index.postingOf(term), w: w * index.idf(term) })),
        );
        const limit = [1, 5, 40, 150][q % 4]!;
        // Two or three ranges, cut anywhere (a skip block's middle, the first or last row).
        const cuts = [0, ...Array.from({ length: 1 + (q % 2) }, () => Math.floor(rand() * (rowCount + 1))).sort((x, y) => x - y), rowCount];
        let result = new Map<number, number>();
        // Half the queries share one threshold across their ranges, as the two threads of a split search do.
        const shared = q % 4 < 2 ? new SharedThreshold() : undefined;
        shared?.reset();
        for (let c = cuts.length - 2; c >= 0; c--) {
          const part = topScores(rows, terms, undefined, limit, emptyScratch(), { from: cuts[c]!, to: cuts[c + 1]! }, shared);
          result = mergeTop(part, { rows: Int32Array.from(result.keys()), scores: Float64Array.from(result.values()) }, limit);
        }
        expect([...result]).toEqual([...index.exhaustiveScores(weights, undefined, limit)]);
        merged++;
      }
    }
    expect(merged).toBe(180);
  });
});
