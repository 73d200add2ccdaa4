/**
 * A chunk's embedding-cache key is hashed once in a build: by the cache when it embeds the chunk,
 * and reused when the chunk goes into the index with its key.
 */
import type * as Crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

const hashed = vi.hoisted(() => ({ sha256: [] as string[] }));

vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof Crypto>();
  const createHash = (algorithm: string) => {
    const hash = crypto.createHash(algorithm);
    if (algorithm !== 'sha256') return hash;
    const update = hash.update.bind(hash);
    return Object.assign(hash, {
      update: (data: string) => (hashed.sha256.push(data), update(data)),
    });
  };
  return { ...crypto, default: { ...crypto, createHash }, createHash };
});

const { createHash } = await import('node:crypto');
const { localEmbedder } = await import('../../src/core/index/embedder.js');
const { CachedEmbedder, embeddingKey } = await import('../../src/core/index/embedding-cache.js');
const { chunksOf, paragraphsOf } = await import('../../src/core/index/index-input.js');
const { KnowledgeIndex } = await import('../../src/core/index/knowledge-index.js');
const { documentFromParagraphs } = await import('../../src/core/knowledge/parse.js');

const WORDS = ['سفير', 'فرنسا', 'الأمم', 'المتحدة', 'مجلس', 'الأمن', 'تمويل', 'الإرهاب', 'برخان', 'الساحل', 'قرار', 'الحرب'];

describe('embedding-cache keys in a build', () => {
  it('hashes each chunk once, and the index keeps the sha256 key of each chunk', async () => {
    const docs = Array.from({ length: 3 }, (_, d) =>
      documentFromParagraphs({
        document: `doc-${d}.txt`,
        collection: 'main',
        title: `وثيقة ${d}`,
        // More than one build batch; one paragraph long enough to be embedded in several chunks.
        paragraphs: Array.from({ length: 900 }, (_, i) =>
          Array.from(
            { length: i === 5 ? 200 : 1 },
            (_, j) => `${WORDS[i % WORDS.length]} ${WORDS[(i * 7 + d) % WORDS.length]} ${i} ${d} ${j}.`,
          ).join(' '),
        ),
        lang: 'ar',
      }),
    );
    const chunks: string[] = [];
    for (const { paragraph } of paragraphsOf(docs)) chunks.push(...(await chunksOf(paragraph)));
    expect(chunks.length).toBeGreaterThan(2700);

    hashed.sha256.length = 0;
    const index = new KnowledgeIndex(new CachedEmbedder(localEmbedder(), null));
    await index.build(docs);
    expect(hashed.sha256.length).toBe(chunks.length);
    expect(new Set(hashed.sha256)).toEqual(new Set(chunks));

    const sha256Key = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);
    expect(index.exportState().vectors.keys).toEqual(chunks.map(sha256Key));
    // Asked again: hashed again, the same key.
    expect(embeddingKey(chunks[0]!)).toBe(sha256Key(chunks[0]!));
  });
});
