import { createHash } from 'node:crypto';
import type { SourceConfig } from '../config/file.js';
import type { DocumentStructure } from '../core/knowledge/reader.js';
import type { FetchError } from '../fetch/index.js';
import type { FeedItem } from './feed.js';

/** Pure helpers of the source fetcher: identities, hashes, metadata, failure sentences. */

/** A failure as a sentence and a cause key (the same cause is logged once). */
export function describe(error: unknown, source?: SourceConfig): { reason: string; cause: string } {
  const e = error as FetchError & { code?: string };
  const cause = e.code === 'http_status' ? `http_status:${e.status}` : (e.code ?? 'error');
  let reason = e.message ?? String(error);
  if (e.code === 'private_address')
    reason = `${reason} Add its host to allowPrivate of the source${source ? ` ${source.url}` : ''} to allow it.`;
  return { reason: reason.replace(/ Set SANAD_ALLOW_PRIVATE_URLS.*$/, ''), cause };
}

export function itemKey(source: string, item: FeedItem): string | null {
  const id = item.guid ?? item.url ?? (item.title ? `title:${item.title}` : null);
  return id ? `${source}\n${id}` : null;
}

/** `sources/<host>/<slug>-<hash>`: readable in logs, unique per item, never a knowledge file's path. */
export function documentId(url: string, key: string): string {
  const u = new URL(url);
  const slug = decodeSafe(u.pathname)
    .toLowerCase()
    .replace(/\.(html?|php|aspx?)$/, '')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  const id = createHash('sha256').update(key).digest('hex').slice(0, 8);
  return `sources/${u.host}/${slug ? `${slug}-` : ''}${id}`;
}

/** The feed's title, date and author fill what the page itself does not say. */
export function withFeedMeta(structure: DocumentStructure, item: FeedItem, url: string): DocumentStructure {
  return {
    ...structure,
    title: structure.title ?? item.title,
    author: structure.author ?? item.author,
    date: structure.date ?? item.published?.slice(0, 10) ?? null,
    url,
  };
}

/** Hash of the article's text (its blocks), not of the page: new ads or a new date stamp are no change. */
export function textHash(structure: DocumentStructure): string {
  return createHash('sha256').update(JSON.stringify(structure.blocks)).digest('hex');
}

export function articleChars(structure: DocumentStructure): number {
  let n = 0;
  for (const b of structure.blocks)
    n +=
      b.kind === 'list'
        ? b.items.join(' ').length
        : b.kind === 'table'
          ? b.rows.flat().join(' ').length
          : b.kind === 'heading'
            ? 0
            : b.text.length;
  return n;
}

export function hash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 32);
}

function decodeSafe(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
