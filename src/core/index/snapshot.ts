/**
 * The built index on disk, so a restart answers in seconds instead of re-reading, re-parsing
 * and re-indexing every file. One file per knowledge folder and embedder in the cache folder
 * (`SANAD_DATA_DIR/cache`): a header line, then the index as flat binary parts.
 *
 * A snapshot is trusted only when its format version, its analyser fingerprint (the terms the
 * current code makes of probe paragraphs) and its embedder id match, and each part's CRC-32
 * holds (checked as the part is read); otherwise it is rebuilt. Its documents carry their
 * content hashes: files that changed since are re-indexed alone, as the watcher would.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstat, open as openFile, read } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { threadId } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Bm25Pieces, Bm25State } from './bm25.js';
import type { IndexState } from './knowledge-index.js';
import { documentParts, documentsFromParts } from './snapshot-documents.js';
import { analyzerFingerprint } from './snapshot-fingerprint.js';
import { yieldToSearches } from './search-gate.js';
import { later, pieces, readPart, STAGE_BYTES, staged, type ReadAt } from './snapshot-io.js';
import { TextsInFile } from './snapshot-texts.js';
import { VectorMatrix } from './vector-matrix.js';

/**
 * Bump when the layout or the meaning of any part changes. 4: a CRC-32 per part instead of one
 * sha1 of the file; the documents' texts apart from their JSON; the vectors last.
 */
export const INDEX_FORMAT = 4;
const MAGIC = 'sanad-index';

/** What a snapshot holds beside the index: how each file looked when it was last read. */
export interface SnapshotExtras {
  fingerprints: [string, { stat: string; hash: string }][];
}

export type SnapshotRead = { state: IndexState; extras: SnapshotExtras } | { missing: true } | { reason: string };

interface Header {
  format: number;
  analyzer: string;
  embedder: string;
  /** Where each part starts (after the header), its length in bytes and its CRC-32. */
  parts: Record<string, [offset: number, bytes: number, crc: number]>;
}

interface Meta {
  terms: string[];
  totalLength: number;
  liveCount: number;
  dim: number;
  keys: string[];
  spelling: IndexState['spelling'];
  extras: SnapshotExtras;
}

export function snapshotFile(dir: string, knowledgeDir: string, embedderId: string): string {
  const name = createHash('sha1').update(`${knowledgeDir}\n${embedderId}`).digest('hex').slice(0, 16);
  return join(dir, `index-${name}.bin`);
}

/**
 * Bytes kept for the header line at the start of the file: the parts are written first, then the
 * header with their offsets and CRCs, padded to this size (readers look for its newline).
 */
const HEADER_SPACE = 4096;

/**
 * Writes a snapshot atomically (a temporary file, then a rename), part after part and each
 * document's JSON on its own: at 100k paragraphs the documents as one JSON string and its bytes
 * were 300 MB more at the peak of a cold build.
 */
