import { createHash } from 'node:crypto';
import type { Embedder } from '../core/index/embedder.js';
import type { Logger } from '../core/ports.js';

/** Where replicas keep the vectors they paid a model for (PostgreSQL). */
export interface EmbeddingCacheStore {
  getEmbeddings(model: string, hashes: string[]): Promise<Map<string, Float32Array>>;
  putEmbeddings(model: string, entries: { hash: string; vector: Float32Array }[]): Promise<void>;
}

/**
 * Puts the shared cache between an embedder and the model: a replica asks the database for the
 * texts it lacks (by embedder id, which names the model, and the sha256 of the text) and embeds
 * only what no replica has, then stores that. The local file cache still sits in front of it.
 * The database failing costs money, not answers: the model is asked, and the log says so.
 */
export function sharedEmbeddingCache(inner: Embedder, cache: EmbeddingCacheStore, logger: Logger): Embedder {
  return {
    id: inner.id,
    crossLingual: inner.crossLingual,
    embedQuery: (text) => inner.embedQuery(text),
    async embedDocuments(texts, onProgress) {
      const hashes = texts.map(hashText);
      const found = await cache.getEmbeddings(inner.id, [...new Set(hashes)]).catch((error: unknown) => {
        logger.warn('shared embedding cache unreadable; embedding with the model', {
          error,
        });
        return new Map<string, Float32Array>();
      });
      const missing = new Map<string, string>();
      hashes.forEach((hash, i) => {
        if (!found.has(hash)) missing.set(hash, texts[i]!);
      });
      if (missing.size > 0) {
        const vectors = await inner.embedDocuments([...missing.values()], onProgress);
        const fresh = [...missing.keys()].map((hash, i) => ({ hash, vector: vectors[i]! }));
        for (const { hash, vector } of fresh) found.set(hash, vector);
        await cache.putEmbeddings(inner.id, fresh).catch((error: unknown) => {
          logger.warn('could not share new embeddings with the other replicas', {
            error,
          });
        });
      } else onProgress?.(texts.length, texts.length);
      return hashes.map((hash) => found.get(hash)!);
    },
  };
}

function hashText(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
