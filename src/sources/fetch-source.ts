import type { SourceConfig } from '../config/file.js';
import type { DocumentReader } from '../core/knowledge/reader.js';
import { systemClock, type Clock } from '../core/ports.js';
import type { FetchError, FetchOptions, FetchResult } from '../fetch/index.js';
import { readFeed, type FeedItem } from './feed.js';
import { describe, documentId, hash, itemKey, textHash, withFeedMeta } from './items.js';
import { HostLimiter } from './limiter.js';
import { ArticleReader } from './read-article.js';
import type { ItemRecord, SourceStore, StoredArticle } from './store.js';

export { SOURCES_USER_AGENT } from './read-article.js';
/** An item whose page could not be read is tried again this many times, then left. */
const MAX_ATTEMPTS = 3;
const FEED_ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5';

export interface SourceFetcherDeps {
  store: SourceStore;
  /** Reads an article's page (the HTML reader, in a worker thread in the app). */
  reader: DocumentReader;
  clock?: Clock;
  limiter?: HostLimiter;
  /** Caps for each request (tests shorten them); the fetcher's defaults otherwise. */
  fetch?: Pick<FetchOptions, 'timeoutMs' | 'maxBytes' | 'maxRedirects'>;
}

/** What one run of a source did; `documents` changed are for the index. */
export interface SourceRun {
  source: string;
  status: 'ok' | 'not-modified' | 'failed';
  added: StoredArticle[];
  changed: StoredArticle[];
  unchanged: number;
  duplicates: number;
  /** Items that could not be read this time, each with why. */
  failed: { url: string | null; reason: string; cause: string }[];
  error?: FetchError | Error;
}

export type ItemProgress = (done: number, total: number, item: { url: string | null; outcome: string }) => void;

/**
 * Fetches one source: the feed (or the watched page) conditionally, then each new or edited
 * item's page, read into a document and stored. Items are deduplicated by guid, by address and
 * by the hash of their text; an edited item replaces its document, never adds a second one.
 */
export class SourceFetcher {
  private readonly clock: Clock;
  readonly limiter: HostLimiter;
  private readonly articles: ArticleReader;

  constructor(private readonly deps: SourceFetcherDeps) {
    this.clock = deps.clock ?? systemClock;
    this.limiter = deps.limiter ?? new HostLimiter();
    this.articles = new ArticleReader({ reader: deps.reader, limiter: this.limiter, ...(deps.fetch ? { fetch: deps.fetch } : {}) });
  }

  async run(source: SourceConfig, onItem?: ItemProgress): Promise<SourceRun> {
    const run: SourceRun = { source: source.url, status: 'ok', added: [], changed: [], unchanged: 0, duplicates: 0, failed: [] };
    const state = this.deps.store.source(source.url);
    const now = this.clock.now().toISOString();
    state.lastFetch = now;
    let response: FetchResult;
    try {
      response = await this.articles.get(source, source.url, {
        etag: state.etag,
        lastModified: state.lastModified,
        accept: source.kind === 'feed' ? FEED_ACCEPT : undefined,
      });
    } catch (error) {
      return this.fail(run, error as Error);
    }
    if (response.etag) state.etag = response.etag;
    if (response.lastModified) state.lastModified = response.lastModified;
    if (response.notModified) {
      run.status = 'not-modified';
      await this.retryFailed(source, run, onItem);
      return this.succeed(run, 'not-modified');
    }
    let items: FeedItem[];
    if (source.kind === 'page') {
      items = [
        {
          guid: source.url,
          url: response.url,
          title: null,
          author: null,
          published: null,
          updated: null,
          contentHtml: null,
          fingerprint: hash(response.bytes),
        },
      ];
    } else {
      try {
        const feed = readFeed(response.bytes, response.url, response.contentType);
        state.title = feed.title;
        items = feed.items;
      } catch (error) {
        // The validators belong to a body that was not a feed: do not send them again.
        delete state.etag;
        delete state.lastModified;
        return this.fail(run, Object.assign(new Error(`${source.url} ${(error as Error).message}`), { code: 'not_a_feed' }));
      }
    }
    await this.processAll(source, items, run, onItem, source.kind === 'page' ? response : null);
    await this.retryFailed(source, run, onItem);
    return this.succeed(run, 'ok');
  }

  private async processAll(
    source: SourceConfig,
    items: FeedItem[],
    run: SourceRun,
    onItem?: ItemProgress,
    page?: FetchResult | null,
  ): Promise<void> {
    let done = 0;
    const seen = new Set<string>();
    // Items are read a few at a time; the host limiter keeps each site at two connections.
    const queue = items.filter((item) => {
      const key = itemKey(source.url, item);
      if (!key || seen.has(key)) return false; // an item twice in one feed is one item
      seen.add(key);
      return true;
    });
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const outcome = await this.processItem(source, item, run, page ?? null);
        onItem?.(++done, seen.size, { url: item.url, outcome });
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
  }

