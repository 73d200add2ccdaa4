import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SanadError } from './errors.js';
import { CachedEmbedder, localEmbedder, type Embedder } from './index/embedder.js';
import { KnowledgeIndex } from './index/knowledge-index.js';
import { readSnapshot, snapshotFile, writeSnapshot } from './index/snapshot.js';
import { buildInWorker, canBuildInWorker } from './index/worker-build.js';
import {
  listKnowledgeFiles,
  loadKnowledge,
  readKnowledgeFile,
  reportSkipped,
  type KnowledgeReading,
  type SkippedFile,
} from './knowledge/load.js';
import type { KnowledgeDocument } from './knowledge/types.js';
import { silentLogger, type Logger } from './ports.js';

/**
 * Editors save a file in several writes (truncate, write, rename): the watcher waits this long
 * after the last change event, so one save is re-indexed once.
 */
const REFRESH_DEBOUNCE_MS = 300;
/**
 * How often the watched folder's own identity is checked. A watcher follows the folder it was
 * given, not its name: after `mv ks ks.old; mv ks.new ks` it would watch ks.old for ever.
 */
const WATCH_CHECK_MS = 2000;
/** After a change the snapshot is rewritten this much later (and on close), not at every save. */
const SNAPSHOT_DELAY_MS = 10_000;
/**
 * A refresh re-indexing at least this many paragraphs builds the whole new index in a worker
 * thread and swaps it in; a smaller one is applied in place, which takes a few milliseconds.
 */
