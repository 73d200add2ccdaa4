import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { SanadError } from '../errors.js';
import type { Logger } from '../ports.js';
import { silentLogger } from '../ports.js';
import { buildDocument } from './build.js';
import { parseDocument } from './parse.js';
import { ReadError, readerFor, type DocumentReader } from './reader.js';
import type { KnowledgeDocument } from './types.js';

/** Formats the core reads itself. */
const TEXT_EXTENSIONS = ['.txt', '.md', '.markdown'];
/** Larger files are refused: a knowledge file this big is almost always a mistake (a dump, a scan). */
export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Longer documents are refused: a few thousand pages is a library, not a knowledge file. */
export const DEFAULT_MAX_PAGES = 2000;
/** Files read at once: readers that take long run in worker threads, this keeps them busy. */
const READ_CONCURRENCY = 4;
/** Files at the top of the folder belong to this collection; subfolders are their own. */
export const ROOT_COLLECTION = 'main';

export interface SkippedFile {
  document: string;
  reason: string;
}

export interface LoadResult {
  documents: KnowledgeDocument[];
  skipped: SkippedFile[];
}

/** One file read, for progress ("reading 3/8 handbook.pdf"). */
export interface FileProgress {
  document: string;
  /** 1-based position of this file among `total`. */
  done: number;
  total: number;
  ms: number;
  result: KnowledgeDocument | SkippedFile;
}

/** How knowledge files are read: the readers for formats beyond text, limits, progress. */
export interface KnowledgeReading {
  readers?: readonly DocumentReader[];
  maxFileBytes?: number;
  maxPages?: number;
  onFile?: (progress: FileProgress) => void;
  /** The document as indexed now: a file whose bytes have not changed is not read again. */
  known?: (document: string) => KnowledgeDocument | undefined;
  /** What was already said about skipped files, so each is reported once, not at every change. */
  reported?: Map<string, string>;
  /**
   * Each file's size, times and inode when it was last read, with the hash read then: a refresh
   * reads again only a file whose stat changed, so one edit in a big folder reads one file.
   */
  fingerprints?: Map<string, { stat: string; hash: string }>;
}

/** The extensions sanad reads with these readers, for messages: ".txt, .md, .pdf". */
export function supportedExtensions(readers: readonly DocumentReader[] = []): string[] {
  return [...new Set([...TEXT_EXTENSIONS.filter((e) => e !== '.markdown'), ...readers.flatMap((r) => r.extensions)])];
}

/**
 * Lists knowledge files (relative paths, `/`-separated), sorted, hidden files ignored. Every
 * file is listed, read or not, so that one sanad cannot read is reported instead of ignored.
 */
export async function listKnowledgeFiles(dir: string): Promise<string[]> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new SanadError('knowledge_missing', `The knowledge folder ${dir} does not exist.`, {
      hint: 'Create it and put documents in it (.txt, .md, .pdf, .html, .docx…), or point --knowledge (or SANAD_KNOWLEDGE_DIR) at the right folder.',
    });
  }
  if (!info.isDirectory()) {
    throw new SanadError('knowledge_missing', `${dir} is not a folder.`, {
      hint: 'Point --knowledge (or SANAD_KNOWLEDGE_DIR) at a folder of documents.',
    });
  }
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() || e.isSymbolicLink())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((path) => !path.split('/').some((part) => part.startsWith('.')))
    .sort();
}

export function collectionOf(document: string): string {
  const slash = document.indexOf('/');
  return slash === -1 ? ROOT_COLLECTION : document.slice(0, slash);
}

/**
 * Reads one knowledge file. Returns a reason instead of a document when the file cannot be
 * used (a format sanad does not read, a link out of the folder, too large, not UTF-8, a broken
 * PDF…), so one bad file never stops the others.
 */
export async function readKnowledgeFile(dir: string, document: string, reading: KnowledgeReading = {}): Promise<KnowledgeDocument | SkippedFile> {
  const read = await readOrDefer(dir, document, reading, false);
  return 'bytes' in read ? parseKnowledgeText(read) : read;
}

