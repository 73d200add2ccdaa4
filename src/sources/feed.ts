import { createHash } from 'node:crypto';
import { parseFeed } from 'feedsmith';

/** One entry of a feed, the same for RSS 2.0, RSS 1.0 (RDF), Atom 1.0 and JSON Feed. */
export interface FeedItem {
  /** The feed's own id for it (RSS guid, Atom id, JSON Feed id); null when it gives none. */
  guid: string | null;
  /** The article's address, resolved against the feed's; null when it has none. */
  url: string | null;
  title: string | null;
  author: string | null;
  /** ISO timestamp; null when absent or not a date (a malformed date is not fatal). */
  published: string | null;
  updated: string | null;
  /** The article as the feed carries it (HTML), when it does: used when the page cannot be. */
  contentHtml: string | null;
  /** Hash of what the feed says of the item: a change means the item was edited. */
  fingerprint: string;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf' | 'json';
  title: string | null;
  items: FeedItem[];
}

/** A body that is not a feed sanad reads, with what it looked like. */
export class NotAFeedError extends Error {
  readonly code = 'not_a_feed';
  constructor(message: string) {
    super(message);
    this.name = 'NotAFeedError';
  }
}

/** Reads a feed's bytes: RSS, Atom, RDF or JSON Feed, in any language. */
export function readFeed(bytes: Uint8Array, baseUrl: string, contentType = ''): ParsedFeed {
  const text = decode(bytes, contentType);
  let parsed: ReturnType<typeof parseFeed>;
  try {
    parsed = parseFeed(text.trimStart().startsWith('{') ? JSON.parse(text) : text);
  } catch (error) {
    const kind = contentType.split(';')[0]?.trim() || 'of no declared type';
    const looks = /^\s*<(!doctype\s+html|html)/i.test(text) ? 'an HTML page' : `a body ${kind}`;
    throw new NotAFeedError(`is ${looks}, not an RSS, Atom or JSON feed (${error instanceof Error ? error.message : String(error)})`);
  }
  const base = safeUrl(baseUrl);
  switch (parsed.format) {
    case 'rss':
    case 'rdf': {
      const feed = parsed.feed as { title?: string; items?: RssLike[] };
      return { format: parsed.format, title: clean(feed.title), items: (feed.items ?? []).map((i) => rssItem(i, base)) };
    }
    case 'atom': {
      const feed = parsed.feed as { title?: TextLike; entries?: AtomLike[] };
      return { format: 'atom', title: clean(textOf(feed.title)), items: (feed.entries ?? []).map((e) => atomItem(e, base)) };
    }
    case 'json': {
      const feed = parsed.feed as { title?: string; items?: JsonLike[] };
      return { format: 'json', title: clean(feed.title), items: (feed.items ?? []).map((i) => jsonItem(i, base)) };
    }
  }
}

type TextLike = string | { value?: string } | undefined;
interface RssLike {
  title?: string;
  link?: string;
  guid?: { value?: string } | string;
  pubDate?: string;
  description?: string;
  authors?: string[];
  dc?: { creators?: string[]; creator?: string; date?: string; dates?: string[] };
  content?: { encoded?: string };
  atom?: { links?: { href?: string }[] };
}
interface AtomLike {
  id?: string;
  title?: TextLike;
  links?: { href?: string; rel?: string }[];
  published?: string;
  updated?: string;
  authors?: { name?: string }[];
  summary?: TextLike;
  content?: TextLike;
}
interface JsonLike {
  id?: string;
  url?: string;
  external_url?: string;
  title?: string;
  content_html?: string;
  content_text?: string;
  summary?: string;
  date_published?: string;
  date_modified?: string;
  authors?: { name?: string }[];
  author?: { name?: string };
}

function rssItem(item: RssLike, base: URL | null): FeedItem {
  const guid = typeof item.guid === 'string' ? item.guid : item.guid?.value;
  const content = item.content?.encoded ?? item.description ?? null;
  return finish({
    guid: clean(guid),
    url: link(item.link ?? item.atom?.links?.[0]?.href, base),
    title: clean(item.title),
    author: clean(item.authors?.[0] ?? item.dc?.creators?.[0] ?? item.dc?.creator),
    published: isoDate(item.pubDate ?? item.dc?.date ?? item.dc?.dates?.[0]),
    updated: null,
    contentHtml: content,
  });
}

function atomItem(entry: AtomLike, base: URL | null): FeedItem {
  const alternate = entry.links?.find((l) => !l.rel || l.rel === 'alternate') ?? entry.links?.[0];
  return finish({
    guid: clean(entry.id),
    url: link(alternate?.href, base),
    title: clean(textOf(entry.title)),
    author: clean(entry.authors?.[0]?.name),
    published: isoDate(entry.published ?? entry.updated),
    updated: isoDate(entry.updated),
    contentHtml: textOf(entry.content) ?? textOf(entry.summary) ?? null,
  });
}

function jsonItem(item: JsonLike, base: URL | null): FeedItem {
  const text = item.content_text ? `<p>${escapeHtml(item.content_text).replace(/\n{2,}/g, '</p><p>')}</p>` : null;
  return finish({
    guid: clean(item.id),
    url: link(item.url ?? item.external_url, base),
    title: clean(item.title),
    author: clean(item.authors?.[0]?.name ?? item.author?.name),
    published: isoDate(item.date_published),
    updated: isoDate(item.date_modified),
    contentHtml: item.content_html ?? text ?? item.summary ?? null,
  });
}

function finish(item: Omit<FeedItem, 'fingerprint'>): FeedItem {
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([item.title, item.url, item.updated, item.contentHtml]))
    .digest('hex')
    .slice(0, 32);
  return { ...item, fingerprint };
}

function textOf(value: TextLike): string | undefined {
  return typeof value === 'string' ? value : value?.value;
}

function clean(value: string | undefined | null): string | null {
  const text = value?.replace(/\s+/g, ' ').trim();
  return text ? text : null;
}

function link(href: string | undefined, base: URL | null): string | null {
  const value = href?.trim();
  if (!value) return null;
  try {
    return new URL(value, base ?? undefined).href;
  } catch {
    return null;
  }
}

function safeUrl(address: string): URL | null {
  try {
    return new URL(address);
  } catch {
    return null;
  }
}

/** RFC 822 or ISO 8601 → ISO; anything else → null rather than a wrong date. */
export function isoDate(value: string | undefined | null): string | null {
  if (!value) return null;
  const time = Date.parse(value.trim());
  if (Number.isNaN(time)) return null;
  const year = new Date(time).getUTCFullYear();
  return year >= 1990 && year <= 2200 ? new Date(time).toISOString() : null;
}

function decode(bytes: Uint8Array, contentType: string): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType)?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