export async function writeSnapshot(
  file: string,
  embedderId: string,
  state: IndexState<Bm25State | Bm25Pieces>,
  extras: SnapshotExtras,
): Promise<void> {
  const meta: Meta = {
    terms: state.bm25.terms,
    totalLength: state.bm25.totalLength,
    liveCount: state.bm25.liveCount,
    dim: state.vectors.dim,
    keys: state.vectors.keys,
    spelling: state.spelling,
    extras,
  };
  const documents = documentParts(state.documents);
  // The reader decodes the documents once their four parts are in, and reads the vectors last
  // straight into the vector store's memory.
  const parts: [string, Iterable<Uint8Array>][] = [
    ['meta', [Buffer.from(JSON.stringify(meta), 'utf8')]],
    ['documents', documents.json],
    ['texts', documents.texts],
    // Filled in while the texts are written, so taken only then.
    ['textWidths', later(() => bytes(documents.textWidths))],
    ['textLengths', later(() => bytes(documents.textLengths))],
    ['rows', [bytes(state.rows)]],
    ['counts', [bytes(state.bm25.counts)]],
    ['postings', staged(pieces(state.bm25.postings))],
    ['lengths', [bytes(state.bm25.lengths)]],
    ['alive', [bytes(state.bm25.alive)]],
    ['owners', [bytes(state.vectors.owners)]],
    ['vectors', [bytes(state.vectors.data)]],
  ];
  await mkdir(dirname(file), { recursive: true });
  // The index worker writes snapshots too: threads of one process need their own temporary file.
  const tmp = `${file}.${process.pid}.${threadId}.tmp`;
  try {
    const out = await open(tmp, 'w');
    try {
      const layout: Header['parts'] = {};
      let offset = 0;
      const write = async (chunk: Uint8Array) => {
        await out.write(chunk, 0, chunk.byteLength, HEADER_SPACE + offset);
        offset += chunk.byteLength;
      };
      for (const [name, chunks] of parts) {
        const start = offset;
        let crc = 0;
        for (const chunk of chunks) {
          // In pieces, so an index worker writing it pauses for a search within a piece (search-gate.ts).
          for (let at = 0; at < chunk.byteLength; at += STAGE_BYTES) {
            yieldToSearches();
            const piece = chunk.subarray(at, at + STAGE_BYTES);
            crc = crc32(piece, crc);
            await write(piece);
          }
        }
        layout[name] = [start, offset - start, crc];
        // Each part starts 8-byte aligned, so its int32 and float32 values can be viewed in place.
        await write(PADDING.subarray(0, align8(offset) - offset));
      }
      const header: Header = { format: INDEX_FORMAT, analyzer: analyzerFingerprint(INDEX_FORMAT), embedder: embedderId, parts: layout };
      const head = `${MAGIC}\n${JSON.stringify(header)}`;
      if (Buffer.byteLength(head) >= HEADER_SPACE) throw new RangeError('the snapshot header does not fit its space');
      await out.write(Buffer.from(head.padEnd(HEADER_SPACE - 1, ' ') + '\n', 'utf8'), 0, HEADER_SPACE, 0);
    } finally {
      await out.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

const PADDING = new Uint8Array(8);
/** The documents are decoded once these parts are all read (and the texts found), whatever their order. */
const DOCUMENT_PARTS = ['documents', 'textWidths', 'textLengths'];
/** The header is read first, in a block this size (it is a few hundred bytes). */
const HEAD_BYTES = 64 * 1024;

const openFd = promisify(openFile);
const readFd = promisify(read);
const fstatFd = promisify(fstat);

/**
 * Reads a snapshot part by part, each into its own buffer (never the whole file at once, so
 * memory at a restart peaks at the index, not the index plus the file); a reason instead when
 * it is not one this code may trust. The texts are checked but left in the file, which stays
 * open for them (snapshot-texts.ts).
 */
export async function readSnapshot(file: string, embedderId: string): Promise<SnapshotRead> {
  let fd: number;
  try {
    fd = await openFd(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    return { reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  const readAt: ReadAt = async (into, length, position) => (await readFd(fd, into, 0, length, position)).bytesRead;
  // The texts are read from the file when they are read: once they are found, it stays open for them.
  let texts: TextsInFile | null = null;
  let kept = false;
  try {
    const size = (await fstatFd(fd)).size;
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await readAt(head, head.length, 0);
    const first = head.indexOf(10);
    const second = head.indexOf(10, first + 1);
    if (first < 0 || second < 0 || head.subarray(0, first).toString('utf8') !== MAGIC) return { reason: 'is not an index snapshot' };
    const header = JSON.parse(head.subarray(first + 1, second).toString('utf8')) as Header;
    if (header.format !== INDEX_FORMAT) return { reason: `has format ${header.format}, this version reads ${INDEX_FORMAT}` };
    if (header.analyzer !== analyzerFingerprint(INDEX_FORMAT)) return { reason: 'was written by code that indexes text differently' };
    if (header.embedder !== embedderId) return { reason: 'was built with another embedding model' };
    const start = second + 1;
    const order = Object.entries(header.parts).sort((x, y) => x[1][0] - y[1][0]);
    const last = order[order.length - 1];
    if (!last || start + align8(last[1][0] + last[1][1]) !== size) return { reason: 'is damaged (it is not the length its header says)' };
    const parts = new Map<string, Uint8Array>();
    const stage = new Uint8Array(Math.min(STAGE_BYTES, Math.max(1, ...order.map(([, [, length]]) => length))));
    let meta: Meta | null = null;
    let documents: IndexState['documents'] | null = null;
    let matrix: VectorMatrix | null = null;
    for (const [name, [offset, length, crc]] of order) {
      const into = name === 'vectors' && meta ? vectorMatrix(meta.dim, length) : null;
      if (into) matrix = into;
      // The texts are checked, not kept: they are read from the file when they are read.
      const part = name === 'texts' ? length : into ? bytes(into.data).subarray(0, length) : partArray(name, length);
      const read = await readPart(readAt, part, start + offset, stage);
      if (read === null) return { reason: `is damaged (part ${name} is cut short)` };
      if (read !== crc) return { reason: `is damaged (part ${name} does not match its checksum)` };
      if (name === 'meta') meta = JSON.parse(utf8(part as Uint8Array)) as Meta;
      else if (name === 'texts') texts = new TextsInFile(fd, start + offset, length);
      else parts.set(name, part as Uint8Array);
      // The documents are decoded as soon as their parts are in, so their bytes are let go
      // before the vectors are read.
      if (texts && !documents && DOCUMENT_PARTS.every((name) => parts.has(name))) {
        documents = documentsFromParts(
          take(parts, 'documents'),
          texts,
          take(parts, 'textWidths'),
          view(Int32Array, take(parts, 'textLengths')),
        );
      }
    }
    if (!meta || !documents) return { reason: 'is damaged (a part is missing)' };
    const int32 = (name: string) => view(Int32Array, take(parts, name));
    const vectors = take(parts, 'vectors');
    if (matrix) matrix.count = vectors.byteLength / 4 / meta.dim;
    const state: IndexState = {
      documents,
      rows: int32('rows'),
      bm25: {
        terms: meta.terms,
        counts: int32('counts'),
        postings: take(parts, 'postings'),
        lengths: int32('lengths'),
        alive: take(parts, 'alive'),
        totalLength: meta.totalLength,
        liveCount: meta.liveCount,
      },
      vectors: { dim: meta.dim, data: view(Float32Array, vectors), owners: int32('owners'), keys: meta.keys, matrix: matrix ?? undefined },
      spelling: meta.spelling,
    };
    kept = true;
    return { state, extras: meta.extras };
  } catch (error) {
    return { reason: `is damaged (${error instanceof Error ? error.message : String(error)})` };
  } finally {
    // Refused, the file is closed now; trusted, it stays open for the texts until no paragraph needs it.
    if (!kept) {
      if (texts) (texts as TextsInFile).close();
      else closeSync(fd);
    }
  }
}

/**
 * A vector store's matrix sized for the vectors part, so they are read straight into the memory
 * the store scans (1.4 s of copying and page faults at 100k paragraphs before); none when its
 * rows are padded (a dimension that is not a multiple of 4) and the store must copy them.
 */
function vectorMatrix(dim: number, length: number): VectorMatrix | null {
  const rows = length / 4 / dim;
  if (!Number.isInteger(rows) || dim % 4 !== 0) return null;
  return new VectorMatrix(dim, { initialRows: rows });
}

/**
 * Parts the search helper thread reads (search-helper.ts) go straight into shared memory, so a
 * big index restored from its snapshot hands them over without a copy.
 */
const SHARED_PARTS = new Set(['postings', 'lengths', 'alive']);

function partArray(name: string, length: number): Uint8Array {
  const buffer = SHARED_PARTS.has(name) ? new SharedArrayBuffer(align8(length)) : new ArrayBuffer(align8(length));
  return new Uint8Array(buffer).subarray(0, length);
}

function take(parts: Map<string, Uint8Array>, name: string): Uint8Array {
  const part = parts.get(name);
  if (!part) throw new Error(`part ${name} is missing`);
  parts.delete(name);
  return part;
}

function utf8(part: Uint8Array): string {
  return Buffer.from(part.buffer, part.byteOffset, part.byteLength).toString('utf8');
}

/** A typed view of a part (each part has its own 8-byte-aligned buffer). */
function view<T extends Int32Array | Float32Array | Uint16Array>(
  kind: { new (buffer: ArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
  part: Uint8Array,
): T {
  return new kind(part.buffer as ArrayBuffer, part.byteOffset, part.byteLength / kind.BYTES_PER_ELEMENT);
}

function bytes(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;