/**
 * A changed text or Markdown file read but not parsed yet: parsing a big one takes a main
 * thread hundreds of milliseconds (the near-duplicate check), so a large refresh parses it in
 * the index worker (see `parseKnowledgeText`).
 */
export interface UnparsedText {
  document: string;
  hash: string;
  bytes: Uint8Array;
  /** Its line count: no more paragraphs than this come out of it. */
  lines: number;
}

/** `readKnowledgeFile`, except that a changed text file comes back read but not parsed. */
export function readKnowledgeFileUnparsed(dir: string, document: string, reading: KnowledgeReading = {}): Promise<KnowledgeDocument | SkippedFile | UnparsedText> {
  return readOrDefer(dir, document, reading, true);
}

/** A text file's document, or why it cannot be used (the parse `readKnowledgeFile` does). */
export function parseKnowledgeText(file: UnparsedText): KnowledgeDocument | SkippedFile {
  const parsed = readText(file.bytes, file.document, file.hash);
  if ('reason' in parsed || parsed.paragraphs.length > 0) return parsed;
  return { document: file.document, reason: 'has no paragraphs' };
}

async function readOrDefer(
  dir: string,
  document: string,
  reading: KnowledgeReading,
  defer: boolean,
): Promise<KnowledgeDocument | SkippedFile | UnparsedText> {
  const readers = reading.readers ?? [];
  const path = join(dir, document);
  const outside = await linkLeavesFolder(dir, path);
  if (outside) return { document, reason: outside };
  const text = TEXT_EXTENSIONS.includes(extname(document).toLowerCase());
  const reader = text ? null : readerFor(document, readers);
  if (!text && !reader) return { document, reason: unsupported(document, readers) };

  // Taken before the read: a file that changes while it is read looks changed at the next refresh.
  const fingerprint = await statFingerprint(path, Date.now());
  const seen = reading.fingerprints?.get(document);
  const indexed = reading.known?.(document);
  if (fingerprint && seen?.stat === fingerprint && indexed?.hash === seen.hash) return indexed;
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    return { document, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const maxBytes = reading.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (bytes.length > maxBytes) {
    return { document, reason: `is ${mb(bytes.length)} MB, over the ${mb(maxBytes)} MB limit per file (SANAD_MAX_FILE_MB)` };
  }
  const hash = createHash('sha256').update(bytes).digest('hex');
  if (fingerprint) reading.fingerprints?.set(document, { stat: fingerprint, hash });
  const known = reading.known?.(document);
  if (known?.hash === hash) return known;
  if (!reader) {
    const unparsed = { document, hash, bytes, lines: lineCount(bytes) };
    return defer ? unparsed : parseKnowledgeText(unparsed);
  }
  const parsed = await readWith(reader, bytes, document, hash, reading);
  if ('reason' in parsed) return parsed;
  if (parsed.paragraphs.length === 0) {
    return { document, reason: reader.name === 'pdf' ? 'has no text to read (a scanned PDF needs OCR first)' : 'has no paragraphs' };
  }
  return parsed;
}

function lineCount(bytes: Uint8Array): number {
  let n = 1;
  for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) n++;
  return n;
}

function readText(bytes: Uint8Array, document: string, hash: string): KnowledgeDocument | SkippedFile {
  if (bytes.includes(0)) return { document, reason: 'is not a text file (it contains NUL bytes)' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { document, reason: 'is not valid UTF-8 text' };
  }
  return parseDocument({ document, collection: collectionOf(document), text, hash });
}

async function readWith(reader: DocumentReader, bytes: Buffer, document: string, hash: string, reading: KnowledgeReading): Promise<KnowledgeDocument | SkippedFile> {
  try {
    const structure = await reader.read(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      name: document,
      maxPages: reading.maxPages ?? DEFAULT_MAX_PAGES,
    });
    return buildDocument(structure, { document, collection: collectionOf(document), hash, format: reader.name });
  } catch (error) {
    // A reader's own refusal is already a sentence; anything else is a file it could not parse.
    const detail = error instanceof Error ? error.message : String(error);
    return { document, reason: error instanceof ReadError ? detail : `could not be read as ${reader.name.toUpperCase()} (${firstLine(detail)})` };
  }
}

