import { Embeddings, type EmbeddingsInterface } from '@langchain/core/embeddings';
import { OpenAIEmbeddings } from '@langchain/openai';
import { SanadError } from '../core/errors.js';
import { registerSecret, type Logger } from '../core/ports.js';
import { endpointLabel } from './client.js';
import { createSemaphore } from './concurrency.js';
import { hasModelServer, NO_KEY, type LlmConfig } from '../core/llm/config.js';
import { classifyError } from './errors.js';
import { withRetry } from './retry.js';

export interface EmbeddingProgress {
  done: number;
  total: number;
}

export interface OpenAIEmbeddingsOptions {
  logger: Logger;
  /** Called after each batch while documents are embedded (the indexer shows it). */
  onProgress?: (progress: EmbeddingProgress) => void;
  /** Texts per request. */
  batchSize?: number;
  /** Budget for one batch, retries included. */
  batchTimeoutMs?: number;
  /** Batches in flight at once. */
  concurrency?: number;
}

/** The batching defaults, merged once in the constructor. `concurrency` follows `maxConcurrency`. */
export const DefaultOpenAIEmbeddingsOptions = {
  // OpenAI accepts up to 2,048 inputs a request; 64 keeps one request's body small and a failed
  // batch cheap to retry.
  batchSize: 64,
  // A minute per batch, retries included: a cold local server (Ollama loading the model) is slow.
  batchTimeoutMs: 60_000,
} as const satisfies Required<Pick<OpenAIEmbeddingsOptions, 'batchSize' | 'batchTimeoutMs'>>;

/** A LangChain embedder with the id the indexer keys its on-disk cache by. */
export interface IdentifiedEmbeddings extends EmbeddingsInterface {
  /** `openai:<model>:<endpoint>`: changes when the model or server does, so vectors re-embed. */
  readonly embedderId: string;
}

/**
 * OpenAI-compatible embeddings (OpenAI, Ollama, vLLM, llama.cpp, LM Studio) through LangChain's
 * `OpenAIEmbeddings`, in batches, each with sanad's retry loop (Retry-After, backoff) and a
 * time budget. Vectors come back as float arrays (`encoding_format: float`), which every
 * compatible server speaks; the SDK's base64 default is not.
 */
class OpenAICompatibleEmbeddings extends Embeddings implements IdentifiedEmbeddings {
  readonly embedderId: string;
  private readonly inner: OpenAIEmbeddings;
  private readonly logger: Logger;
  private readonly batchSize: number;
  private readonly batchTimeoutMs: number;

  constructor(
    private readonly config: LlmConfig,
    private readonly options: OpenAIEmbeddingsOptions,
  ) {
    super({ maxRetries: 0 });
    this.logger = options.logger;
    this.batchSize = options.batchSize ?? DefaultOpenAIEmbeddingsOptions.batchSize;
    this.batchTimeoutMs = options.batchTimeoutMs ?? DefaultOpenAIEmbeddingsOptions.batchTimeoutMs;
    this.embedderId = `openai:${config.embeddingModel}:${endpointLabel(config)}`;
    registerSecret(config.apiKey);
    this.inner = new OpenAIEmbeddings({
      model: config.embeddingModel,
      apiKey: config.apiKey ?? NO_KEY,
      batchSize: this.batchSize,
      maxRetries: 0,
      timeout: this.batchTimeoutMs,
      encodingFormat: 'float',
      stripNewLines: false,
      configuration: { ...(config.baseURL ? { baseURL: config.baseURL } : {}), logLevel: 'off' },
    });
  }

  private async batch(texts: string[], what: string): Promise<number[][]> {
    const budget = this.batchTimeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), budget);
    try {
      const vectors = await withRetry(() => this.inner.embedDocuments(texts), {
        maxRetries: this.config.maxRetries,
        deadlineAt: Date.now() + budget,
        signal: controller.signal,
        logger: this.logger,
        what,
      });
      if (!Array.isArray(vectors) || vectors.length !== texts.length || vectors.some((v) => !Array.isArray(v) || v.length === 0)) {
        throw new SanadError(
          'embedding_malformed',
          `${what}: expected ${texts.length} vectors from ${this.embedderId}, got ${Array.isArray(vectors) ? vectors.length : typeof vectors}`,
        );
      }
      return vectors;
    } catch (error) {
      if (error instanceof SanadError && error.code === 'embedding_malformed') throw error;
      const classified = classifyError(error, controller.signal.aborted);
      if (classified.reason === 'malformed') {
        throw new SanadError(
          'embedding_malformed',
          `${what}: ${this.embedderId} sent a reply that is not a list of vectors: ${classified.message}`,
          { cause: error },
        );
      }
      throw new SanadError('embedding_failed', `${what} with ${this.embedderId} failed: ${classified.message}`, {
        hint: 'Check OPENAI_BASE_URL and SANAD_EMBEDDING_MODEL (for Ollama: `ollama pull` the model first), or set SANAD_EMBEDDER=local.',
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  override async embedDocuments(documents: string[]): Promise<number[][]> {
    const size = this.batchSize;
    const batches: string[][] = [];
    for (let i = 0; i < documents.length; i += size) batches.push(documents.slice(i, i + size));
    const out: number[][][] = new Array(batches.length);
    const semaphore = createSemaphore(Math.max(1, this.options.concurrency ?? Math.min(2, this.config.maxConcurrency)));
    let done = 0;
    await Promise.all(
      batches.map(async (texts, i) => {
        const release = await semaphore.acquire();
        try {
          out[i] = await this.batch(texts, `embedding batch ${i + 1}/${batches.length}`);
          done += texts.length;
          this.options.onProgress?.({ done, total: documents.length });
        } finally {
          release();
        }
      }),
    );
    const vectors = out.flat();
    const dims = new Set(vectors.map((v) => v.length));
    if (dims.size > 1)
      throw new SanadError('embedding_malformed', `${this.embedderId} returned vectors of different sizes: ${[...dims].join(', ')}`);
    return vectors;
  }

  override async embedQuery(document: string): Promise<number[]> {
    const [vector] = await this.batch([document], 'embedding the query');
    if (!vector) throw new SanadError('embedding_malformed', `${this.embedderId} returned no vector for the query`);
    return vector;
  }
}

/** The OpenAI-compatible embedder; throws SanadError('config_invalid') without key or base URL. */
export function createOpenAIEmbeddings(config: LlmConfig, options: OpenAIEmbeddingsOptions): IdentifiedEmbeddings {
  if (!hasModelServer(config)) {
    throw new SanadError('config_invalid', 'SANAD_EMBEDDER=openai needs OPENAI_API_KEY or OPENAI_BASE_URL', {
      hint: 'Set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server, or use SANAD_EMBEDDER=local.',
    });
  }
  return new OpenAICompatibleEmbeddings(config, options);
}
