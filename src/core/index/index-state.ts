/**
 * A built index as plain data and back (snapshot.ts writes and reads it; a worker thread hands
 * its build over in it). Rows and vectors keep their order, so a restored index ranks exactly as
 * the one saved, ties included.
 */
import type { KnowledgeDocument, Paragraph } from '../knowledge/types.js';
import { terms } from '../text/index.js';
import { Bm25Index, type Bm25Pieces, type Bm25State } from './bm25.js';
import { ParagraphRows } from './paragraph-rows.js';
import { SpellingVariants } from './spelling.js';
import type { Steps } from './steps.js';
import { TitleField } from './title-field.js';
import type { VectorMatrix } from './vector-matrix.js';
import { VectorRows } from './vector-rows.js';

export const BM25_PARAMETERS = { k1: 1.2, b: 0.75 };

/** Everything a built index holds, as plain data (the postings flat, or in pieces for a snapshot). */
export interface IndexState<Postings extends Bm25State | Bm25Pieces = Bm25State> {
  /** In the order they were added. */
  documents: KnowledgeDocument[];
  /** Per BM25 row: its document's position in `documents` and its paragraph's, or -1, -1 once removed. */
  rows: Int32Array;
  bm25: Postings;
  vectors: {
    dim: number;
    /** Unit vectors, `dim` floats a chunk, in store order. */
    data: Float32Array;
    /** The BM25 row each chunk belongs to. */
    owners: Int32Array;
    /** The embedding cache key of each chunk's text. */
    keys: string[];
    /** `data` already in a vector store's matrix (a snapshot reads it there), which the store adopts. */
    matrix?: VectorMatrix;
  };
  spelling: [string, [string, string][]][];
}

/** The parts of a `KnowledgeIndex`, each keyed by paragraph row. */
export interface IndexParts {
  documents: Map<string, KnowledgeDocument>;
  paragraphs: ParagraphRows;
  bm25: Bm25Index;
  titles: TitleField;
  /** Chunk vectors; each row's metadata names the paragraph row it belongs to and its text's cache key. */
  vectors: VectorRows;
  spelling: SpellingVariants;
}

export function emptyParts(): IndexParts {
  return {
    documents: new Map(),
    paragraphs: new ParagraphRows(),
    bm25: new Bm25Index(BM25_PARAMETERS),
    titles: new TitleField(),
    vectors: new VectorRows(),
    spelling: new SpellingVariants(),
  };
}

export function exportIndexState(parts: IndexParts): IndexState;
export function exportIndexState(parts: IndexParts, pieces: 'pieces'): IndexState<Bm25Pieces>;
export function exportIndexState(parts: IndexParts, pieces?: 'pieces'): IndexState<Bm25State | Bm25Pieces> {
  const documents = [...parts.documents.values()];
  const where = new Map<Paragraph, [number, number]>();
  documents.forEach((doc, d) => doc.paragraphs.forEach((p, i) => where.set(p, [d, i])));
  const rows = new Int32Array(parts.paragraphs.length * 2).fill(-1);
  for (let row = 0; row < parts.paragraphs.length; row++) {
    const p = parts.paragraphs.at(row);
    const at = p ? where.get(p) : undefined;
    if (!at) continue;
    rows[2 * row] = at[0];
    rows[2 * row + 1] = at[1];
  }
  const exported = parts.vectors.exportRows();
  return {
    documents,
    rows,
    bm25: pieces ? parts.bm25.exportPieces() : parts.bm25.exportState(),
    vectors: {
      dim: exported.dim,
      data: exported.vectors,
      owners: Int32Array.from(exported.metadatas, (m) => m.row as number),
      keys: exported.metadatas.map((m) => m.key as string),
    },
    spelling: parts.spelling.exportState(),
  };
}

/** The parts of an index exactly as exported, in small steps (see steps.ts). */
export function* restoringParts(state: IndexState): Steps<IndexParts> {
  const parts = emptyParts();
  for (const [d, doc] of state.documents.entries()) {
    parts.documents.set(doc.document, doc);
    parts.titles.add(doc.document, terms(doc.title, doc.lang));
    if (d % 64 === 63) yield;
  }
  const rowCount = state.rows.length / 2;
  let live = 0;
  for (let row = 0; row < rowCount; row++) {
    const d = state.rows[2 * row]!;
    const paragraph = d >= 0 ? state.documents[d]?.paragraphs[state.rows[2 * row + 1]!] : null;
    if (paragraph === undefined) throw new RangeError(`row ${row} names no paragraph`);
    parts.paragraphs.set(row, paragraph);
    if (paragraph) live++;
    if (row % 2048 === 2047) yield;
  }
  parts.bm25 = yield* Bm25Index.restoring(state.bm25, BM25_PARAMETERS);
  if (parts.bm25.size !== live) throw new RangeError('BM25 rows and paragraphs do not agree');
  const { owners, keys } = state.vectors;
  const ids: string[] = [];
  const metadatas: { row: number; document: string; key: string }[] = [];
  for (let i = 0; i < owners.length; i++) {
    const row = owners[i]!;
    const paragraph = parts.paragraphs.at(row);
    if (!paragraph) throw new RangeError(`vector ${i} belongs to no paragraph`);
    ids.push(parts.paragraphs.addChunk(row, `${paragraph.id}#${parts.paragraphs.chunksOf(row).length}`));
    metadatas.push({ row, document: paragraph.document, key: keys[i]! });
    if (i % 2048 === 2047) yield;
  }
  yield* parts.vectors.importingRows({ dim: state.vectors.dim, vectors: state.vectors.data, ids, metadatas, matrix: state.vectors.matrix });
  parts.spelling = SpellingVariants.fromState(state.spelling);
  return parts;
}
