/**
 * A cold build reads its paragraphs' terms in the embedding worker and hands them over as
 * numbers (row-terms.ts). The index must be the one a build reading them on this thread makes:
 * same term order, postings, lengths and spelling variants, also when the worker gives up midway.
 */
import { describe, expect, it } from 'vitest';
import { localEmbedder } from '../../src/core/index/embedder.js';
import { KnowledgeIndex } from '../../src/core/index/knowledge-index.js';
import { TermCounter, type TermsReader } from '../../src/core/index/row-terms.js';
import { documentFromParagraphs } from '../../src/core/knowledge/parse.js';
import type { KnowledgeDocument } from '../../src/core/knowledge/types.js';
import { expectSameIndexState } from '../fixtures/index-state.js';
import { rng } from '../fixtures/random.js';

/** A hang guard, not a timing: three builds of 4,500 paragraphs on a busy machine. */
const HANG_GUARD_MS = 120_000;

/**
 * A stem met first in a word too short to learn ("بحر"), then in one it learns ("البحر");
 * Latin words, numbers, stop words, repeated words (tf above 1).
 */
const WORDS = ['بحر', 'البحر', 'سفن', 'السفن', 'حرب', 'الحروب', 'قرار', 'مجلس', 'Paris', 'باريس', '2024', 'في', 'من', 'تمويل'];

/** Three build batches' worth, with paragraphs that go on from the one before ("وتابع…") and one with no terms. */
function corpus(): KnowledgeDocument[] {
  const next = rng(42);
  const sentence = () => Array.from({ length: 4 + Math.floor(next() * 10) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
  return Array.from({ length: 15 }, (_, d) =>
    documentFromParagraphs({
      document: `gen-${d}.txt`,
      collection: 'main',
      title: `وثيقة ${d}`,
      paragraphs: Array.from({ length: 300 }, (_, i) =>
        i === 5 ? 'في من' : i % 9 === 4 ? `وتابع ${sentence()}. ${d} ${i}` : `${sentence()}. ${sentence()} ${d} ${i}.`,
      ),
      lang: 'ar',
    }),
  );
}

/** The worker's counting, run on this thread (through a structured clone, as messages are); null from batch `failFrom` on. */
function counting(failFrom = Infinity): TermsReader & { batches: number } {
  const counter = new TermCounter();
  const reader = {
    batches: 0,
    count: async (rows: Parameters<TermsReader['count']>[0]) =>
      reader.batches++ >= failFrom ? null : structuredClone(counter.count(structuredClone(rows))),
  };
  return reader;
}

describe('terms read in the embedding worker', () => {
  it(
    'make exactly the index reading them on this thread makes, and a reader giving up midway too',
    { timeout: HANG_GUARD_MS },
    async () => {
      const docs = corpus();
      const here = new KnowledgeIndex(localEmbedder());
      await here.build(docs);
      expect(here.size).toBeGreaterThan(2 * 2048);
      const want = here.exportState();
      for (const failFrom of [Infinity, 1]) {
        const reader = counting(failFrom);
        const counted = new KnowledgeIndex(localEmbedder());
        await counted.build(docs, undefined, reader);
        expect(reader.batches).toBe(3);
        expectSameIndexState(counted.exportState(), want);
        const question = 'ما قرار مجلس البحر بشأن السفن في باريس';
        expect(await counted.search(question, 'ar', { k: 10 })).toEqual(await here.search(question, 'ar', { k: 10 }));
      }
    },
  );
});
