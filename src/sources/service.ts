import type { SourceConfig } from '../config/file.js';
import type { KnowledgeDocument } from '../core/knowledge/types.js';
import { systemClock, type Clock, type Logger } from '../core/ports.js';
import { articleDocument, storedDocuments } from './documents.js';
import { describe, type ItemProgress, type SourceFetcher, type SourceRun } from './fetch-source.js';
import type { SourceState, SourceStore } from './store.js';

/** How often due sources are looked for. */
export const TICK_MS = 30_000;
/** The longest a failing source waits between tries (unless its own `every` is longer). */
const MAX_BACKOFF_MS = 24 * 3_600_000;

/** Where fetched articles go: the knowledge base, which indexes and serves them like files. */
export interface ArticleSink {
  putDocuments(documents: KnowledgeDocument[]): Promise<unknown>;
  removeDocuments(documents: string[]): Promise<unknown>;
}

export interface SourceServiceDeps {
  sources: SourceConfig[];
  store: SourceStore;
  fetcher: SourceFetcher;
  sink?: ArticleSink;
  logger: Logger;
  clock?: Clock;
}

/** One source as `sanad sources` lists it. */
export interface SourceStatus {
  url: string;
  kind: 'feed' | 'page';
  name: string;
  collection: string;
  state: SourceState;
  /** Articles indexed now. */
  items: number;
  failedItems: number;
  nextRun: Date;
}

/**
 * Follows the configured sources: runs each when due (`every`, or later after failures: the
 * wait doubles with each failure in a row, and is never shorter than the server's Retry-After),
 * hands new and edited articles to the knowledge base, drops articles older than `keep`, and
 * logs a failing source once per cause, not at every tick.
 */
export class SourceService {
  private readonly clock: Clock;
  private readonly running = new Map<string, Promise<SourceRun>>();
  private readonly logged = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;

