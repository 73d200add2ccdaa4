import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { LocalHashEmbeddings, type LocalEmbeddingsOptions } from './local-embeddings.js';
import { yieldToSearches } from './search-gate.js';

/**
 * The embedder port as the index uses it: any LangChain `Embeddings`, plus a stable id that keys
 * the on-disk cache, so a restart never pays twice for the same text and a model change
 * re-embeds everything.
 */
export interface Embedder {
  readonly id: string;
  /**
   * Whether a question and a paragraph in different languages land near each other (a
   * multilingual model): then a question in another language than the documents is searched
   * as it is, instead of being declined offline.
   */
  readonly crossLingual: boolean;
  embedDocuments(texts: string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]>;
  embedQuery(text: string): Promise<Float32Array>;
  /** Set by the local embedder: a worker thread given these options makes the very same vectors. */
  readonly localOptions?: LocalEmbeddingsOptions;
}

export function localEmbedder(options?: ConstructorParameters<typeof LocalHashEmbeddings>[0]): Embedder {
  const local = new LocalHashEmbeddings(options);
  return {
    id: local.embedderId,
    localOptions: { dimensions: local.dimensions, ngramWeight: local.ngramWeight },
    // Hashed stems and character n-grams: only words spelt alike match.
    crossLingual: false,
    async embedDocuments(texts, onProgress) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i++) {
        yieldToSearches();
        out.push(local.embedSync(texts[i]!));
        if (onProgress && (i % 500 === 499 || i === texts.length - 1)) onProgress(i + 1, texts.length);
        // Questions are answered between slices while a folder is indexed.
        if (i % 128 === 127) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      return out;
    },
    embedQuery: async (text) => local.embedSync(text),
  };
}

/** Wraps a LangChain embeddings client (OpenAI, Ollama, …): batches and reports progress. */
export function langchainEmbedder(id: string, embeddings: EmbeddingsInterface, batchSize = 64, crossLingual = true): Embedder {
  return {
    id,
    crossLingual,
    async embedDocuments(texts, onProgress) {
      const out: Float32Array[] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        const batch = await embeddings.embedDocuments(texts.slice(i, i + batchSize));
        for (const v of batch) out.push(Float32Array.from(v));
        onProgress?.(Math.min(i + batchSize, texts.length), texts.length);
      }
      return out;
    },
    embedQuery: async (text) => Float32Array.from(await embeddings.embedQuery(text)),
  };
}
