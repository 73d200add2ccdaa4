/**
 * A restart reads the snapshot cheaply (issue 18): the texts are left in the snapshot's bytes and
 * decoded one by one when read, and each part is read and checked through one small buffer.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, truncateSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KnowledgeDocument } from '../../src/core/knowledge/types.js';
import { localEmbedder } from '../../src/core/index/embedder.js';
import { KnowledgeIndex } from '../../src/core/index/knowledge-index.js';
import { documentParts, documentsFromParts } from '../../src/core/index/snapshot-documents.js';
import { readSnapshot, writeSnapshot } from '../../src/core/index/snapshot.js';
import { readPart, type ReadAt } from '../../src/core/index/snapshot-io.js';
import { documentFromParagraphs } from '../../src/core/knowledge/index.js';

const TEXTS = [
  "L'équipe se réunit à neuf heures.",
  'وقال السفير الفرنسي إن بلاده ستقدم مشروع قرار.',
  'وأعلنت عن عملية برخان في دول الساحل ٢٠١٩ 🇫🇷.',
  'half a pair \ud83d here',
  '',
  'Employees get 25 days of paid leave.',
];

function docs(): KnowledgeDocument[] {
  return [
    documentFromParagraphs({ document: 'fr.md', collection: 'main', title: 'Réunions', paragraphs: [TEXTS[0]!] }),
    documentFromParagraphs({ document: 'ar.md', collection: 'main', title: 'مكافحة', paragraphs: TEXTS.slice(1, 4) }),
    documentFromParagraphs({ document: 'en.md', collection: 'main', title: 'Leave', paragraphs: [TEXTS[5]!] }),
  ];
}

function roundTrip(documents: KnowledgeDocument[]): KnowledgeDocument[] {
  const parts = documentParts(documents);
  const bytes = (chunks: Iterable<Uint8Array>) => new Uint8Array(Buffer.concat([...chunks]));
  return documentsFromParts(bytes(parts.json), bytes(parts.texts), parts.textWidths, parts.textLengths);
}

/** Counts the Latin-1 and UTF-16 decodes made while `run` runs. */
function decodes(run: () => void): number {
  const latin1 = vi.spyOn(Buffer.prototype, 'latin1Slice');
  const utf16 = vi.spyOn(Buffer.prototype, 'ucs2Slice');
  try {
    run();
    return latin1.mock.calls.length + utf16.mock.calls.length;
  } finally {
    latin1.mockRestore();
    utf16.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('restored texts', () => {
  it('are not decoded when the documents are restored, only the one read, each time the same text', () => {
    const documents = docs();
    documents[1]!.paragraphs.push({ ...documents[1]!.paragraphs[0]!, id: 'empty', n: 4, text: TEXTS[4]! });
    let back: KnowledgeDocument[] = [];
    expect(decodes(() => (back = roundTrip(documents)))).toBe(0);
    let text = '';
    expect(decodes(() => (text = back[1]!.paragraphs[2]!.text))).toBe(1);
    expect(text).toBe(TEXTS[3]);
    const texts = back.flatMap((doc) => doc.paragraphs.map((p) => p.text));
    expect(texts).toEqual([TEXTS[0], TEXTS[1], TEXTS[2], TEXTS[3], TEXTS[4], TEXTS[5]]);
  });

  it('look like plain values: key order, JSON, spread, structured clone, equality, assignment', () => {
    const documents = docs();
    const back = roundTrip(documents);
    const [p, original] = [back[1]!.paragraphs[1]!, documents[1]!.paragraphs[1]!];
    expect(Object.keys(p)).toEqual(Object.keys(original));
    expect(JSON.stringify(back)).toBe(JSON.stringify(documents));
    expect({ ...p }).toEqual(original);
    expect(structuredClone(back)).toEqual(documents);
    expect(Object.getOwnPropertySymbols({ ...p })).toEqual([]);
    p.text = 'rewritten';
    expect(p.text).toBe('rewritten');
    expect(JSON.parse(JSON.stringify(p)).text).toBe('rewritten');
    // The other paragraphs keep their own texts.
    expect(back[1]!.paragraphs[0]!.text).toBe(TEXTS[1]);
  });
});

const embedder = localEmbedder();
/** Open file descriptors of this process (Linux), to see a snapshot file kept open or closed. */
/**
 * This process's descriptors open on `file` (null without /proc): counted by their target, not in
 * all, since other tests' snapshot files are closed by the garbage collector at any moment.
 */
function openOn(file: string): number | null {
  if (!existsSync('/proc/self/fd')) return null;
  const target = realpathSync(file);
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === target) n++;
    } catch {
      // Closed meanwhile.
    }
  }
  return n;
}

