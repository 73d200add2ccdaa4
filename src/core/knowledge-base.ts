import { resolve } from 'node:path';
import { SanadError } from './errors.js';
import { localEmbedder, type Embedder } from './index/embedder.js';
import { CachedEmbedder } from './index/embedding-cache.js';
import { paragraphCount } from './index/index-input.js';
import { KnowledgeIndex } from './index/knowledge-index.js';
import { readSnapshot, snapshotFile } from './index/snapshot.js';
import {
  listKnowledgeFiles,
  loadKnowledge,
  readKnowledgeFileUnparsed,
  reportSkipped,
  type KnowledgeReading,
  type SkippedFile,
} from './knowledge/load.js';
import type { KnowledgeDocument } from './knowledge/types.js';
import { reindex, WORKER_MIN_PARAGRAPHS } from './knowledge-reindex.js';
import type { Update } from './index/worker-build.js';
import { withEmbeddingWorker } from './index/worker-embedder.js';
import { FolderWatch, WATCH_CHECK_MS } from './knowledge-watch.js';
import { SnapshotWriter } from './knowledge-snapshot.js';
import { silentLogger, type Logger } from './ports.js';

/**
 * Editors save a file in several writes (truncate, write, rename): the watcher waits this long
 * after the last change event, so one save is re-indexed once.
 */
const REFRESH_DEBOUNCE_MS = 300;

export interface KnowledgeBaseOptions {
  /** The knowledge folder; ignored when `documents` is given. */
  knowledgeDir?: string;
  /** Documents already parsed (a QA set's own corpus). */
  documents?: KnowledgeDocument[];
  embedder?: Embedder;
  /** Folder for the embedding cache and the index snapshot; null for none. */
  cacheDir?: string | null;
  /**
   * Keep the built index in `cacheDir` and start from it (default true when there is a cacheDir);
   * 'rebuild' builds from the files and writes a fresh snapshot (`sanad index`).
   */
  snapshot?: boolean | 'rebuild';
  logger?: Logger;
  onProgress?: (done: number, total: number) => void;
  /** Re-index knowledge files when they change on disk. */
  watch?: boolean;
  /** How often a watched folder is checked for having been replaced (ms). */
  watchCheckMs?: number;
  /** Readers for formats beyond text and Markdown, file limits, per-file progress. */
  reading?: KnowledgeReading;
  /** Documents from outside the folder (articles of followed sources), indexed with it. */
  extraDocuments?: KnowledgeDocument[];
  /**
   * A refresh re-indexing at least this many paragraphs is built in a worker thread (with the
   * local embedder; another embedder indexes in place, in slices), and a cold build of as many
   * embeds in one while the main thread fills BM25. Default 2000.
   */
  workerMinParagraphs?: number;
}

export interface KnowledgeChange {
  added: string[];
  changed: string[];
  removed: string[];
  skipped: SkippedFile[];
}

/**
 * The knowledge as the assistant serves it: the documents read from the folder, their index and
 * the embedding cache, kept current while the bot runs (a changed file is re-indexed alone; a
 * broken edit is skipped and the last good version keeps serving).
 */
export class KnowledgeBase {
  private readonly listeners = new Set<(change: KnowledgeChange) => void>();
  private folder: FolderWatch | null = null;
  /** The index snapshot: where it lives, whether it is stale, a write in progress. */
  private readonly snapshot: SnapshotWriter;
  private refreshing: Promise<KnowledgeChange> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Documents put from outside the folder: a folder refresh leaves them alone. */
  private readonly external = new Set<string>();
  /** Index writes one after another: a refresh and a put never interleave. */
  private writing: Promise<unknown> = Promise.resolve();
  /** Unchanged files are not read again; a skipped file is reported once, not at every change. */
  private readonly reading: KnowledgeReading;
  private workerMinParagraphs = WORKER_MIN_PARAGRAPHS;

  private constructor(
    public index: KnowledgeIndex,
    readonly embedder: CachedEmbedder,
    private readonly knowledgeDir: string | undefined,
    private readonly logger: Logger,
    public skipped: SkippedFile[],
    reading: KnowledgeReading,
  ) {
    this.reading = { ...reading, known: (document) => this.index.documents.get(document) };
    this.snapshot = new SnapshotWriter(
      embedder.id,
      logger,
      () => this.index.snapshotState(),
      () => ({ fingerprints: [...(this.reading.fingerprints ?? [])] }),
    );
  }

