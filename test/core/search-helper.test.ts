import { afterAll, describe, expect, it } from 'vitest';
import { Bm25Index } from '../../src/core/index/bm25.js';
import { SearchHelper, SplitBalance } from '../../src/core/index/search-helper.js';
import { runAtOnce } from '../../src/core/index/steps.js';
import { bm25Corpus as corpus, bm25Query as query } from '../fixtures/bm25-corpus.js';
import { rng as random } from '../fixtures/random.js';

/** An index split from `splitFrom` rows, made ready for the helper as `prepareSearch` makes it. */
function splitIndex(seed: number, splitFrom = 1000): { index: Bm25Index; vocabulary: number; rand: () => number } {
  const rand = random(seed);
  const vocabulary = 50 + Math.floor(rand() * 3000);
  const index = new Bm25Index({ splitFrom });
  for (const row of corpus(rand, 1500 + Math.floor(rand() * 4000), vocabulary)) index.add(row);
  const rows = index.exportState().lengths.length;
  index.removeRows(Array.from({ length: Math.floor(rows * rand() * 0.2) }, () => Math.floor(rand() * rows)));
  runAtOnce(index.summarising());
  return { index, vocabulary, rand };
}

async function readyHelper(): Promise<SearchHelper> {
  const helper = SearchHelper.get();
  if (!helper) throw new Error('no search helper');
  for (let i = 0; i < 600 && !helper.ready; i++) await new Promise((r) => setTimeout(r, 50));
  expect(helper.ready).toBe(true);
  return helper;
}

afterAll(() => SearchHelper.stop());

describe('a search split with the helper thread', () => {
  it('returns exactly the one-thread result, and the helper scored half of it', async () => {
    splitIndex(1);
    const helper = await readyHelper();
    let compared = 0;
    const before = helper.splits;
    for (let seed = 2; seed <= 16; seed++) {
      const { index, vocabulary, rand } = splitIndex(seed);
      for (let q = 0; q < 20; q++) {
        const terms = query(rand, vocabulary);
        const limit = [1, 3, 10, 50, 200][Math.floor(rand() * 5)]!;
        expect([...index.scores(terms, undefined, limit)]).toEqual([...index.exhaustiveScores(terms, undefined, limit)]);
        compared++;
      }
    }
    expect(compared).toBe(300);
    // Queries of unknown terms only, or with more rows allowed than exist, take no split.
    expect(helper.splits - before).toBeGreaterThan(200);
  });

  it('stays on one thread for a filtered search, a small index, or a posting that grew out of shared memory', async () => {
    const helper = await readyHelper();
    const { index, vocabulary, rand } = splitIndex(40);
    const small = splitIndex(41, 1e9).index;
    let splits = helper.splits;
    const terms = query(rand, vocabulary);
    const allow = (row: number) => row % 3 !== 0;
    expect([...index.scores(terms, allow, 20)]).toEqual([...index.exhaustiveScores(terms, allow, 20)]);
    expect([...small.scores(terms, undefined, 20)]).toEqual([...small.exhaustiveScores(terms, undefined, 20)]);
    expect(helper.splits).toBe(splits);
    // New rows: their terms' postings are copied out of shared memory as they grow.
    const grown = new Map([['fresh', 1]]);
    for (let r = 0; r < 30; r++) index.add(['fresh', 'x', `t${r}`]);
    expect([...index.scores(grown, undefined, 5)]).toEqual([...index.exhaustiveScores(grown, undefined, 5)]);
    expect(helper.splits).toBe(splits);
    // Made ready again, the grown index splits again.
    runAtOnce(index.summarising());
    splits = helper.splits;
    expect([...index.scores(grown, undefined, 5)]).toEqual([...index.exhaustiveScores(grown, undefined, 5)]);
    expect(helper.splits).toBe(splits + 1);
  });

  it('hands over only shared memory: a built index exports its postings, lengths and liveness there', () => {
    const { index } = splitIndex(60, 1e9);
    const state = index.exportState();
    for (const array of [state.postings, state.lengths, state.alive]) expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
    const copy = Bm25Index.fromState(state);
    expect(copy.exportState()).toEqual(state);
  });

  it('carries on when a search begun was never finished (it threw in between)', async () => {
    const helper = await readyHelper();
    const { index, vocabulary, rand } = splitIndex(70);
    const terms = query(rand, vocabulary);
    const before = helper.splits;
    index.startScores(terms, undefined, 40); // never finished
    // Until the helper has answered it, searches run alone; afterwards they split again, and all are exact.
    for (let q = 0; q < 40; q++) {
      const next = query(rand, vocabulary);
      expect([...index.scores(next, undefined, 40)]).toEqual([...index.exhaustiveScores(next, undefined, 40)]);
      if (q % 10 === 9) await new Promise((r) => setTimeout(r, 20));
    }
    expect(helper.splits - before).toBeGreaterThan(20);
  });

  it('answers on one thread, exactly, once the helper is gone', async () => {
    const { index, vocabulary, rand } = splitIndex(50);
    const helper = await readyHelper();
    SearchHelper.stop();
    expect(helper.ready).toBe(false);
    for (let q = 0; q < 10; q++) {
      const terms = query(rand, vocabulary);
      expect([...index.scores(terms, undefined, 30)]).toEqual([...index.exhaustiveScores(terms, undefined, 30)]);
    }
  });
});

describe('the split between the threads', () => {
  it('moves to where both end together, the main thread doing its other work besides', () => {
    const balance = new SplitBalance();
    const perRow = 0.02;
    // 1,000 rows at 0.02 ms each, and 6 ms of the main thread's own: even at 350 (7 + 6 = 13 = 0.02 * 650).
    for (let i = 0; i < 40; i++) {
      const split = balance.split(1000);
      balance.note(perRow * split + 6, perRow * (1000 - split), split, 1000);
    }
    expect(Math.abs(balance.split(1000) - 350)).toBeLessThanOrEqual(3);
    // With nothing else to do it goes back to halves; with far more it gives the main thread a tenth.
    for (let i = 0; i < 40; i++) {
      const split = balance.split(1000);
      balance.note(perRow * split, perRow * (1000 - split), split, 1000);
    }
    expect(Math.abs(balance.split(1000) - 500)).toBeLessThanOrEqual(3);
    for (let i = 0; i < 40; i++) {
      const split = balance.split(1000);
      balance.note(perRow * split + 100, perRow * (1000 - split), split, 1000);
    }
    expect(balance.split(1000)).toBe(100);
  });
});
