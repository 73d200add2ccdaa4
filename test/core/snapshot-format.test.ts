/**
 * The snapshot's parts (issue 18, format 4): documents and their texts come back exactly as
 * written, each part's CRC-32 is checked as it is read (a change in any one part is caught),
 * and the vectors are read straight into a matrix the vector store adopts.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KnowledgeDocument, Paragraph } from '../../src/core/knowledge/types.js';
import { localEmbedder } from '../../src/core/index/embedder.js';
import { KnowledgeIndex } from '../../src/core/index/knowledge-index.js';
import { documentParts, documentsFromParts } from '../../src/core/index/snapshot-documents.js';
import { readSnapshot, writeSnapshot } from '../../src/core/index/snapshot.js';
import { runAtOnce } from '../../src/core/index/steps.js';
import { VectorMatrix } from '../../src/core/index/vector-matrix.js';
import { VectorRows } from '../../src/core/index/vector-rows.js';
import { documentFromParagraphs } from '../../src/core/knowledge/index.js';

const embedder = localEmbedder();

function docs(): KnowledgeDocument[] {
  return [
    // Latin-1 with an odd number of characters, before a document kept as UTF-16.
    documentFromParagraphs({ document: 'fr.md', collection: 'main', title: 'Réunions', paragraphs: ["L'équipe se réunit à neuf heures."] }),
    documentFromParagraphs({
      document: 'ar/one.md',
      collection: 'ar',
      title: 'مكافحة الإرهاب',
      paragraphs: ['وقال السفير الفرنسي إن بلاده ستقدم مشروع قرار.', 'وأعلنت عن عملية برخان في دول الساحل ٢٠١٩ 🇫🇷.'],
    }),
    documentFromParagraphs({
      document: 'two.md',
      collection: 'main',
      title: 'Leave',
      paragraphs: ['Employees get 25 days of paid leave.'],
    }),
  ];
}

function roundTrip(documents: KnowledgeDocument[]): KnowledgeDocument[] {
  const parts = documentParts(documents);
  const bytes = (chunks: Iterable<Uint8Array>) => new Uint8Array(Buffer.concat([...chunks]));
  return documentsFromParts(bytes(parts.json), bytes(parts.texts), parts.textWidths, parts.textLengths);
}

describe('the snapshot format', () => {
  it('gives back the documents exactly: texts, key order, a text that is not well-formed UTF-16, an empty one', () => {
    const documents = docs();
    const odd: Paragraph = { ...documents[2]!.paragraphs[0]!, id: 'odd', n: 2, text: 'half a pair \ud83d here', duplicateOf: 'x' };
    const empty: Paragraph = { ...documents[2]!.paragraphs[0]!, id: 'empty', n: 3, text: '', page: undefined };
    documents[2]!.paragraphs.push(odd, empty);
    expect(documents[0]!.paragraphs[0]!.text.length % 2).toBe(1);
    const back = roundTrip(documents);
    expect(back).toEqual(documents);
    expect('page' in back[2]!.paragraphs[2]!).toBe(false);
    expect(JSON.stringify(back)).toBe(JSON.stringify(documents));
    expect(back[2]!.paragraphs[1]!.text).toBe('half a pair \ud83d here');
    // The fields a paragraph repeats from its document are one string again.
    expect(back[1]!.paragraphs[1]!.title).toBe(back[1]!.title);
  });

  it('refuses texts that do not agree with their lengths', () => {
    const parts = documentParts(docs());
    const bytes = (chunks: Iterable<Uint8Array>) => new Uint8Array(Buffer.concat([...chunks]));
    const lengths = parts.textLengths.slice();
    lengths[1] = lengths[1]! + 1;
    expect(() => documentsFromParts(bytes(parts.json), bytes(parts.texts), parts.textWidths, lengths)).toThrow(/do not agree/);
  });

  it('reads back an index that answers as the one written, its vectors adopted by the store without a copy', async () => {
    const index = new KnowledgeIndex(embedder);
    await index.addDocuments(docs());
    const file = join(mkdtempSync(join(tmpdir(), 'sanad-format-')), 'index.bin');
    await writeSnapshot(file, embedder.id, index.exportState(), { fingerprints: [['two.md', { stat: 's', hash: 'h' }]] });

    const read = await readSnapshot(file, embedder.id);
    if (!('state' in read)) throw new Error(`not read: ${JSON.stringify(read)}`);
    expect(read.extras.fingerprints).toEqual([['two.md', { stat: 's', hash: 'h' }]]);
    expect(read.state.vectors.matrix).toBeInstanceOf(VectorMatrix);
    expect(read.state.vectors.data.buffer).toBe(read.state.vectors.matrix!.data.buffer);
    // What the search helper thread reads is read straight into shared memory (search-helper.ts).
    for (const array of [read.state.bm25.postings, read.state.bm25.lengths, read.state.bm25.alive]) {
      expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
    expect(read.state.bm25.counts.buffer).toBeInstanceOf(ArrayBuffer);
    const restored = KnowledgeIndex.fromState(embedder, read.state);
    for (const question of ['السفير الفرنسي', 'paid leave']) {
      const lang = question.startsWith('p') ? 'en' : 'ar';
      expect(await restored.search(question, lang, { k: 5 })).toEqual(await index.search(question, lang, { k: 5 }));
    }
    // The restored index still takes documents (the adopted matrix grows).
    await restored.addDocuments([
      documentFromParagraphs({ document: 'three.md', collection: 'main', title: 'Vault', paragraphs: ['The vault keeps contracts.'] }),
    ]);
    expect((await restored.search('vault contracts', 'en', { k: 1 }))[0]?.paragraph.document).toBe('three.md');
  });

  it('catches a change in any one part, by that part', async () => {
    const index = new KnowledgeIndex(embedder);
    await index.addDocuments(docs());
    const file = join(mkdtempSync(join(tmpdir(), 'sanad-format-')), 'index.bin');
    await writeSnapshot(file, embedder.id, index.exportState(), { fingerprints: [] });
    const good = readFileSync(file);
    const headerEnd = good.indexOf(10, good.indexOf(10) + 1) + 1;
    const header = JSON.parse(good.subarray(good.indexOf(10) + 1, headerEnd - 1).toString('utf8')) as {
      parts: Record<string, [number, number, number]>;
    };
    const names = Object.keys(header.parts);
    expect(names).toEqual(expect.arrayContaining(['meta', 'documents', 'texts', 'textLengths', 'postings', 'vectors']));
    for (const name of names) {
      const [offset, length] = header.parts[name]!;
      if (length === 0) continue;
      const bad = Buffer.from(good);
      const at = headerEnd + offset + Math.floor(length / 2);
      bad[at] = bad[at]! ^ 0x01;
      writeFileSync(file, bad);
      expect(await readSnapshot(file, embedder.id)).toEqual({ reason: `is damaged (part ${name} does not match its checksum)` });
    }
    writeFileSync(file, good);
    expect('state' in (await readSnapshot(file, embedder.id))).toBe(true);
    expect(await readSnapshot(file, 'another-embedder')).toEqual({ reason: 'was built with another embedding model' });
  });

  it('a store adopts a matrix only when it holds exactly the rows given, and copies otherwise', () => {
    const matrix = new VectorMatrix(4, { initialRows: 2 });
    matrix.data.set([1, 0, 0, 0, 0, 1, 0, 0]);
    matrix.count = 2;
    const rows = { dim: 4, ids: ['a', 'b'], metadatas: [{}, {}], vectors: matrix.data.subarray(0, 8), matrix };
    const adopted = new VectorRows();
    runAtOnce(adopted.importingRows(rows));
    const copied = new VectorRows();
    runAtOnce(copied.importingRows({ ...rows, vectors: Float32Array.from(rows.vectors) }));
    expect(adopted.search([0, 1, 0, 0], 1)[0]?.row).toBe(1);
    expect(copied.search([0, 1, 0, 0], 1)[0]?.row).toBe(1);
    // The adopted store scans the very memory it was given; the copy does not.
    matrix.data.set([0, 0, 1, 0], 4);
    expect(Array.from(adopted.vector(1))).toEqual([0, 0, 1, 0]);
    expect(Array.from(copied.vector(1))).toEqual([0, 1, 0, 0]);
  });
});
