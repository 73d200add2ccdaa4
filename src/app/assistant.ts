import type { AppConfig } from '../config/env.js';
import { createAssistant, type SanadAssistant } from '../core/assistant.js';
import { langchainEmbedder, localEmbedder, type Embedder } from '../core/index/embedder.js';
import { effectiveAnswerMode } from '../core/llm/config.js';
import { defaultPromptsDir, loadPrompts } from '../core/llm/prompts.js';
import type { Logger } from '../core/ports.js';
import type { KnowledgeDocument } from '../core/knowledge/types.js';
import type { KnowledgeReading } from '../core/knowledge/load.js';
import { createReaders } from '../readers/index.js';
import { makeDirectory } from '../state/directory.js';
import { sharedEmbeddingCache, type EmbeddingCacheStore } from '../state/shared-embedder.js';
import { loadConfigFile } from '../config/file.js';
import { SourceStore } from '../sources/store.js';
import { storedDocuments } from '../sources/documents.js';

export interface BuildOptions {
  logger: Logger;
  onProgress?: (done: number, total: number) => void;
  watch?: boolean;
  /** A QA set's own documents instead of the knowledge folder. */
  documents?: KnowledgeDocument[];
  /** Run without the on-disk embedding cache (eval over a throwaway corpus). */
  noCache?: boolean;
  /** Called as each knowledge file is read (`sanad index` shows it). */
  onFile?: KnowledgeReading['onFile'];
  /** Model embeddings shared by replicas (PostgreSQL): a text is embedded once for all of them. */
  sharedEmbeddings?: EmbeddingCacheStore | null;
  /** Stored articles of followed sources, indexed with the folder. */
  extraDocuments?: KnowledgeDocument[];
  /** Index the articles already fetched for the config file's sources (ask, chat, index; never eval). */
  withSources?: boolean;
  /** Build from the files even when an index snapshot exists, and rewrite it (`sanad index`). */
  rebuild?: boolean;
}

/**
 * Builds the assistant the configuration asks for: local embeddings and extractive answers by
 * default; OpenAI-compatible embeddings and the LLM path when configured. Prompts are loaded and
 * checked here, at start, so a broken prompt file stops the bot before it answers anyone.
 */
export async function buildAssistant(config: AppConfig, options: BuildOptions): Promise<SanadAssistant> {
  const { logger } = options;
  const prompts = await loadPrompts(defaultPromptsDir());
  // The model clients load only when configured: offline start-up stays fast.
  let embedder: Embedder = localEmbedder();
  if (config.llm.embedder === 'openai') {
    const { createOpenAIEmbeddings } = await import('../openai/embeddings.js');
    const embeddings = createOpenAIEmbeddings(config.llm, { logger: logger.child('embeddings') });
    embedder = langchainEmbedder(embeddings.embedderId, embeddings);
    if (options.sharedEmbeddings) embedder = sharedEmbeddingCache(embedder, options.sharedEmbeddings, logger.child('embeddings'));
  }
  let llm = null;
  if (effectiveAnswerMode(config.llm) === 'llm') {
    const { createLlmAnswerer } = await import('../openai/answerer.js');
    llm = createLlmAnswerer(config.llm, { logger: logger.child('llm'), prompts });
  }
  const extraDocuments = options.extraDocuments ?? (options.withSources && !options.documents ? storedArticles(config, logger) : []);
  const cacheDir = options.noCache ? null : usableCacheDir(config.cacheDir, logger);
  // PDF, web pages, Word, EPUB and ODT are read in worker threads, off the event loop.
  const files = options.documents ? null : createReaders();
  const assistant = await createAssistant({
    knowledgeDir: config.knowledgeDir,
    documents: options.documents,
    embedder,
    llm,
    cacheDir,
    ...(options.rebuild ? { snapshot: 'rebuild' as const } : {}),
    logger,
    deadlineMs: config.llm.deadlineMs,
    onProgress: options.onProgress,
    watch: options.watch,
    ...(extraDocuments.length ? { extraDocuments } : {}),
    ...(files
      ? {
          reading: {
            readers: files.readers,
            maxFileBytes: config.files.maxFileBytes,
            maxPages: config.files.maxPages,
            onFile: options.onFile,
          },
        }
      : {}),
  }).catch(async (error: unknown) => {
    await files?.close();
    throw error;
  });
  if (!files) return assistant;
  // The reader threads end with the assistant.
  const closeAssistant = assistant.close.bind(assistant);
  return Object.assign(assistant, { close: async () => Promise.all([closeAssistant(), files.close()]).then(() => undefined) });
}

/** Articles fetched before for the config file's sources, from the data folder (nothing is fetched). */
function storedArticles(config: AppConfig, logger: Logger): KnowledgeDocument[] {
  let sources;
  try {
    sources = loadConfigFile(config.configFile ?? undefined, { knowledgeDir: config.knowledgeDir }).sources;
  } catch (error) {
    // A broken config file stops `sanad start` with its message; a question is still answered.
    logger.debug('config file not read for sources', { error });
    return [];
  }
  if (sources.length === 0) return [];
  return storedDocuments(new SourceStore(config.dataDir), sources);
}

/**
 * The embedding cache folder, created here once (one level at a time: a recursive mkdir under
 * /proc never returns); null, with a warning, when it cannot be made: sanad then indexes
 * without a cache rather than not at all.
 */
function usableCacheDir(dir: string, logger: Logger): string | null {
  try {
    makeDirectory(dir);
    return dir;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    logger.warn('the embedding cache folder cannot be created; indexing without a cache (set SANAD_DATA_DIR to a writable folder)', {
      folder: dir,
      code,
    });
    return null;
  }
}