const WORKER_MIN_PARAGRAPHS = 2000;

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
   * local embedder; another embedder indexes in place, in slices). Default 2000.
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
  private watcher: FSWatcher | null = null;
  /** dev:ino of the folder being watched, or null when it is gone. */
  private watched: string | null = null;
  private checker: NodeJS.Timeout | null = null;
  /** Where the index snapshot lives, and whether the index has changed since it was written. */
  private snapshotAt: string | null = null;
  private snapshotStale = false;
  private snapshotTimer: NodeJS.Timeout | null = null;
  /** A snapshot being written: the index must not change under it (it is written from views). */
  private saving: Promise<void> | null = null;
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
      await index.addDocuments(options.documents, options.onProgress);
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
        await index.addDocuments([...loaded.documents, ...extra], options.onProgress);
        base = new KnowledgeBase(index, embedder, dir, logger, loaded.skipped, reading);
        for (const doc of extra) base.external.add(doc.document);
        base.snapshotStale = true;
      }
      base.snapshotAt = at;
      await base.saveSnapshot();
    }
    await embedder.save();
    if (options.workerMinParagraphs !== undefined) base.workerMinParagraphs = options.workerMinParagraphs;
    if (options.watch && base.knowledgeDir) await base.startWatching(base.knowledgeDir, options.watchCheckMs ?? WATCH_CHECK_MS);
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
    // The texts indexed now (not those of files removed since) keep their cached vectors.
    embedder.retain(base.index.embeddingKeys());
    // A folder emptied since: the cold path says what is wrong with it.
    return base.index.documents.size > 0 ? base : null;
  }

  private async saveSnapshot(): Promise<void> {
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer);
    this.snapshotTimer = null;
    while (this.saving) await this.saving;
    if (!this.snapshotAt || !this.snapshotStale) return;
    this.snapshotStale = false;
    const file = this.snapshotAt;
    this.saving = writeSnapshot(file, this.embedder.id, this.index.exportState(), { fingerprints: [...(this.reading.fingerprints ?? [])] })
      .catch((error: unknown) => this.logger.warn('could not write the index snapshot; the next start re-indexes', { error, file }))
      .finally(() => (this.saving = null));
    await this.saving;
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
    const updates: KnowledgeDocument[] = [];
    for (const file of files) {
      const result = await readKnowledgeFile(dir, file, this.reading);
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
    if (updates.length > 0 || change.removed.length > 0) await this.replace(updates, change.removed);
    if (updates.length > 0) {
      // A file rewritten while it was being indexed is read again on the next change event.
      for (const doc of updates) {
        const again = await readKnowledgeFile(dir, doc.document, this.reading);
        if ('hash' in again && again.hash !== doc.hash) this.schedule();
      }
      await this.embedder.save();
    }
    for (const document of change.removed) this.reading.fingerprints?.delete(document);
    reportSkipped(this.logger, change.skipped, this.reading.reported);
    this.skipped = change.skipped;
    if (change.removed.length + change.changed.length > 0) this.embedder.forgetUnused();
    if (change.added.length + change.changed.length + change.removed.length > 0) {
      this.snapshotStale = true;
      if (this.snapshotAt && !this.snapshotTimer) {
        this.snapshotTimer = setTimeout(() => void this.saveSnapshot(), SNAPSHOT_DELAY_MS);
        this.snapshotTimer.unref();
      }
      this.logger.info('knowledge updated', { added: change.added, changed: change.changed, removed: change.removed });
      this.notify(change);
    }
    return change;
  }

  /**
   * Puts new versions of documents in the index and takes removed ones out, all at once: a
   * question asked meanwhile is answered from the last version, never from a mix. A large change
   * is built as a whole new index in a worker thread and swapped in; a small one is prepared
   * beside the serving index and applied in one step.
   */
  private async replace(updates: KnowledgeDocument[], removed: string[]): Promise<void> {
    const paragraphs = updates.reduce((n, doc) => n + doc.paragraphs.length, 0);
    if (paragraphs >= this.workerMinParagraphs && canBuildInWorker(this.embedder)) {
      const replaced = new Set([...removed, ...updates.map((doc) => doc.document)]);
      const kept = [...this.index.documents.values()].filter((doc) => !replaced.has(doc.document));
      try {
        const next = await buildInWorker([...kept, ...updates], this.embedder);
        while (this.saving) await this.saving;
        this.index = next;
        this.embedder.retain(next.embeddingKeys());
        this.logger.info('knowledge re-indexed in a worker thread', { documents: next.documents.size, paragraphs: next.size });
        return;
      } catch (error) {
        this.logger.warn('the index worker failed; re-indexing on the main thread', { error });
      }
    }
    const prepared = updates.length > 0 ? await this.index.prepare(updates, undefined, { terms: true }) : null;
    while (this.saving) await this.saving;
    this.index.removeDocuments(removed);
    if (prepared) this.index.apply(prepared);
  }

  private async startWatching(dir: string, checkMs: number): Promise<void> {
    this.attach(dir);
    this.watched = await folderIdentity(dir);
    this.checker = setInterval(() => void this.checkFolder(dir), checkMs);
    this.checker.unref();
  }

  private attach(dir: string): void {
    this.watcher?.close();
    this.watcher = null;
    try {
      this.watcher = watch(dir, { recursive: true }, () => this.schedule());
      this.watcher.on('error', (error) => this.logger.warn('knowledge watcher stopped', { error }));
    } catch (error) {
      this.logger.warn('cannot watch the knowledge folder; changes need a restart', { error, dir });
    }
  }

  /** Re-attaches the watcher when the folder was replaced (or came back), and re-reads it. */
  private async checkFolder(dir: string): Promise<void> {
    const now = await folderIdentity(dir);
    if (now === this.watched || !this.checker) return;
    const was = this.watched;
    this.watched = now;
    if (now === null) {
      this.logger.warn('the knowledge folder is gone; the last version keeps serving until it is back', { dir });
      return;
    }
    this.logger.info(
      was === null ? 'the knowledge folder is back; watching it again' : 'the knowledge folder was replaced; watching the new one',
      { dir },
    );
    this.attach(dir);
    this.schedule();
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
    this.watcher?.close();
    if (this.checker) clearInterval(this.checker);
    this.checker = null;
    await this.refreshing?.catch(() => undefined);
    await this.saveSnapshot();
    if (this.timer) clearTimeout(this.timer);
    await this.embedder.save();
  }
}

async function folderIdentity(dir: string): Promise<string | null> {
  try {
    const s = await stat(dir, { bigint: true });
    return s.isDirectory() ? `${s.dev}:${s.ino}` : null;
  } catch {
    return null;
  }
}
