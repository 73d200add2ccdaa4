/**
 * The second core of a cold build: the local embedder run in a worker thread, so the main thread
 * fills BM25 for one batch of paragraphs while the worker embeds the next and reads its terms
 * (row-terms.ts). The worker runs the very same embedder and term code, so the vectors (and the
 * index) are the same bit for bit as a build on one thread.
 */
import type { Worker } from 'node:worker_threads';
import { silentLogger, type Logger } from '../ports.js';
import type { CachedEmbedder } from './embedding-cache.js';
import type { LocalEmbeddingsOptions } from './local-embeddings.js';
import type { CountedRows, RowText, TermsReader } from './row-terms.js';
import { startIndexWorker } from './start-worker.js';

export type EmbedRequest = { id: number; texts: string[] } | { id: number; rows: RowText[] };
export type EmbedReply = { id: number; data: Float32Array } | { id: number; counted: CountedRows } | { id: number; failed: string };

interface Waiting {
  resolve: (reply: EmbedReply) => void;
  reject: (error: Error) => void;
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
      waiting.resolve(reply);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the embedding worker stopped (exit code ${code})`)));
  }

  static start(options: LocalEmbeddingsOptions, dim: number): EmbeddingWorker {
    return new EmbeddingWorker(startIndexWorker('embed-worker', { embedder: options }), dim);
  }

  /** The texts' vectors, in order. */
  async embed(texts: string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const { data } = (await this.ask({ id: this.next++, texts })) as { data: Float32Array };
    return Array.from({ length: texts.length }, (_, i) => data.subarray(i * this.dim, (i + 1) * this.dim));
  }

  /** The paragraphs' terms, counted; batches are numbered on from those before (one build a worker). */
  async count(rows: RowText[]): Promise<CountedRows> {
    return ((await this.ask({ id: this.next++, rows })) as { counted: CountedRows }).counted;
  }

  private ask(request: EmbedRequest): Promise<EmbedReply> {
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => {
      this.waiting.set(request.id, { resolve, reject });
      this.worker.postMessage(request);
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
 * Runs `work` (a build of `paragraphs` paragraphs) with the cache's missing vectors embedded, and
 * the paragraphs' terms read (by the reader `work` is given), in a worker thread when the
 * embedder is the local one and there are at least `minParagraphs`.
 */
export async function withEmbeddingWorker<T>(
  embedder: CachedEmbedder,
  paragraphs: number,
  minParagraphs: number,
  work: (terms?: TermsReader) => Promise<T>,
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
  // After a failed batch the worker's term numbers are not the main thread's: it is not asked again.
  let counting = true;
  const terms: TermsReader = {
    count: async (rows) => {
      if (!counting) return null;
      try {
        const counted = await worker.count(rows);
        return counting ? counted : null;
      } catch (error) {
        if (counting) logger.warn('the embedding worker failed; reading terms on the main thread', { error });
        counting = false;
        return null;
      }
    },
  };
  try {
    return await work(terms);
  } finally {
    embedder.offload = null;
    await worker.close();
  }
}