  /**
   * Starts the fast search's preparation once the index serves (called when the assistant is
   * ready, and after each re-index), not at the first question. Not during the start: its
   * slices would share the event loop with the start's last steps and delay being ready.
   */
  prepareSearch(): void {
    this.index.prepareSearch().catch((error: unknown) => {
      this.logger.warn('the fast vector scan could not be prepared: searches scan the full vectors', { error: String(error) });
    });
  }

  static async open(options: KnowledgeBaseOptions): Promise<KnowledgeBase> {
    const logger = options.logger ?? silentLogger;
    const embedder = new CachedEmbedder(options.embedder ?? localEmbedder(), options.cacheDir ?? null, logger);
    const reading: KnowledgeReading = {
      ...options.reading,
      reported: options.reading?.reported ?? new Map<string, string>(),
      fingerprints: options.reading?.fingerprints ?? new Map(),
    };
    let base: KnowledgeBase;
    if (options.documents) {
      const index = new KnowledgeIndex(embedder);
      await index.build(options.documents, options.onProgress);
      base = new KnowledgeBase(index, embedder, undefined, logger, [], reading);
    } else {
      const dir = options.knowledgeDir;
      if (!dir) throw new SanadError('config', 'createAssistant needs knowledgeDir or documents.');
      const extra = options.extraDocuments ?? [];
      // Followed sources' articles come from outside the folder: such a start builds as before.
      const at =
        options.cacheDir && options.snapshot !== false && extra.length === 0
          ? snapshotFile(options.cacheDir, resolve(dir), embedder.id)
          : null;
      const restored = at && options.snapshot !== 'rebuild' ? await KnowledgeBase.restore(at, dir, embedder, logger, reading) : null;
      if (restored) base = restored;
      else {
        const loaded = await loadKnowledge(dir, logger, reading);
        const index = new KnowledgeIndex(embedder);
        // Extra documents are embedded before the cache is saved, so their vectors stay cached.
        const docs = [...loaded.documents, ...extra];
        // A large build embeds and reads terms in a worker thread while this one fills BM25: both cores work.
        const minParagraphs = options.workerMinParagraphs ?? WORKER_MIN_PARAGRAPHS;
        await withEmbeddingWorker(
          embedder,
          paragraphCount(docs),
          minParagraphs,
          (terms) => index.build(docs, options.onProgress, terms),
          logger,
        );
        base = new KnowledgeBase(index, embedder, dir, logger, loaded.skipped, reading);
        for (const doc of extra) base.external.add(doc.document);
        base.snapshot.stale = true;
      }
      base.snapshot.file = at;
      await base.snapshot.save();
    }
    await embedder.save();
    if (options.workerMinParagraphs !== undefined) base.workerMinParagraphs = options.workerMinParagraphs;
    if (options.watch && base.knowledgeDir) {
      const checkMs = options.watchCheckMs ?? WATCH_CHECK_MS;
      base.folder = await FolderWatch.start(base.knowledgeDir, { checkMs, logger, onChange: () => base.schedule() });
    }
    return base;
  }

  /**
   * The knowledge base as its snapshot left it, brought up to date with the folder (files that
   * changed since are re-indexed alone); null when there is no snapshot to trust.
   */
  private static async restore(
    file: string,
    dir: string,
    embedder: CachedEmbedder,
    logger: Logger,
    reading: KnowledgeReading,
  ): Promise<KnowledgeBase | null> {
    const read = await readSnapshot(file, embedder.id);
    if ('missing' in read) return null;
    if ('reason' in read) {
      logger.warn(`the index snapshot ${read.reason}; rebuilding it`, { file });
      return null;
    }
    let index: KnowledgeIndex;
    try {
      index = KnowledgeIndex.fromState(embedder, read.state);
    } catch (error) {
      logger.warn('the index snapshot is damaged; rebuilding it', { file, error });
      return null;
    }
    for (const [document, seen] of read.extras.fingerprints) reading.fingerprints?.set(document, seen);
    const base = new KnowledgeBase(index, embedder, dir, logger, [], reading);
    logger.info('index restored from its snapshot', { file, paragraphs: index.size, documents: index.documents.size });
    await base.doRefresh();
    // The texts indexed when the cache is next written (not those of files removed since) keep their cached vectors.
    embedder.retainWhenSaving(() => base.index.embeddingKeys());
    // A folder emptied since: the cold path says what is wrong with it.
    return base.index.documents.size > 0 ? base : null;
  }

