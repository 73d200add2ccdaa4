/**
 * The built index on disk, so a restart answers in seconds instead of re-reading, re-parsing
 * and re-indexing every file. One file per knowledge folder and embedder in the cache folder
 * (`SANAD_DATA_DIR/cache`): a header line, then the index as flat binary parts.
 *
 * A snapshot is trusted only when its format version, its analyser fingerprint (the terms the
 * current code makes of probe paragraphs) and its embedder id match, and its checksum holds;
 * otherwise it is rebuilt. Its documents carry their content hashes: files that changed since
 * are re-indexed alone, as the watcher would.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Paragraph } from '../knowledge/types.js';
import { terms } from '../text/index.js';
import type { Bm25Pieces, Bm25State } from './bm25.js';
import { CHUNK_CHARS, paragraphTerms, queryTerms, type IndexState } from './knowledge-index.js';

/** Bump when the layout or the meaning of any part changes. */
export const INDEX_FORMAT = 3;
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
  checksum: string;
  parts: Record<string, [offset: number, bytes: number]>;
}

interface Meta {
  documents: IndexState['documents'];
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

const PROBES: Paragraph[] = [
  {
    id: 'p1',
    document: 'a.txt',
    collection: 'main',
    title: 'جهود فرنسا في مكافحة الإرهاب',
    n: 1,
    section: 'الأهداف',
    lang: 'ar',
    text: 'وقال السفير الفرنسي في الأمم المتحدة إن بلاده ستقدم مشروع قرار لمكافحة تمويل الإرهاب، وأعلنت عن عملية برخان في دول الساحل ٢٠١٩. وتحدث معهم عبر الفيديو عالـGitLab بـ700 دولار.',
  },
  {
    id: 'p2',
    document: 'b.md',
    collection: 'docs',
    title: 'Release notes',
    n: 2,
    section: null,
    lang: 'en',
    text: 'The security team meets every Thursday at nine in room 4B; incidents are reviewed and closed.',
  },
  {
    id: 'p3',
    document: 'c.md',
    collection: 'docs',
    title: 'Réunions',
    n: 3,
    section: 'Équipe',
    lang: 'fr',
    text: "L'équipe se réunit chaque jeudi à neuf heures pour examiner les incidents.",
  },
];

/**
 * A hash of what the current code makes of a few paragraphs and questions (terms, stems,
 * n-grams, field boosts, chunk size, BM25 parameters): code that indexes differently does not
 * trust a snapshot written by other code, even if nobody bumped INDEX_FORMAT.
 */
export function analyzerFingerprint(): string {
  const hash = createHash('sha1').update(`${INDEX_FORMAT}|${CHUNK_CHARS}`);
  PROBES.forEach((p, i) => {
    const learnt: string[] = [];
    const visit = (token: string, stemmed: string) => learnt.push(`${token}>${stemmed}`);
    hash.update(paragraphTerms(p, PROBES[i - 1], visit, false).join(' '));
    hash.update(paragraphTerms(p, PROBES[i - 1], visit).join(' '));
    hash.update(terms(p.title, p.lang, visit).join(' '));
    hash.update(learnt.join(' '));
    hash.update(JSON.stringify([...queryTerms(p.text, p.lang)]));
  });
  return hash.digest('hex');
}

/**
 * Bytes kept for the header line at the start of the file: the parts are written first, then the
 * header with their offsets and checksum, padded to this size (readers look for its newline).
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
  const rest: Omit<Meta, 'documents'> = {
    terms: state.bm25.terms,
    totalLength: state.bm25.totalLength,
    liveCount: state.bm25.liveCount,
    dim: state.vectors.dim,
    keys: state.vectors.keys,
    spelling: state.spelling,
    extras,
  };
  function* meta(): Generator<Uint8Array> {
    yield Buffer.from('{"documents":[', 'utf8');
    for (const [i, doc] of state.documents.entries()) yield Buffer.from((i > 0 ? ',' : '') + JSON.stringify(doc), 'utf8');
    yield Buffer.from(`],${JSON.stringify(rest).slice(1)}`, 'utf8');
  }
  const parts: [string, Iterable<Uint8Array>][] = [
    ['meta', meta()],
    ['rows', [bytes(state.rows)]],
    ['counts', [bytes(state.bm25.counts)]],
    ['postings', staged(pieces(state.bm25.postings))],
    ['lengths', [bytes(state.bm25.lengths)]],
    ['alive', [bytes(state.bm25.alive)]],
    ['vectors', [bytes(state.vectors.data)]],
    ['owners', [bytes(state.vectors.owners)]],
  ];
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const out = await open(tmp, 'w');
    try {
      const sum = createHash('sha1');
      const layout: Header['parts'] = {};
      let offset = 0;
      const write = async (chunk: Uint8Array) => {
        sum.update(chunk);
        await out.write(chunk, 0, chunk.byteLength, HEADER_SPACE + offset);
        offset += chunk.byteLength;
      };
      for (const [name, chunks] of parts) {
        const start = offset;
        for (const chunk of chunks) await write(chunk);
        layout[name] = [start, offset - start];
        // Each part starts 8-byte aligned, so its int32 and float32 values can be viewed in place.
        await write(PADDING.subarray(0, align8(offset) - offset));
      }
      const header: Header = {
        format: INDEX_FORMAT,
        analyzer: analyzerFingerprint(),
        embedder: embedderId,
        checksum: sum.digest('hex'),
        parts: layout,
      };
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
/** Small pieces (a term's postings) are gathered into writes of this size. */
const STAGE_BYTES = 8 << 20;

function pieces(array: ArrayBufferView | ArrayBufferView[]): ArrayBufferView[] {
  return Array.isArray(array) ? array : [array];
}

/** The bytes of many typed arrays, gathered into few large chunks (each chunk is written before the next is made). */
function* staged(arrays: ArrayBufferView[]): Generator<Uint8Array> {
  const stage = new Uint8Array(STAGE_BYTES);
  let used = 0;
  for (const array of arrays) {
    const piece = bytes(array);
    if (piece.byteLength >= STAGE_BYTES) {
      if (used > 0) yield stage.subarray(0, used);
      used = 0;
      yield piece;
      continue;
    }
    if (used + piece.byteLength > STAGE_BYTES) {
      yield stage.subarray(0, used);
      used = 0;
    }
    stage.set(piece, used);
    used += piece.byteLength;
  }
  if (used > 0) yield stage.subarray(0, used);
}

/** The header is read first, in a block this size (it is a few hundred bytes). */
const HEAD_BYTES = 64 * 1024;

/**
 * Reads a snapshot part by part, each into its own buffer (never the whole file at once, so
 * memory at a restart peaks at the index, not the index plus the file); a reason instead when
 * it is not one this code may trust.
 */
export async function readSnapshot(file: string, embedderId: string): Promise<SnapshotRead> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    return { reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const size = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(HEAD_BYTES, size));
    await handle.read(head, 0, head.length, 0);
    const first = head.indexOf(10);
    const second = head.indexOf(10, first + 1);
    if (first < 0 || second < 0 || head.subarray(0, first).toString('utf8') !== MAGIC) return { reason: 'is not an index snapshot' };
    const header = JSON.parse(head.subarray(first + 1, second).toString('utf8')) as Header;
    if (header.format !== INDEX_FORMAT) return { reason: `has format ${header.format}, this version reads ${INDEX_FORMAT}` };
    if (header.analyzer !== analyzerFingerprint()) return { reason: 'was written by code that indexes text differently' };
    if (header.embedder !== embedderId) return { reason: 'was built with another embedding model' };
    const start = second + 1;
    const order = Object.entries(header.parts).sort((x, y) => x[1][0] - y[1][0]);
    const last = order[order.length - 1];
    if (!last || start + align8(last[1][0] + last[1][1]) !== size) return { reason: 'is damaged (it is not the length its header says)' };
    const sum = createHash('sha1');
    const parts = new Map<string, Uint8Array>();
    let meta: Meta | null = null;
    for (const [name, [offset, length]] of order) {
      const part = new Uint8Array(align8(length));
      const { bytesRead } = await handle.read(part, 0, part.length, start + offset);
      if (bytesRead !== part.length) return { reason: `is damaged (part ${name} is cut short)` };
      sum.update(part);
      // The documents' JSON is parsed as soon as it is read, so its bytes and its text are let go
      // before the other parts are read (trusted only once the checksum below holds).
      if (name === 'meta') meta = JSON.parse(Buffer.from(part.buffer, 0, length).toString('utf8')) as Meta;
      else parts.set(name, part.subarray(0, length));
    }
    if (!meta) return { reason: 'is damaged (its meta part is missing)' };
    if (sum.digest('hex') !== header.checksum) return { reason: 'is damaged (its checksum does not match)' };
    const part = (name: string): Uint8Array => {
      const got = parts.get(name);
      if (!got) throw new Error(`part ${name} is missing`);
      return got;
    };
    const int32 = (name: string) => view(Int32Array, part(name));
    const state: IndexState = {
      documents: meta.documents,
      rows: int32('rows'),
      bm25: {
        terms: meta.terms,
        counts: int32('counts'),
        postings: part('postings'),
        lengths: int32('lengths'),
        alive: part('alive'),
        totalLength: meta.totalLength,
        liveCount: meta.liveCount,
      },
      vectors: { dim: meta.dim, data: view(Float32Array, part('vectors')), owners: int32('owners'), keys: meta.keys },
      spelling: meta.spelling,
    };
    return { state, extras: meta.extras };
  } catch (error) {
    return { reason: `is damaged (${error instanceof Error ? error.message : String(error)})` };
  } finally {
    await handle.close();
  }
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