  /** Items that failed before are tried again (a few times), even when the feed is unchanged. */
  private async retryFailed(source: SourceConfig, run: SourceRun, onItem?: ItemProgress): Promise<void> {
    if (source.kind !== 'feed') return;
    const again = this.deps.store
      .items(source.url)
      .filter((r) => r.status === 'failed' && r.attempts < MAX_ATTEMPTS && r.url && !run.failed.some((f) => f.url === r.url));
    for (const record of again) {
      const item: FeedItem = {
        guid: record.guid,
        url: record.url,
        title: record.title,
        author: null,
        published: record.published,
        updated: null,
        contentHtml: null,
        fingerprint: record.fingerprint,
      };
      const outcome = await this.processItem(source, item, run, null, true);
      onItem?.(0, 0, { url: item.url, outcome });
    }
  }

  private async processItem(
    source: SourceConfig,
    item: FeedItem,
    run: SourceRun,
    page: FetchResult | null,
    retry = false,
  ): Promise<string> {
    const store = this.deps.store;
    const key = itemKey(source.url, item)!;
    const known = store.item(key);
    if (
      known &&
      !retry &&
      (known.status !== 'failed' || known.attempts >= MAX_ATTEMPTS) &&
      (known.fingerprint === item.fingerprint || known.status === 'expired')
    ) {
      run.unchanged++;
      return 'unchanged';
    }
    const now = this.clock.now().toISOString();
    const record: ItemRecord = known
      ? {
          ...known,
          fingerprint: item.fingerprint,
          title: item.title ?? known.title,
          attempts: known.status === 'failed' ? known.attempts : 0,
        }
      : {
          key,
          source: source.url,
          guid: item.guid,
          url: item.url,
          title: item.title,
          fingerprint: item.fingerprint,
          contentHash: null,
          document: null,
          status: 'failed',
          published: item.published,
          firstSeen: now,
          fetchedAt: null,
          attempts: 0,
        };
    // An item already older than `keep` would leave the knowledge at once: it is not fetched.
    if (!known && item.published && this.clock.now().getTime() - Date.parse(item.published) > source.keepMs) {
      store.putItem({ ...record, status: 'expired' });
      run.unchanged++;
      return 'older than keep';
    }
    // The same article under a new guid: its address is already indexed.
    const sameUrl = !known && item.url ? store.itemByUrl(item.url) : undefined;
    if (sameUrl && sameUrl.key !== key) return this.duplicate(record, sameUrl, run);

    const read = page ? await this.articles.readPage(page, source) : await this.articles.readItem(source, item);
    record.fetchedAt = now;
    if ('reason' in read) {
      record.status = 'failed';
      // A link sanad must not follow stays refused: trying again would say the same.
      record.attempts = read.cause === 'private_address' ? MAX_ATTEMPTS : record.attempts + 1;
      record.error = read.reason;
      store.putItem(record);
      run.failed.push({ url: item.url, reason: read.reason, cause: read.cause });
      return `failed: ${read.reason}`;
    }
    // Checked again after the read, with no await until the item is stored: two items read at
    // once with the same address or text cannot both be indexed.
    const contentHash = textHash(read.structure);
    const sameText = store.itemByContent(contentHash) ?? store.itemByUrl(read.url) ?? (item.url ? store.itemByUrl(item.url) : undefined);
    if (sameText && sameText.key !== key) return this.duplicate(record, sameText, run);
    if (known?.status === 'indexed' && known.contentHash === contentHash) {
      store.putItem({ ...record, status: 'indexed', error: undefined });
      run.unchanged++;
      return 'unchanged';
    }
    const structure = withFeedMeta(read.structure, item, read.url);
    const article: StoredArticle = {
      document: known?.document ?? documentId(read.url, key),
      collection: source.collection,
      kind: source.kind,
      source: source.url,
      sourceName: source.name ?? store.source(source.url).title ?? new URL(source.url).host,
      url: read.url,
      hash: contentHash,
      published: item.published ?? known?.published ?? now,
      fetchedAt: now,
      structure,
    };
    store.putArticle(article);
    const wasIndexed = known?.status === 'indexed';
    store.putItem({
      ...record,
      url: read.url,
      status: 'indexed',
      contentHash,
      document: article.document,
      published: article.published,
      attempts: 0,
      error: undefined,
    });
    // A redirect's end is the item's address too: the same article under another link is a duplicate.
    if (item.url && item.url !== read.url) store.putItem({ ...store.item(key)!, url: read.url });
    (wasIndexed ? run.changed : run.added).push(article);
    return wasIndexed ? 'changed' : 'new';
  }

  private duplicate(record: ItemRecord, of: ItemRecord, run: SourceRun): string {
    this.deps.store.putItem({ ...record, status: 'duplicate', duplicateOf: of.key, document: null, error: undefined });
    run.duplicates++;
    return 'duplicate';
  }

  private succeed(run: SourceRun, status: 'ok' | 'not-modified'): SourceRun {
    const state = this.deps.store.source(run.source);
    Object.assign(state, { status, error: null, cause: null, failures: 0, lastSuccess: state.lastFetch });
    run.status = status;
    this.deps.store.save();
    return run;
  }

  private fail(run: SourceRun, error: Error): SourceRun {
    const state = this.deps.store.source(run.source);
    const { reason, cause } = describe(error);
    Object.assign(state, { status: 'failed', error: reason, cause, failures: state.failures + 1 });
    run.status = 'failed';
    run.error = error;
    this.deps.store.save();
    return run;
  }
}

export { describe };
