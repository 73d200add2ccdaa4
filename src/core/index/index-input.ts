/**
 * What goes into the index for a set of documents (their titles' terms, each paragraph's chunks,
 * terms and vectors), and how it is put in.
 */
import type { KnowledgeDocument, Paragraph } from '../knowledge/types.js';
import { terms } from '../text/index.js';
import { CHUNK_CHARS, continuesPrevious, paragraphTerms, splitLong } from './analysis.js';
import type { Embedder } from './embedder.js';
import { embeddingKey } from './embedding-cache.js';
import type { IndexParts } from './index-state.js';
import { yieldToSearches } from './search-gate.js';
import { CountedTerms, type CountedRows, type RowText, type TermsReader } from './row-terms.js';

export interface PreparedParagraph {
  paragraph: Paragraph;
  previous?: Paragraph;
  chunks: string[];
  terms?: string[];
  /** The words `terms` learnt, in order, for the spelling variants. */
  words?: [string, string][];
}

/** Documents ready to go into the index (see `KnowledgeIndex.prepare` and `apply`). */
export interface PreparedDocuments {
  docs: KnowledgeDocument[];
  titleTerms: string[][];
  titleWords: [string, string][];
  pending: PreparedParagraph[];
  vectors: Float32Array[];
}

/** Paragraphs chunked, embedded and indexed together by `buildParts`. */
const BUILD_BATCH = 2048;
/** What a prepared paragraph is replaced with once it is in the index. */
const EMPTY_PARAGRAPH: PreparedParagraph = { paragraph: null as unknown as Paragraph, chunks: [] };
/** What a vector is replaced with once it is in the index. */
const NO_VECTOR = new Float32Array(0);

/** Each document's title terms, and the words they were made from, in order (for the spelling variants). */
export function titlesOf(docs: KnowledgeDocument[]): { titleTerms: string[][]; titleWords: [string, string][] } {
  const titleWords: [string, string][] = [];
  const titleTerms = docs.map((doc) => terms(doc.title, doc.lang, (token, stemmed) => titleWords.push([token, stemmed])));
  return { titleTerms, titleWords };
}

/** The paragraphs to index (duplicates left out), each with the one before it. */
export function* paragraphsOf(docs: KnowledgeDocument[]): Generator<{ paragraph: Paragraph; previous?: Paragraph }> {
  for (const doc of docs) {
    for (const [i, paragraph] of doc.paragraphs.entries()) {
      if (!paragraph.duplicateOf) yield { paragraph, previous: i > 0 ? doc.paragraphs[i - 1] : undefined };
    }
  }
}

export function paragraphCount(docs: KnowledgeDocument[]): number {
  let n = 0;
  for (const doc of docs) for (const p of doc.paragraphs) if (!p.duplicateOf) n++;
  return n;
}

/** The texts a paragraph is embedded as: its title and section, then the paragraph or each piece of a long one. */
export async function chunksOf(paragraph: Paragraph): Promise<string[]> {
  const head = [paragraph.title, paragraph.section].filter(Boolean).join(' — ');
  const chunks = paragraph.text.length <= CHUNK_CHARS ? [paragraph.text] : await splitLong(paragraph.text);
  return chunks.map((c) => `${head}\n${c}`);
}

export function putTitles(parts: IndexParts, docs: KnowledgeDocument[], titleTerms: string[][], titleWords: [string, string][]): void {
  docs.forEach((doc, i) => {
    parts.documents.set(doc.document, doc);
    parts.titles.add(doc.document, titleTerms[i]!);
  });
  for (const [token, stemmed] of titleWords) parts.spelling.learnWord(token, stemmed);
}

/**
 * Puts paragraphs in the next rows, with their chunks' vectors in order; `counted`: their terms
 * counted by a worker (see row-terms.ts), read here otherwise.
 */
