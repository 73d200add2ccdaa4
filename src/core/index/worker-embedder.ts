/**
 * The second core of a cold build: the local embedder run in a worker thread, so the main thread
 * reads terms and fills BM25 for one batch of paragraphs while the worker embeds the next. The
 * worker runs the very same embedder code, so the vectors (and the index) are the same bit for
 * bit as a build on one thread.
 */
import type { Worker } from 'node:worker_threads';
import { silentLogger, type Logger } from '../ports.js';
import type { CachedEmbedder } from './embedding-cache.js';
import type { LocalEmbeddingsOptions } from './local-embeddings.js';
import { startIndexWorker } from './start-worker.js';

export interface EmbedRequest {
  id: number;
  texts: string[];
}
export type EmbedReply = { id: number; data: Float32Array } | { id: number; failed: string };

interface Waiting {
  resolve: (vectors: Float32Array[]) => void;
  reject: (error: Error) => void;
  count: number;
}

export class EmbeddingWorker {
  private readonly waiting = new Map<number, Waiting>();
  private next = 0;
  private broken: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    private readonly dim: number,
  ) {
    worker.on('message', (reply: EmbedReply) => {
      const waiting = this.waiting.get(reply.id);
      if (!waiting) return;
      this.waiting.delete(reply.id);
      if ('failed' in reply) return waiting.reject(new Error(`the embedding worker failed: ${reply.failed}`));
      waiting.resolve(Array.from({ length: waiting.count }, (_, i) => reply.data.subarray(i * dim, (i + 1) * dim)));
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the embedding worker stopped (exit code ${code})`)));
  }

  static start(options: LocalEmbeddingsOptions, dim: number): EmbeddingWorker {
    return new EmbeddingWorker(startIndexWorker('embed-worker', { embedder: options }), dim);
  }

  /** The texts' vectors, in order. */
  embed(texts: string[]): Promise<Float32Array[]> {
    if (this.broken) return Promise.reject(this.broken);
    if (texts.length === 0) return Promise.resolve([]);
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, count: texts.length });
      this.worker.postMessage({ id, texts } satisfies EmbedRequest);
    });
  }

  async close(): Promise<void> {
    this.broken ??= new Error('the embedding worker was closed');
    await this.worker.terminate();
  }

  private fail(error: Error): void {
    this.broken ??= error;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
  }
}

/**
 * Runs `work` (a build of `paragraphs` paragraphs) with the cache's missing vectors embedded in a
 * worker thread when the embedder is the local one and there are at least `minParagraphs`.
 */
export async function withEmbeddingWorker<T>(
  embedder: CachedEmbedder,
  paragraphs: number,
  minParagraphs: number,
  work: () => Promise<T>,
  logger: Logger = silentLogger,
): Promise<T> {
  const options = embedder.localOptions;
  if (!options || paragraphs < minParagraphs) return work();
  const probe = await embedder.embedQuery('');
  const worker = EmbeddingWorker.start(options, probe.length);
  embedder.offload = async (texts, onProgress) => {
    try {
      const vectors = await worker.embed(texts);
      onProgress?.(texts.length, texts.length);
      return vectors;
    } catch (error) {
      // The same vectors are made on this thread instead.
      logger.warn('the embedding worker failed; embedding on the main thread', { error });
      embedder.offload = null;
      return null;
    }
  };
  try {
    return await work();
  } finally {
    embedder.offload = null;
    await worker.close();
  }
}
