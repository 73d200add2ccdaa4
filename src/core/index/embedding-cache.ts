import { createHash } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from '../ports.js';
import { silentLogger } from '../ports.js';
import type { Embedder } from './embedder.js';
import type { LocalEmbeddingsOptions } from './local-embeddings.js';
import { COPY_BYTES, copyRows, readHeader, readRows, type VectorFile } from './vector-file.js';

/**
 * An on-disk cache in front of an embedder, keyed by embedder id and the sha256 of each text.
 * One binary file per embedder: a JSON header line of hashes, then the float32 vectors.
 *
 * The vectors stay on disk: the cache holds where each one is, and reads those a call asks for.
 * Vectors embedded by this process are appended to a scratch file beside the cache and merged
 * into it by `save`. At 100k paragraphs, holding them in memory as well as in the index was
 * 150 MB more at the peak of a cold build. Without a folder they are held in memory.
 */
export class CachedEmbedder implements Embedder {
  private stored: VectorFile | null = null;
  /** Vectors embedded by this process, not yet merged into the cache file. */
  private fresh: VectorFile | null = null;
  /** Where there is no scratch file (no cache folder, or it cannot be written). */
  private readonly held = new Map<string, Float32Array>();
  /** Texts this process has asked for: what is saved, so vectors of removed text do not pile up. */
  private readonly used = new Set<string>();
  private readonly retainedLater: (() => Iterable<string>)[] = [];
  private loaded = false;
  /** Set when texts left the index: the next save drops their vectors. */
  private pruneWanted = false;
  /** Loading, embedding and saving one at a time: a save swaps the files a read would use. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Requests that reached the underlying embedder: what a warm restart must keep at zero. */
  misses = 0;
  /** Embeds missing vectors elsewhere when set (a worker thread during a cold build); null: do it here. */
  offload: ((texts: string[], onProgress?: (done: number, total: number) => void) => Promise<Float32Array[] | null>) | null = null;

  constructor(
    private readonly inner: Embedder,
    private readonly dir: string | null,
    private readonly logger: Logger = silentLogger,
  ) {}

  get id(): string {
    return this.inner.id;
  }

  get crossLingual(): boolean {
    return this.inner.crossLingual;
  }

  get localOptions(): LocalEmbeddingsOptions | undefined {
    return this.inner.localOptions;
  }

  private get file(): string | null {
    if (!this.dir) return null;
    const name = createHash('sha1').update(this.inner.id).digest('hex').slice(0, 16);
    return join(this.dir, `embeddings-${name}.bin`);
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Reads the cache file's header: which texts it holds, and where. */
  private async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const file = this.file;
    if (!file) return;
    let handle: FileHandle | null = null;
    try {
      handle = await open(file, 'r');
      const header = await readHeader(handle);
      if (!header || header.id !== this.inner.id) return void (await handle.close());
      const rows = new Map<string, number>();
      header.keys.forEach((key, i) => rows.set(key, i));
      this.stored = { handle, path: file, dim: header.dim, bodyAt: header.bodyAt, rows };
    } catch (error) {
      await handle?.close().catch(() => undefined);
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') this.logger.warn('embedding cache unreadable; re-embedding', { error });
    }
  }

  /** Texts still indexed though not embedded by this process (an index restored from a snapshot). */
  retain(keys: Iterable<string>): void {
    for (const key of keys) this.used.add(key);
  }

  /**
   * `retain`, with the keys gathered only when a save writes. A restart from the snapshot indexes
   * a million texts at 1M paragraphs: seconds to gather for a save that has nothing to write.
   */
  retainWhenSaving(keys: () => Iterable<string>): void {
    this.retainedLater.push(keys);
  }

  /** The next save drops the vectors of texts no longer used, even if nothing was embedded. */
  forgetUnused(): void {
    this.pruneWanted = true;
  }