  documents(collections?: string[]): KnowledgeDocument[] {
    const all = [...this.index.documents.values()];
    return collections ? all.filter((d) => collections.includes(d.collection)) : all;
  }

  onChange(listener: (change: KnowledgeChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the knowledge folder and re-indexes only what changed; concurrent calls share one run. */
  refresh(): Promise<KnowledgeChange> {
    this.refreshing ??= this.serially(() => this.doRefresh()).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /**
   * Indexes documents from outside the folder (articles of followed sources), or re-indexes
   * them when their hash changed; unchanged ones cost nothing. Listeners hear of it like a file change.
   */
  putDocuments(documents: KnowledgeDocument[]): Promise<KnowledgeChange> {
    return this.serially(async () => {
      const change: KnowledgeChange = { added: [], changed: [], removed: [], skipped: [] };
      const updates = documents.filter((doc) => {
        const known = this.index.documents.get(doc.document);
        if (known?.hash === doc.hash) return false;
        (known ? change.changed : change.added).push(doc.document);
        return true;
      });
      for (const doc of documents) this.external.add(doc.document);
      if (updates.length === 0) return change;
      await this.index.addDocuments(updates);
      await this.embedder.save();
      this.notify(change);
      return change;
    });
  }

  /** Removes documents put from outside the folder (an article past its source's `keep`). */
  removeDocuments(documents: string[]): Promise<KnowledgeChange> {
    return this.serially(async () => {
      const change: KnowledgeChange = { added: [], changed: [], removed: [], skipped: [] };
      for (const document of documents) {
        if (!this.external.delete(document) || !this.index.documents.has(document)) continue;
        this.index.removeDocument(document);
        change.removed.push(document);
      }
      if (change.removed.length > 0) this.notify(change);
      return change;
    });
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const next = this.writing.then(task, task);
    this.writing = next.catch(() => undefined);
    return next;
  }

  private notify(change: KnowledgeChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private async doRefresh(): Promise<KnowledgeChange> {
    const dir = this.knowledgeDir;
    const change: KnowledgeChange = { added: [], changed: [], removed: [], skipped: [] };
    if (!dir) return change;
    const files = await listKnowledgeFiles(dir);
    const current = new Set(files);
    for (const document of this.index.documents.keys())
      if (!current.has(document) && !this.external.has(document)) change.removed.push(document);
    const updates: Update[] = [];
    for (const file of files) {
      // A changed text file is parsed by the re-index (in its worker when it is large).
      const result = await readKnowledgeFileUnparsed(dir, file, this.reading);
      if ('reason' in result) {
        // The last good version keeps serving; a broken edit is reported (once), not indexed.
        change.skipped.push(result);
        continue;
      }
      const known = this.index.documents.get(file);
      if (known?.hash === result.hash) continue;
      updates.push(result);
      (known ? change.changed : change.added).push(file);
    }
    if (updates.length > 0 || change.removed.length > 0) {
      const deps = { embedder: this.embedder, logger: this.logger, snapshot: this.snapshot, workerMinParagraphs: this.workerMinParagraphs };
      this.index = await reindex(this.index, updates, change, deps);
      this.prepareSearch();
    }
    if (updates.length > 0) {
      // A file rewritten while it was being indexed is read again on the next change event.
      for (const doc of updates) {
        const again = await readKnowledgeFileUnparsed(dir, doc.document, this.reading);
        if ('hash' in again && again.hash !== doc.hash) this.schedule();
      }
      await this.embedder.save();
    }
    for (const document of change.removed) this.reading.fingerprints?.delete(document);
    reportSkipped(this.logger, change.skipped, this.reading.reported);
    this.skipped = change.skipped;
    if (change.removed.length + change.changed.length > 0) this.embedder.forgetUnused();
    if (change.added.length + change.changed.length + change.removed.length > 0) {
      this.snapshot.changed();
      this.logger.info('knowledge updated', { added: change.added, changed: change.changed, removed: change.removed });
      this.notify(change);
    }
    return change;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh().catch((error: unknown) => this.logger.warn('knowledge refresh failed', { error }));
    }, REFRESH_DEBOUNCE_MS);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.folder?.stop();
    await this.refreshing?.catch(() => undefined);
    await this.snapshot.save();
    if (this.timer) clearTimeout(this.timer);
    await this.embedder.close();
  }
}
