/**
 * FloatVectorStore implements only LangChain's primitive (`similaritySearchVectorWithScore`);
 * the base class derives `similaritySearch`, `similaritySearchWithScore` and `asRetriever` from
 * it. These tests drive those derived methods with a deterministic embedder.
 */
import { describe, expect, it } from 'vitest';
import { Embeddings } from '@langchain/core/embeddings';
import { Document } from '@langchain/core/documents';
import { VectorStore } from '@langchain/core/vectorstores';
import { FloatVectorStore } from '../src/core/index/vector-store.js';

/** Bag of words hashed into 64 dimensions: texts sharing words are close, others are not. */
class WordHashEmbeddings extends Embeddings {
  calls = 0;
  constructor() {
    super({});
  }
  embed(text: string): number[] {
    const v = new Array<number>(64).fill(0);
    for (const word of text.toLowerCase().split(/\W+/).filter(Boolean)) {
      let h = 2166136261;
      for (const ch of word) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
      v[(h >>> 0) % 64]! += 1;
    }
    return v;
  }
  async embedDocuments(texts: string[]): Promise<number[][]> {
    this.calls++;
    return texts.map((t) => this.embed(t));
  }
  async embedQuery(text: string): Promise<number[]> {
    return this.embed(text);
  }
}

const TEXTS = [
  'France leads the coalition against terrorism in the Sahel',
  'Operation Barkhane deployed troops in Mali',
  'The ambassador of France to the United Nations spoke in New York',
  'Football world cup results and scores',
  'Recipes for bread and pastry',
];
const METAS = TEXTS.map((_, i) => ({ document: i < 3 ? 'article' : 'misc', paragraph: i + 1 }));

describe('FloatVectorStore as a LangChain VectorStore', () => {
  it('is a VectorStore and reports its type', () => {
    const store = new FloatVectorStore(new WordHashEmbeddings());
    expect(store).toBeInstanceOf(VectorStore);
    expect(store._vectorstoreType()).toBe('sanad-float32');
  });

  it('fromTexts + similaritySearch find the paragraph sharing the words', async () => {
    const store = await FloatVectorStore.fromTexts(TEXTS, METAS, new WordHashEmbeddings());
    expect(store.size).toBe(TEXTS.length);
    const [top] = await store.similaritySearch('ambassador of France United Nations', 1);
    expect(top?.pageContent).toBe(TEXTS[2]);
    expect(top?.metadata).toEqual({ document: 'article', paragraph: 3 });
    expect(typeof top?.id).toBe('string');
  });

  it('similaritySearchWithScore returns cosine scores, best first, and honours a filter', async () => {
    const store = await FloatVectorStore.fromTexts(TEXTS, METAS, new WordHashEmbeddings());
    const scored = await store.similaritySearchWithScore('bread pastry recipes', 5);
    expect(scored[0]?.[0].pageContent).toBe(TEXTS[4]);
    expect(scored[0]?.[1]).toBeGreaterThan(0.5);
    for (let i = 1; i < scored.length; i++) expect(scored[i]![1]).toBeLessThanOrEqual(scored[i - 1]![1]);
    const filtered = await store.similaritySearchWithScore('bread pastry recipes', 5, { document: 'article' });
    expect(filtered).toHaveLength(3);
    expect(filtered.every(([doc]) => doc.metadata['document'] === 'article')).toBe(true);
  });

  it('asRetriever().invoke returns k documents, with a filter and with MMR', async () => {
    const store = await FloatVectorStore.fromDocuments(
      TEXTS.map((pageContent, i) => new Document({ pageContent, metadata: METAS[i]!, id: `p${i + 1}` })),
      new WordHashEmbeddings(),
    );
    const docs = await store.asRetriever(2).invoke('France troops Mali Barkhane');
    expect(docs).toHaveLength(2);
    expect(docs[0]?.pageContent).toBe(TEXTS[1]);
    expect(docs[0]?.id).toBe('p2');
    const misc = await store.asRetriever({ k: 1, filter: { document: 'misc' } }).invoke('France troops');
    expect(misc[0]?.metadata['document']).toBe('misc');
    const byFunction = await store.asRetriever({ k: 5, filter: (doc) => doc.metadata['paragraph'] !== 2 }).invoke('Barkhane');
    expect(byFunction.map((d) => d.id)).not.toContain('p2');
    const mmr = await store.asRetriever({ k: 2, searchType: 'mmr', searchKwargs: { fetchK: 5 } }).invoke('France');
    expect(mmr).toHaveLength(2);
  });

  it('addDocuments via the retriever and delete by id', async () => {
    const embeddings = new WordHashEmbeddings();
    const store = new FloatVectorStore(embeddings);
    const retriever = store.asRetriever(1);
    const ids = await retriever.addDocuments(TEXTS.map((pageContent, i) => new Document({ pageContent, metadata: METAS[i]! })));
    expect(ids).toHaveLength(TEXTS.length);
    await store.delete({ ids: [(ids as string[])[4]!] });
    const docs = await store.similaritySearch('bread pastry recipes', 5);
    expect(docs.map((d) => d.pageContent)).not.toContain(TEXTS[4]);
    expect(store.size).toBe(4);
  });
});