  embedDocuments(texts: string[], onProgress?: (done: number, total: number) => void): Promise<Float32Array[]> {
    return this.exclusive(async () => {
      await this.load();
      const keys = texts.map(hashText);
      for (const key of keys) this.used.add(key);
      const out = new Array<Float32Array>(texts.length);
      const wanted = new Map<string, number>();
      keys.forEach((key, i) => {
        if (!this.has(key) && !wanted.has(key)) wanted.set(key, i);
      });
      if (wanted.size > 0) {
        const missing = [...wanted.values()].map((i) => texts[i]!);
        this.misses += missing.length;
        const vectors = (await this.offload?.(missing, onProgress)) ?? (await this.inner.embedDocuments(missing, onProgress));
        const made = new Map([...wanted.keys()].map((key, i) => [key, vectors[i]!]));
        await this.keep(made);
        keys.forEach((key, i) => {
          const vector = made.get(key);
          if (vector) out[i] = vector;
        });
      } else onProgress?.(texts.length, texts.length);
      await this.readInto(keys, out);
      return out;
    });
  }

  embedQuery(text: string): Promise<Float32Array> {
    return this.inner.embedQuery(text);
  }

  private has(key: string): boolean {
    return this.held.has(key) || !!this.fresh?.rows.has(key) || !!this.stored?.rows.has(key);
  }

  /** New vectors go to the scratch file (or stay in memory when there is none). */
  private async keep(made: Map<string, Float32Array>): Promise<void> {
    const first = made.values().next().value;
    if (!first) return;
    const fresh = await this.scratch(first.length);
    if (!fresh) {
      for (const [key, vector] of made) this.held.set(key, vector);
      return;
    }
    const batch = new Float32Array(made.size * fresh.dim);
    const keys: string[] = [];
    for (const [key, vector] of made) {
      batch.set(vector, keys.length * fresh.dim);
      keys.push(key);
    }
    await fresh.handle.write(new Uint8Array(batch.buffer), 0, batch.byteLength, fresh.rows.size * fresh.dim * 4);
    for (const key of keys) fresh.rows.set(key, fresh.rows.size);
  }

  private async scratch(dim: number): Promise<VectorFile | null> {
    if (this.fresh) return this.fresh.dim === dim ? this.fresh : null;
    const file = this.file;
    if (!file || !this.dir) return null;
    const path = `${file}.${process.pid}.new`;
    try {
      await mkdir(this.dir, { recursive: true });
      await removeLeftScratch(this.dir, basename(file));
      this.fresh = { handle: await open(path, 'w+'), path, dim, bodyAt: 0, rows: new Map() };
      return this.fresh;
    } catch (error) {
      this.logger.warn('cannot write beside the embedding cache; new vectors are held in memory', { error, path });
      return null;
    }
  }

  /** Fills the unset entries of `out` from memory or disk, reading runs of neighbouring rows at once. */
  private async readInto(keys: string[], out: Float32Array[]): Promise<void> {
    const wanted: { from: VectorFile; row: number; at: number }[] = [];
    keys.forEach((key, at) => {
      if (out[at]) return;
      const vector = this.held.get(key);
      if (vector) return void (out[at] = vector);
      const fresh = this.fresh?.rows.get(key);
      if (fresh !== undefined) wanted.push({ from: this.fresh!, row: fresh, at });
      else wanted.push({ from: this.stored!, row: this.stored!.rows.get(key)!, at });
    });
    wanted.sort((a, b) => (a.from === b.from ? a.row - b.row : a.from === this.stored ? -1 : 1));
    for (let i = 0; i < wanted.length;) {
      const { from, row } = wanted[i]!;
      let end = i + 1;
      const limit = Math.max(1, Math.floor(COPY_BYTES / (from.dim * 4)));
      // Neighbouring rows (or the same row asked twice) are read in one go.
      while (
        end < wanted.length &&
        wanted[end]!.from === from &&
        wanted[end]!.row - wanted[end - 1]!.row <= 1 &&
        wanted[end]!.row - row < limit
      )
        end++;
      const rows = wanted[end - 1]!.row - row + 1;
      const run = await readRows(from, row, rows);
      for (let j = i; j < end; j++)
        out[wanted[j]!.at] = run.subarray((wanted[j]!.row - row) * from.dim, (wanted[j]!.row - row + 1) * from.dim);
      i = end;
    }
  }