export function putParagraphs(
  parts: IndexParts,
  pending: PreparedParagraph[],
  vectors: Float32Array[],
  counted?: { terms: CountedTerms; rows: CountedRows },
): void {
  const { bm25, paragraphs, vectors: store, spelling } = parts;
  const learnWord = (token: string, stemmed: string) => spelling.learnWord(token, stemmed);
  const nextCounted = counted?.terms.take(counted.rows);
  let v = 0;
  for (const [p, { paragraph, previous, chunks, terms: own, words }] of pending.entries()) {
    // Each paragraph's chunk texts, terms and vectors are let go once it is in: at 100k
    // paragraphs they were all held to the end of the build, at its peak.
    pending[p] = EMPTY_PARAGRAPH;
    yieldToSearches();
    if (words) for (const [token, stemmed] of words) learnWord(token, stemmed);
    const row = nextCounted ? nextCounted() : bm25.add(own ?? paragraphTerms(paragraph, previous, learnWord, false));
    paragraphs.set(row, paragraph);
    const ids = chunks.map((_, i) => paragraphs.addChunk(row, `${paragraph.id}#${i}`));
    const metadatas = chunks.map((chunk) => ({ row, document: paragraph.document, key: embeddingKey(chunk) }));
    store.addRaw(vectors.slice(v, v + chunks.length), metadatas, ids);
    vectors.fill(NO_VECTOR, v, v + chunks.length);
    v += chunks.length;
  }
}

/** What a worker reads of a paragraph for its terms (the paragraph before only when they take it in). */
function rowText({ paragraph: p, previous }: PreparedParagraph): RowText {
  const row: RowText = { title: p.title, section: p.section, text: p.text, lang: p.lang };
  if (previous && continuesPrevious(p)) row.previous = { text: previous.text, lang: previous.lang };
  return row;
}

/**
 * Fills empty parts with documents (`KnowledgeIndex.build`), a batch of paragraphs at a time, so
 * only two batches' chunk texts and vectors are held at once (all of them were 300 MB at the peak
 * of a 100k-paragraph build). Progress counts paragraphs. With a `reader`, the paragraphs' terms
 * are read and counted elsewhere (the embedding worker) while this thread puts the batch before.
 */
export async function buildParts(
  parts: IndexParts,
  embedder: Embedder,
  docs: KnowledgeDocument[],
  onProgress?: (done: number, total: number) => void,
  reader?: TermsReader,
): Promise<void> {
  const { titleWords, titleTerms } = titlesOf(docs);
  putTitles(parts, docs, titleTerms, titleWords);
  const total = paragraphCount(docs);
  let done = 0;
  // Two batches may be embedded at once (an embedder without a queue): progress only grows.
  let reported = 0;
  const report = (at: number) => {
    if (at > reported) onProgress?.((reported = at), total);
  };
  let batch: PreparedParagraph[] = [];
  // One batch is embedded while the one before it goes in, in order: with the embedder in a
  // worker thread (a cold build), both cores work.
  type Embedding = { batch: PreparedParagraph[]; vectors: Promise<Float32Array[]>; counted: Promise<CountedRows | null> | null };
  let embedding: Embedding | null = null;
  const terms = reader && new CountedTerms(parts.bm25, parts.spelling);
  const putEmbedded = async () => {
    if (!embedding) return;
    const { batch: embedded, vectors, counted } = embedding;
    embedding = null;
    const rows = await counted;
    putParagraphs(parts, embedded, await vectors, terms && rows ? { terms, rows } : undefined);
    done += embedded.length;
  };
  const flush = async () => {
    const before = done + (embedding?.batch.length ?? 0);
    const size = batch.length;
    // Both awaited below; a failure meanwhile must not count as unhandled.
    const counted = reader?.count(batch.map(rowText)) ?? null;
    counted?.catch(() => undefined);
    const vectors = embedder.embedDocuments(
      batch.flatMap((p) => p.chunks),
      onProgress && ((d, t) => report(before + Math.round((d / t) * size))),
    );
    vectors.catch(() => undefined);
    const next: Embedding = { batch, vectors, counted };
    batch = [];
    await putEmbedded();
    embedding = next;
  };
  for (const item of paragraphsOf(docs)) {
    batch.push({ ...item, chunks: await chunksOf(item.paragraph) });
    if (batch.length === BUILD_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  await putEmbedded();
}