  constructor(private readonly deps: SourceServiceDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  /** Stored articles of the configured sources: indexed at start without fetching anything. */
  documents(): KnowledgeDocument[] {
    return storedDocuments(this.deps.store, this.deps.sources);
  }

  start(): void {
    const loop = () => {
      this.ticking = this.tick().catch((error: unknown) => this.deps.logger.warn('sources check failed', { error }));
      void this.ticking.finally(() => {
        if (this.timer !== null) this.timer = setTimeout(loop, TICK_MS).unref();
      });
    };
    this.timer = setTimeout(loop, 0).unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking;
    await Promise.allSettled(this.running.values());
  }

  /** Runs every source that is due, drops expired articles, and picks up another process's fetches. */
  async tick(): Promise<void> {
    if (this.deps.store.reloadIfChanged()) await this.resync();
    const now = this.clock.now();
    const due = this.deps.sources.filter((s) => this.nextRun(s) <= now);
    await Promise.all(due.map((s) => this.fetch(s)));
    await this.expire();
  }

  /** Fetches now (all sources, or the one with this address), reporting each item. */
  async fetchNow(url?: string, onItem?: (source: SourceConfig, ...rest: Parameters<ItemProgress>) => void): Promise<SourceRun[]> {
    const chosen = url ? this.deps.sources.filter((s) => s.url === url || s.url === safeHref(url)) : this.deps.sources;
    const runs = await Promise.all(chosen.map((s) => this.fetch(s, onItem ? (...rest) => onItem(s, ...rest) : undefined)));
    await this.expire();
    return runs;
  }

  /** One run of a source; a second call while it runs shares the first. */
  fetch(source: SourceConfig, onItem?: ItemProgress): Promise<SourceRun> {
    const current = this.running.get(source.url);
    if (current) return current;
    const run = this.runOnce(source, onItem).finally(() => this.running.delete(source.url));
    this.running.set(source.url, run);
    return run;
  }

  status(): SourceStatus[] {
    const items = this.deps.store.items();
    return this.deps.sources.map((s) => {
      const state = this.deps.store.source(s.url);
      const mine = items.filter((i) => i.source === s.url);
      return {
        url: s.url,
        kind: s.kind,
        name: s.name ?? state.title ?? new URL(s.url).host,
        collection: s.collection,
        state,
        items: mine.filter((i) => i.status === 'indexed').length,
        failedItems: mine.filter((i) => i.status === 'failed').length,
        nextRun: this.nextRun(s),
      };
    });
  }

  /** When the source is due: never fetched → now; else its schedule, or its backoff after failures. */
  nextRun(source: SourceConfig): Date {
    const state = this.deps.store.source(source.url);
    return state.nextRun ? new Date(state.nextRun) : new Date(0);
  }

  private async runOnce(source: SourceConfig, onItem?: ItemProgress): Promise<SourceRun> {
    const run = await this.deps.fetcher.run(source, onItem);
    const state = this.deps.store.source(source.url);
    const now = this.clock.now().getTime();
    let wait = source.everyMs;
    if (run.status === 'failed') {
      const retryAfter = (run.error as { retryAfterMs?: number } | undefined)?.retryAfterMs ?? 0;
      wait = Math.max(retryAfter, Math.min(source.everyMs * 2 ** (state.failures - 1), Math.max(source.everyMs, MAX_BACKOFF_MS)));
    }
    state.nextRun = new Date(now + wait).toISOString();
    this.deps.store.save();
    this.report(source, run, state);
    const changed = [...run.added, ...run.changed];
    if (changed.length > 0) await this.deps.sink?.putDocuments(changed.map(articleDocument));
    return run;
  }

  /** Says what changed; a failure is said once per cause (and again when the cause changes). */
  private report(source: SourceConfig, run: SourceRun, state: SourceState): void {
    const log = this.deps.logger;
    const key = source.url;
    if (run.status === 'failed') {
      const cause = state.cause ?? 'error';
      if (this.logged.get(key) !== cause) {
        this.logged.set(key, cause);
        log.warn(`source ${source.url} failed: ${state.error}; trying again at ${state.nextRun} (failures in a row: ${state.failures})`);
      }
      return;
    }
    if (this.logged.delete(key)) log.info(`source ${source.url} works again`);
    if (run.added.length + run.changed.length > 0) {
      log.info(
        `source ${source.url}: ${run.added.length} new, ${run.changed.length} changed, ${run.duplicates} duplicate, ${run.failed.length} not read`,
      );
    }
    for (const f of run.failed) {
      const itemKey = `${key}\n${f.url}`;
      if (this.logged.get(itemKey) === f.cause) continue;
      this.logged.set(itemKey, f.cause);
      log.warn(`source ${source.url}: item ${f.url ?? '(no link)'} not read: ${f.reason}`);
    }
  }

  /** Articles older than their source's `keep` leave the knowledge (their record stays, so they are not fetched again). */
  async expire(): Promise<string[]> {
    const now = this.clock.now().getTime();
    const keep = new Map(this.deps.sources.map((s) => [s.url, s.keepMs]));
    const gone: string[] = [];
    for (const item of this.deps.store.items()) {
      const limit = keep.get(item.source);
      if (limit === undefined || item.status !== 'indexed' || !item.document) continue;
      const time = Date.parse(item.published ?? item.firstSeen);
      if (now - time <= limit) continue;
      this.deps.store.deleteArticle(item.document);
      this.deps.store.putItem({ ...item, status: 'expired' });
      gone.push(item.document);
    }
    // Records of expired items are forgotten once they are far older than `keep`.
    for (const item of this.deps.store.items()) {
      const limit = keep.get(item.source) ?? 0;
      if (item.status !== 'indexed' && now - Date.parse(item.published ?? item.firstSeen) > 2 * limit + 86_400_000)
        this.deps.store.deleteItem(item.key);
    }
    if (gone.length > 0) {
      this.deps.store.save();
      await this.deps.sink?.removeDocuments(gone);
      this.deps.logger.info(`${gone.length} article${gone.length === 1 ? '' : 's'} older than their source's keep left the knowledge`);
    }
    return gone;
  }

  /** After another process fetched: every stored article goes to the index (unchanged ones are no-ops). */
  private async resync(): Promise<void> {
    await this.deps.sink?.putDocuments(this.documents());
  }
}

function safeHref(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

export { describe };
