/**
 * A search without a filter asks about no row (knowledge-index.ts): it relies on BM25 and the
 * vectors holding only live paragraphs. After documents are removed and others added, it must
 * find exactly what the same search finds when every row is checked against the paragraphs.
 */
import { describe, expect, it } from 'vitest';
import { localEmbedder } from '../../src/core/index/embedder.js';
import { KnowledgeIndex } from '../../src/core/index/knowledge-index.js';
import { documentFromParagraphs } from '../../src/core/knowledge/parse.js';
import type { KnowledgeDocument } from '../../src/core/knowledge/types.js';
import { rng } from '../fixtures/random.js';

const WORDS = ['بحر', 'البحر', 'سفن', 'السفن', 'حرب', 'قرار', 'مجلس', 'باريس', 'تمويل', 'ميناء', 'الجيش', 'اتفاق', 'في', 'من'];

function documents(prefix: string, count: number, seed: number): KnowledgeDocument[] {
  const next = rng(seed);
  const sentence = () => Array.from({ length: 5 + Math.floor(next() * 9) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
  return Array.from({ length: count }, (_, d) =>
    documentFromParagraphs({
      document: `${prefix}-${d}.txt`,
      collection: d % 2 === 0 ? 'even' : 'odd',
      title: `وثيقة ${prefix} ${d}`,
      paragraphs: Array.from({ length: 120 }, (_, i) => `${sentence()}. ${sentence()} ${prefix} ${d} ${i}.`),
      lang: 'ar',
    }),
  );
}

describe('a search without a filter', () => {
  it('finds what a search checking every row finds, after documents were removed and others added', async () => {
    const index = new KnowledgeIndex(localEmbedder());
    await index.build(documents('old', 10, 7));
    index.removeDocuments(['old-1.txt', 'old-4.txt', 'old-7.txt']);
    await index.addDocuments(documents('new', 3, 8));
    // Enough rows that BM25 prunes (it returns 400 candidates for k = 16).
    expect(index.size).toBeGreaterThan(800);
    const gone = new Set(['old-1.txt', 'old-4.txt', 'old-7.txt']);
    for (const question of ['قرار مجلس البحر في باريس', 'تمويل الجيش والسفن', 'اتفاق الميناء old 4', 'حرب new 2']) {
      const unfiltered = await index.search(question, 'ar', { k: 16 });
      const checked = await index.search(question, 'ar', { k: 16, collections: ['even', 'odd'] });
      expect(unfiltered.length).toBe(16);
      expect(unfiltered.map((h) => [h.paragraph.id, h.score])).toEqual(checked.map((h) => [h.paragraph.id, h.score]));
      expect(unfiltered.filter((h) => gone.has(h.paragraph.document))).toEqual([]);
    }
  });
});
