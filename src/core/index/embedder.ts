import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { Logger } from '../ports.js';
import { silentLogger } from '../ports.js';
import { LocalHashEmbeddings, type LocalEmbeddingsOptions } from './local-embeddings.js';

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

/** The embedding cache is written in pieces of this size. */
const SAVE_BATCH_BYTES = 8 << 20;

/**
 * An on-disk cache in front of an embedder, keyed by embedder id and the sha256 of each text.
 * One binary file per embedder: a JSON header line of hashes, then the float32 vectors.
 */
export class CachedEmbedder implements Embedder {
  private cache = new Map<string, Float32Array>();
  /** Texts this process has asked for: what is saved, so vectors of removed text do not pile up. */
  private readonly used = new Set<string>();
  private loaded = false;
  private dirty = false;
  /** Set when texts left the index: the next save loads the cache to drop their vectors. */
  private pruneWanted = false;
  /** Requests that reached the underlying embedder: what a warm restart must keep at zero. */
  misses = 0;

  constructor(
    private readonly inner: Embedder,
    private readonly dir: string | null,
    private readonly logger: Logger = silentLogger,
  ) {}

  get id(): string {
    return this.inner.id;
  }

  get crossLingual(): boolean {
    return this.inner.crossLingual;
  }

  get localOptions(): LocalEmbeddingsOptions | undefined {
    return this.inner.localOptions;
  }

  private get file(): string | null {
    if (!this.dir) return null;
    const name = createHash('sha1').update(this.inner.id).digest('hex').slice(0, 16);
    return join(this.dir, `embeddings-${name}.bin`);
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const file = this.file;
    if (!file) return;
    try {
      const bytes = await readFile(file);
      const newline = bytes.indexOf(10);
      const header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as { id: string; dim: number; keys: string[] };
      if (header.id !== this.inner.id) return;
      const body = bytes.subarray(newline + 1);
      const floats = new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
      header.keys.forEach((key, i) => this.cache.set(key, floats.subarray(i * header.dim, (i + 1) * header.dim)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn('embedding cache unreadable; re-embedding', { error });
    }
  }

  /** Texts still indexed though not embedded by this process (an index restored from a snapshot). */
  retain(keys: Iterable<string>): void {
    for (const key of keys) this.used.add(key);
  }

  /** The next save drops the vectors of texts no longer used, even if nothing was embedded. */
  forgetUnused(): void {
    this.pruneWanted = true;
  }

  async save(): Promise<void> {
    const file = this.file;
    if (!file || !this.dir) return;
    if (this.pruneWanted) {
      await this.load();
      this.pruneWanted = false;
    }
    for (const key of this.cache.keys()) {
      if (this.used.has(key)) continue;
      this.cache.delete(key);
      this.dirty = true;
    }
    if (!this.dirty) return;
    const keys = [...this.cache.keys()];
    const dim = keys.length > 0 ? this.cache.get(keys[0]!)!.length : 0;
    const header = Buffer.from(JSON.stringify({ id: this.inner.id, dim, keys }) + '\n', 'utf8');
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      // Written a few thousand vectors at a time: at 100k paragraphs the whole body and a copy of
      // it beside the cache were 400 MB more at the peak of a cold start.
      const out = await open(tmp, 'w');
      try {
        await out.write(header);
        const rows = Math.max(1, Math.floor(SAVE_BATCH_BYTES / (4 * Math.max(1, dim))));
        const batch = new Float32Array(rows * dim);
        for (let at = 0; at < keys.length; at += rows) {
          const n = Math.min(rows, keys.length - at);
          for (let i = 0; i < n; i++) batch.set(this.cache.get(keys[at + i]!)!, i * dim);
          await out.write(new Uint8Array(batch.buffer, 0, n * dim * 4));
        }
      } finally {
        await out.close();
      }
      await rename(tmp, file);
      this.dirty = false;
    } catch (error) {
      this.logger.warn('could not write the embedding cache', { error });
    }
  }

  async embedDocuments(texts: string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]> {
    await this.load();
    const keys = texts.map(hashText);
    for (const key of keys) this.used.add(key);
    const missing = [
      ...new Set(
        keys
          .map((k, i) => (this.cache.has(k) ? -1 : i))
          .filter((i) => i >= 0)
          .map((i) => texts[i]!),
      ),
    ];
    if (missing.length > 0) {
      this.misses += missing.length;
      const vectors = await this.inner.embedDocuments(missing, onProgress);
      missing.forEach((text, i) => this.cache.set(hashText(text), vectors[i]!));
      this.dirty = true;
    } else onProgress?.(texts.length, texts.length);
    return keys.map((k) => this.cache.get(k)!);
  }

  embedQuery(text: string): Promise<Float32Array> {
    return this.inner.embedQuery(text);
  }
}

/** The embedding cache's key for a text (also kept in index snapshots). */
export function embeddingKey(text: string): string {
  return hashText(text);
}

function hashText(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