  /** Merges the new vectors into the cache file, keeping only those of texts still used. */
  save(): Promise<void> {
    return this.exclusive(async () => {
      const file = this.file;
      if (!file || !this.dir) return;
      // Nothing embedded, nothing to drop: the file is as it should be, so it is not even read.
      if (!this.fresh && this.held.size === 0 && !this.pruneWanted) return;
      await this.load();
      for (const keys of this.retainedLater.splice(0)) this.retain(keys());
      const fresh = this.fresh;
      // Vectors of another length (the model behind the id changed) are not kept beside the new ones.
      const stored = this.stored && fresh && this.stored.dim !== fresh.dim ? null : this.stored;
      const held = [...this.held.keys()].filter((key) => this.used.has(key));
      const keep = (from: VectorFile | null) => (from ? [...from.rows.keys()].filter((key) => this.used.has(key)) : []);
      const keptStored = keep(stored);
      const keptFresh = keep(fresh).filter((key) => !stored?.rows.has(key));
      const prune = this.pruneWanted && keptStored.length < (this.stored?.rows.size ?? 0);
      this.pruneWanted = false;
      if (keptFresh.length === 0 && held.length === 0 && !prune) return;
      const dim = stored?.dim ?? fresh?.dim ?? this.held.values().next().value?.length ?? 0;
      const keys = [...keptStored, ...keptFresh, ...held];
      const header = Buffer.from(JSON.stringify({ id: this.inner.id, dim, keys }) + '\n', 'utf8');
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        const out = await open(tmp, 'w');
        try {
          let at = header.byteLength;
          await out.write(header);
          for (const [from, list] of [
            [stored, keptStored],
            [fresh, keptFresh],
          ] as const) {
            if (from) at += await copyRows(from, list, out, at);
          }
          for (const key of held)
            at += (await out.write(new Uint8Array(this.held.get(key)!.slice().buffer), 0, undefined, at)).bytesWritten;
        } finally {
          await out.close();
        }
        await rename(tmp, file);
      } catch (error) {
        await rm(tmp, { force: true }).catch(() => undefined);
        this.logger.warn('could not write the embedding cache', { error });
        return;
      }
      await this.stored?.handle.close().catch(() => undefined);
      if (fresh) {
        await fresh.handle.close().catch(() => undefined);
        await rm(fresh.path, { force: true }).catch(() => undefined);
      }
      this.fresh = null;
      this.held.clear();
      this.stored = null;
      this.loaded = false;
    });
  }

  /** Saves, then lets go of the files (a later call opens them again). */
  close(): Promise<void> {
    return this.save().then(() =>
      this.exclusive(async () => {
        await this.stored?.handle.close().catch(() => undefined);
        if (this.fresh) {
          await this.fresh.handle.close().catch(() => undefined);
          await rm(this.fresh.path, { force: true }).catch(() => undefined);
        }
        this.stored = null;
        this.fresh = null;
        this.loaded = false;
      }),
    );
  }
}

/**
 * Scratch files of processes that died before they saved (`NAME.PID.new` of a PID no longer
 * running): each holds the vectors that process embedded, up to the size of the cache.
 */
async function removeLeftScratch(dir: string, name: string): Promise<void> {
  for (const entry of await readdir(dir)) {
    const pid = entry.startsWith(`${name}.`) && entry.endsWith('.new') ? Number(entry.slice(name.length + 1, -'.new'.length)) : NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !running(pid)) await rm(join(dir, entry), { force: true });
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Keys `embedDocuments` hashed, until `embeddingKey` asks for them: a build puts each chunk in the
 * index with its key right after embedding it, and hashing it twice was 3 s of the main thread's
 * CPU in a 100k cold build. The same string objects: the lookup reads V8's cached string hash.
 * Bounded, for callers that never ask (then the key is hashed again).
 */
const hashedKeys = new Map<string, string>();
const HASHED_KEYS_MAX = 16384;

/** The embedding cache's key for a text (also kept in index snapshots). */
export function embeddingKey(text: string): string {
  const key = hashedKeys.get(text);
  if (key === undefined) return sha256Key(text);
  hashedKeys.delete(text);
  return key;
}

function hashText(text: string): string {
  const key = sha256Key(text);
  if (hashedKeys.size >= HASHED_KEYS_MAX) hashedKeys.clear();
  hashedKeys.set(text, key);
  return key;
}

function sha256Key(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