/**
 * Device, inode, size and change times: any write, rename over or touch changes it. File times
 * tick coarsely (a few ms), so a file modified just now could change again within the same tick
 * unseen: it gets no fingerprint and is hashed again next time (git's "racily clean" rule).
 */
const RACY_MS = 2000;

async function statFingerprint(path: string, now: number): Promise<string | null> {
  try {
    const s = await stat(path, { bigint: true });
    if (now - Number(s.mtimeMs) < RACY_MS) return null;
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch {
    return null;
  }
}

/** Why a link is not followed, or null when the path is a plain file or a link inside the folder. */
async function linkLeavesFolder(dir: string, path: string): Promise<string | null> {
  try {
    const [root, target, link] = await Promise.all([realpath(dir), realpath(path), lstat(path)]);
    const inside = target === root || target.startsWith(root + sep);
    if (!inside) return 'is a symbolic link to a file outside the knowledge folder (not followed)';
    if (link.isSymbolicLink() && !(await stat(path)).isFile()) return 'is a symbolic link to a folder (not followed)';
    return null;
  } catch {
    return 'is a broken symbolic link';
  }
}

function unsupported(document: string, readers: readonly DocumentReader[]): string {
  const ext = extname(document).toLowerCase();
  const what = ext ? `is a ${ext} file, which sanad does not read` : 'has no file extension, so sanad cannot tell its format';
  return `${what} (it reads ${supportedExtensions(readers).join(', ')})`;
}

/**
 * Reads the whole knowledge folder, a few files at a time (readers that take long run in
 * worker threads). A file that cannot be used is reported once and skipped.
 */
export async function loadKnowledge(dir: string, logger: Logger = silentLogger, reading: KnowledgeReading = {}): Promise<LoadResult> {
  const files = await listKnowledgeFiles(dir);
  const results = await readAll(dir, files, reading);
  const documents: KnowledgeDocument[] = [];
  const skipped: SkippedFile[] = [];
  for (const result of results) {
    if ('reason' in result) skipped.push(result);
    else documents.push(result);
  }
  reportSkipped(logger, skipped, reading.reported);
  if (documents.length === 0) {
    const why = skipped.length > 0 ? ` (${skipped.map((s) => `${s.document} ${s.reason}`).join('; ')})` : '';
    throw new SanadError('knowledge_empty', `The knowledge folder ${dir} has no usable documents${why}.`, {
      hint: `Add at least one document with some paragraphs (${supportedExtensions(reading.readers).join(', ')}).`,
    });
  }
  return { documents, skipped };
}

/** Reads files in order of the list, at most READ_CONCURRENCY at once, reporting each as it ends. */
export async function readAll(dir: string, files: string[], reading: KnowledgeReading): Promise<(KnowledgeDocument | SkippedFile)[]> {
  const results: (KnowledgeDocument | SkippedFile)[] = new Array(files.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const started = performance.now();
      const result = await readKnowledgeFile(dir, files[i]!, reading);
      results[i] = result;
      reading.onFile?.({ document: files[i]!, done: ++done, total: files.length, ms: performance.now() - started, result });
    }
  };
  await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  return results;
}

/**
 * Warns about each skipped file once: again only when its reason changes. `reported` carries
 * what was said across refreshes, so the watcher does not repeat itself at every change.
 */
export function reportSkipped(logger: Logger, skipped: SkippedFile[], reported = new Map<string, string>()): void {
  const now = new Set(skipped.map((s) => s.document));
  for (const document of [...reported.keys()]) if (!now.has(document)) reported.delete(document);
  for (const skip of skipped) {
    if (reported.get(skip.document) === skip.reason) continue;
    reported.set(skip.document, skip.reason);
    logger.warn(`skipped knowledge file ${skip.document}: it ${skip.reason}`);
  }
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const firstLine = (text: string) => text.split('\n')[0]!.slice(0, 200);
