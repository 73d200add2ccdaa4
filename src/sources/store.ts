import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocumentStructure } from '../core/knowledge/reader.js';

/**
 * Fetch state and fetched articles of followed sources, in `SANAD_DATA_DIR/sources/`: one
 * `state.json` (per source: validators, last fetch, status, failures, next run; per item: ids,
 * hashes, document) and one JSON file per article (the reader's structure, so a restart rebuilds
 * the document without fetching it, and its unchanged paragraphs hit the embedding cache).
 * Files are written whole and renamed, so a crash never leaves half a file.
 */

export interface SourceState {
  url: string;
  /** The feed's own title, when it has one. */
  title: string | null;
  etag?: string;
  lastModified?: string;
  /** ISO times. */
  lastFetch: string | null;
  lastSuccess: string | null;
  status: 'never' | 'ok' | 'not-modified' | 'failed';
  /** The last failure, as a sentence, and its cause (`http_status:500`, `timeout`…). */
  error: string | null;
  cause: string | null;
  /** Failures in a row: the backoff doubles with each. */
  failures: number;
  nextRun: string | null;
}

export interface ItemRecord {
  /** `source url` + newline + (guid, else url): the item's identity within its source. */
  key: string;
  source: string;
  guid: string | null;
  url: string | null;
  title: string | null;
  /** Hash of the feed's description of the item; a new one means the item was edited. */
  fingerprint: string;
  /** Hash of the article's text as read; the same text under another id is a duplicate. */
  contentHash: string | null;
  document: string | null;
  status: 'indexed' | 'duplicate' | 'failed' | 'expired';
  duplicateOf?: string;
  published: string | null;
  firstSeen: string;
  fetchedAt: string | null;
  attempts: number;
  error?: string;
}

/** One stored article: enough to rebuild its document. */
export interface StoredArticle {
  document: string;
  collection: string;
  kind: 'feed' | 'page';
  source: string;
  sourceName: string;
  url: string;
  /** Hash of the article's text: the document's hash, so an unchanged article is not re-indexed. */
  hash: string;
  published: string;
  fetchedAt: string;
  structure: DocumentStructure;
}

interface StateFile {
  version: 1;
  sources: Record<string, SourceState>;
  items: Record<string, ItemRecord>;
}

export function emptySourceState(url: string): SourceState {
  return { url, title: null, lastFetch: null, lastSuccess: null, status: 'never', error: null, cause: null, failures: 0, nextRun: null };
}

export class SourceStore {
  readonly dir: string;
  private readonly stateFile: string;
  private readonly articlesDir: string;
  private state: StateFile = { version: 1, sources: {}, items: {} };
  private byUrl = new Map<string, string>();
  private byContent = new Map<string, string>();
  private loadedMtime = 0;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'sources');
    this.stateFile = join(this.dir, 'state.json');
    this.articlesDir = join(this.dir, 'articles');
    this.load();
  }

  source(url: string): SourceState {
    return (this.state.sources[url] ??= emptySourceState(url));
  }

  sources(): SourceState[] {
    return Object.values(this.state.sources);
  }

  item(key: string): ItemRecord | undefined {
    return this.state.items[key];
  }

  items(source?: string): ItemRecord[] {
    const all = Object.values(this.state.items);
    return source ? all.filter((i) => i.source === source) : all;
  }

  /** The indexed item holding this address, if any (an item's URL or a redirect's end). */
  itemByUrl(url: string): ItemRecord | undefined {
    const key = this.byUrl.get(url);
    return key ? this.state.items[key] : undefined;
  }

  /** The indexed item whose article has this text, if any. */
  itemByContent(hash: string): ItemRecord | undefined {
    const key = this.byContent.get(hash);
    return key ? this.state.items[key] : undefined;
  }

  putItem(record: ItemRecord): void {
    const old = this.state.items[record.key];
    if (old) this.unindexItem(old);
    this.state.items[record.key] = record;
    this.indexItem(record);
  }

  deleteItem(key: string): void {
    const old = this.state.items[key];
    if (old) this.unindexItem(old);
    delete this.state.items[key];
  }

  /** Every stored article. */
  articles(): StoredArticle[] {
    let names: string[];
    try {
      names = readdirSync(this.articlesDir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    const out: StoredArticle[] = [];
    for (const name of names.sort()) {
      try {
        out.push(JSON.parse(readFileSync(join(this.articlesDir, name), 'utf8')) as StoredArticle);
      } catch {
        // A damaged file is one article lost, refetched when its item changes; never a crash.
      }
    }
    return out;
  }

  putArticle(article: StoredArticle): void {
    mkdirSync(this.articlesDir, { recursive: true });
    writeWhole(join(this.articlesDir, fileOf(article.document)), JSON.stringify(article));
  }

  deleteArticle(document: string): void {
    try {
      unlinkSync(join(this.articlesDir, fileOf(document)));
    } catch {
      // already gone
    }
  }

  /** Writes the state file (whole, then renamed). */
  save(): void {
    mkdirSync(this.dir, { recursive: true });
    writeWhole(this.stateFile, JSON.stringify(this.state));
    this.loadedMtime = mtime(this.stateFile);
  }

  /** Reads the state file again when another process (`sanad sources fetch`) wrote it; true if it did. */
  reloadIfChanged(): boolean {
    const now = mtime(this.stateFile);
    if (now === 0 || now === this.loadedMtime) return false;
    this.load();
    return true;
  }

  private load(): void {
    try {
      const data = JSON.parse(readFileSync(this.stateFile, 'utf8')) as StateFile;
      if (data.version === 1 && data.sources && data.items) this.state = data;
    } catch {
      // No state yet (or unreadable): start empty; sources are fetched again, conditionally.
    }
    this.loadedMtime = mtime(this.stateFile);
    this.byUrl = new Map();
    this.byContent = new Map();
    for (const record of Object.values(this.state.items)) this.indexItem(record);
  }

  private indexItem(record: ItemRecord): void {
    if (record.status !== 'indexed') return;
    if (record.url) this.byUrl.set(record.url, record.key);
    if (record.contentHash) this.byContent.set(record.contentHash, record.key);
  }

  private unindexItem(record: ItemRecord): void {
    if (record.url && this.byUrl.get(record.url) === record.key) this.byUrl.delete(record.url);
    if (record.contentHash && this.byContent.get(record.contentHash) === record.key) this.byContent.delete(record.contentHash);
  }
}

/** The article's file name: a hash of its document id (ids hold `/` and any script). */
function fileOf(document: string): string {
  return `${createHash('sha256').update(document).digest('hex').slice(0, 24)}.json`;
}

function writeWhole(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