async function snapshotOf(documents: KnowledgeDocument[], file: string): Promise<void> {
  const index = new KnowledgeIndex(embedder);
  await index.addDocuments(documents);
  await writeSnapshot(file, embedder.id, index.exportState(), { fingerprints: [] });
}

describe('a restored index', () => {
  it('reads its texts from the snapshot file it checked, which a newer snapshot renamed over it does not change', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sanad-texts-')), 'index.bin');
    await snapshotOf(docs(), file);
    if (openOn(file) !== null) expect(openOn(file)).toBe(0);
    const read = await readSnapshot(file, embedder.id);
    if (!('state' in read)) throw new Error(`not read: ${JSON.stringify(read)}`);
    if (openOn(file) !== null) expect(openOn(file)).toBe(1);
    await snapshotOf(
      [documentFromParagraphs({ document: 'new.md', collection: 'main', title: 'New', paragraphs: ['Another text.'] })],
      file,
    );
    expect(read.state.documents.flatMap((doc) => doc.paragraphs.map((p) => p.text))).toEqual([
      TEXTS[0],
      TEXTS[1],
      TEXTS[2],
      TEXTS[3],
      TEXTS[5],
    ]);
  });

  it('has no texts in memory: a snapshot cut short in place (sanad never writes one in place) fails the read', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sanad-texts-')), 'index.bin');
    await snapshotOf(docs(), file);
    const read = await readSnapshot(file, embedder.id);
    if (!('state' in read)) throw new Error(`not read: ${JSON.stringify(read)}`);
    truncateSync(file, 4096);
    expect(() => read.state.documents[0]!.paragraphs[0]!.text).toThrow(/cut short/);
  });

  it('closes the file of a snapshot it refuses, even once its texts were found', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sanad-texts-')), 'index.bin');
    await snapshotOf(docs(), file);
    // The vectors are the last part, after the texts: damage their last byte.
    const bytes = readFileSync(file);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(file, bytes);
    expect(await readSnapshot(file, embedder.id)).toEqual({ reason: 'is damaged (part vectors does not match its checksum)' });
    // Closed before the refusal is returned, not later.
    if (openOn(file) !== null) expect(openOn(file)).toBe(0);
  });
});

const readAt =
  (handle: FileHandle): ReadAt =>
  async (into, length, position) =>
    (await handle.read(into, 0, length, position)).bytesRead;

describe('a snapshot part', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-part-'));
  const bytes = Buffer.from(Array.from({ length: 23 }, (_, i) => (i * 37) % 256));
  const file = join(dir, 'part.bin');
  writeFileSync(file, bytes);

  it('is read and checked piece by piece through a smaller buffer, the CRC of the whole', async () => {
    const handle = await open(file, 'r');
    try {
      const part = new Uint8Array(20);
      const crc = await readPart(readAt(handle), part, 2, new Uint8Array(3));
      expect(Buffer.from(part)).toEqual(bytes.subarray(2, 22));
      expect(crc).toBe(crc32(bytes.subarray(2, 22)));
    } finally {
      await handle.close();
    }
  });

  it('is refused when the file ends before it does', async () => {
    const handle = await open(file, 'r');
    try {
      expect(await readPart(readAt(handle), new Uint8Array(20), 5, new Uint8Array(8))).toBeNull();
    } finally {
      await handle.close();
    }
  });
});
