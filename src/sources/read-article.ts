import type { SourceConfig } from '../config/file.js';
import type { DocumentReader, DocumentStructure } from '../core/knowledge/reader.js';
import { fetchUrl, type FetchError, type FetchOptions, type FetchResult } from '../fetch/index.js';
import type { FeedItem } from './feed.js';
import { articleChars, describe, escapeHtml } from './items.js';
import type { HostLimiter } from './limiter.js';

/** Says who is asking, so a site can tell sanad's requests apart. */
export const SOURCES_USER_AGENT = 'sanad/0.1 (feed reader)';
/** The least text a feed's own copy of an item needs to be indexed when its page cannot be read. */
const MIN_FEED_ARTICLE_CHARS = 150;
const HTML = /^(text\/html|application\/xhtml\+xml)\b/i;

/** An article read into a document, at the address it was read from (after redirects). */
export type ReadArticle = { structure: DocumentStructure; url: string };
/** Why an item could not be read: `reason` for people, `cause` a code. */
export type ReadFailure = { reason: string; cause: string };

export interface ArticleReaderDeps {
  /** Reads an article's page (the HTML reader, in a worker thread in the app). */
  reader: DocumentReader;
  /** Holds each site to a few connections at once. */
  limiter: HostLimiter;
  /** Caps for each request (tests shorten them); the fetcher's defaults otherwise. */
  fetch?: Pick<FetchOptions, 'timeoutMs' | 'maxBytes' | 'maxRedirects'>;
}

/**
 * Fetches and reads what a source points at: the feed or watched page itself (`get`), and each
 * item's article, from its page or else from the text the feed carries.
 */
export class ArticleReader {
  constructor(private readonly deps: ArticleReaderDeps) {}

  /** The item's page, read; else the article the feed itself carries; else why not. */
  async readItem(source: SourceConfig, item: FeedItem): Promise<ReadArticle | ReadFailure> {
    let failure: ReadFailure | null = null;
    if (item.url) {
      try {
        const page = await this.get(source, item.url, {});
        const read = await this.readPage(page, source);
        if (!('reason' in read)) return read;
        failure = read;
      } catch (error) {
        failure = describe(error, source);
        // A link sanad must not follow is not replaced by the feed's copy: the item is refused.
        if ((error as FetchError).code === 'private_address') return failure;
      }
    }
    if (item.contentHtml) {
      const html = `<!doctype html><html><head><title>${escapeHtml(item.title ?? '')}</title></head><body><article>${item.contentHtml}</article></body></html>`;
      const structure = await this.deps.reader.read(new TextEncoder().encode(html), {
        name: item.url ?? source.url,
        ...(item.url ? { url: item.url } : {}),
        contentType: 'text/html; charset=utf-8',
      });
      // A teaser ("read more…") is not the article: only a feed that carries the text stands in for the page.
      if (articleChars(structure) >= MIN_FEED_ARTICLE_CHARS) return { structure, url: item.url ?? source.url };
    }
    return failure ?? { reason: 'has no link and no text', cause: 'empty' };
  }

  /** A fetched page read as an article, or why it is not one. */
  async readPage(page: FetchResult, source: SourceConfig): Promise<ReadArticle | ReadFailure> {
    if (!HTML.test(page.contentType))
      return { reason: `${page.url} is ${page.contentType.split(';')[0] || 'of no declared type'}, not a web page`, cause: 'not_html' };
    try {
      const structure = await this.deps.reader.read(page.bytes, { name: page.url, url: page.url, contentType: page.contentType });
      if (!structure.blocks.some((b) => b.kind !== 'heading')) return { reason: `${page.url} has no article text`, cause: 'no_article' };
      return { structure, url: page.url };
    } catch (error) {
      return describe(error, source);
    }
  }

  /** One request for `source`, under its private-address rule and the host limiter. */
  get(source: SourceConfig, url: string, extra: Pick<FetchOptions, 'etag' | 'lastModified' | 'accept'>): Promise<FetchResult> {
    const allowPrivate = Array.isArray(source.allowPrivate)
      ? (host: string) => (source.allowPrivate as string[]).includes(host)
      : source.allowPrivate;
    const options: FetchOptions = { ...this.deps.fetch, userAgent: SOURCES_USER_AGENT, allowPrivate };
    if (extra.etag) options.etag = extra.etag;
    if (extra.lastModified) options.lastModified = extra.lastModified;
    if (extra.accept) options.accept = extra.accept;
    return this.deps.limiter.run(url, () => fetchUrl(url, options));
  }
}
