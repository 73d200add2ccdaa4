/**
 * sanad's in-memory vector store as a LangChain `VectorStore`: the rows of `VectorRows`
 * (vector-rows.ts: one contiguous float32 buffer, normalised once on insert so cosine similarity
 * is a dot product, searched exactly by a WASM SIMD kernel or a plain-JS fallback) behind
 * LangChain's interface. It implements the primitive `similaritySearchVectorWithScore`; the rest
 * comes from LangChain or is thin.
 *
 * The core skips LangChain's `Document` objects and calls `addRaw` / `searchRaw` directly.
 */
import { VectorStore, type MaxMarginalRelevanceSearchOptions } from '@langchain/core/vectorstores';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { maximalMarginalRelevance } from '@langchain/core/utils/math';
import { SanadError } from '../errors.js';
import type { ScanKind } from './vector-matrix.js';
import { inputError, matchesMetadata, type Metadata, type MetadataFilter } from './vector-scan.js';
import { VectorRows, type ExportedRows, type RawHit, type VectorRowsOptions } from './vector-rows.js';

export { matchesMetadata, type Metadata, type MetadataFilter } from './vector-scan.js';
export type { RawHit } from './vector-rows.js';

/** LangChain's function filter: called only for rows whose score could enter the top k. */
export type DocumentFilter = (doc: DocumentInterface) => boolean;
export type VectorStoreFilter = DocumentFilter | MetadataFilter;
export type FloatVectorStoreOptions = VectorRowsOptions;

const noEmbeddings: EmbeddingsInterface = {
  embedQuery: () => Promise.reject(new SanadError('vector_store_no_embedder', 'this vector store was created without an embedder')),
  embedDocuments: () => Promise.reject(new SanadError('vector_store_no_embedder', 'this vector store was created without an embedder')),
};

export class FloatVectorStore extends VectorStore {
  declare FilterType: VectorStoreFilter;

  private readonly rows: VectorRows;

  _vectorstoreType(): string {
    return 'sanad-float32';
  }

  constructor(embeddings?: EmbeddingsInterface, options: FloatVectorStoreOptions = {}) {
    super(embeddings ?? noEmbeddings, options);
    this.rows = new VectorRows(options);
  }

  // ---------------------------------------------------------------- the rows, as VectorRows has them

  /** Number of vectors held. */
  get size(): number {
    return this.rows.size;
  }

  /** Vector dimension, 0 until known. */
  get dim(): number {
    return this.rows.dim;
  }

  /** Which scan answers queries: the WASM SIMD kernel or the plain-JS fallback. */
  get scan(): ScanKind {
    return this.rows.scan;
  }

  /** See `VectorRows.compactScan`. */
  get compactScan(): boolean {
    return this.rows.compactScan;
  }

  /** Bytes allocated for vectors (capacity and a small query/score scratch included). */
  get vectorBytes(): number {
    return this.rows.vectorBytes;
  }

  /** See `VectorRows.prepareCompactScan`. */
  prepareCompactScan(): Promise<void> {
    return this.rows.prepareCompactScan();
  }

  /** See `VectorRows.addRaw`. */
  addRaw(
    vectors: Float32Array[] | Float32Array | number[][],
    metadatas: Metadata[],
    ids?: (string | undefined)[],
    contents?: string[],
  ): string[] {
    return this.rows.addRaw(vectors, metadatas, ids, contents);
  }

  /** See `VectorRows.searchRaw`. */
  searchRaw(query: ArrayLike<number>, k: number, allow?: (row: number) => boolean): RawHit[] {
    return this.rows.searchRaw(query, k, allow);
  }

  scoreRows(query: ArrayLike<number>, rows: ArrayLike<number>): Float32Array {
    return this.rows.scoreRows(query, rows);
  }

  removeWhere(pred: (metadata: Metadata, id: string, row: number) => boolean): number {
    return this.rows.removeWhere(pred);
  }

  clear(): void {
    this.rows.clear();
  }

  vector(row: number): Float32Array {
    return this.rows.vector(row);
  }

  metadata(row: number): Metadata | undefined {
    return this.rows.metadata(row);
  }

  id(row: number): string | undefined {
    return this.rows.id(row);
  }

  rowOf(id: string): number | undefined {
    return this.rows.rowOf(id);
  }

  exportRows(): ExportedRows {
    return this.rows.exportRows();
  }

  importRows(rows: ExportedRows): void {
    this.rows.importRows(rows);
  }

  // ---------------------------------------------------------------- LangChain VectorStore

  override async addVectors(vectors: number[][], documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    if (vectors.length !== documents.length) throw inputError(`${vectors.length} vectors for ${documents.length} documents`);
    return this.rows.addRaw(
      vectors,
      documents.map((doc) => doc.metadata as Metadata),
      documents.map((doc, i) => options?.ids?.[i] ?? doc.id),
      documents.map((doc) => doc.pageContent),
    );
  }

  override async addDocuments(documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    const vectors = await this.embeddings.embedDocuments(documents.map((doc) => doc.pageContent));
    return this.addVectors(vectors, documents, options);
  }

  override async similaritySearchVectorWithScore(
    query: number[],
    k: number,
    filter?: this['FilterType'],
  ): Promise<[DocumentInterface, number][]> {
    return this.search(query, k, filter).map(({ row, score }) => [this.document(row), score]);
  }

  override async maxMarginalRelevanceSearch(
    query: string,
    options: MaxMarginalRelevanceSearchOptions<this['FilterType']>,
  ): Promise<DocumentInterface[]> {
    const queryVector = await this.embeddings.embedQuery(query);
    const candidates = this.search(queryVector, options.fetchK ?? 20, options.filter);
    const vectors = candidates.map(({ row }) => Array.from(this.vector(row)));
    const picked = maximalMarginalRelevance(queryVector, vectors, options.lambda, options.k);
    return picked.map((i) => this.document(candidates[i]!.row));
  }

  /** Deletes by id (`{ ids }`) or by filter (`{ filter }`); unknown ids are ignored. */
  override async delete(params?: { ids?: string[]; filter?: VectorStoreFilter }): Promise<void> {
    if (!params || (!params.ids && !params.filter)) {
      throw new SanadError('vector_store_input', 'delete needs { ids } or { filter }', { hint: 'use clear() to remove everything' });
    }
    const doomed = new Set(params.ids ?? []);
    const filter = params.filter;
    this.rows.removeWhere((metadata, id, row) => {
      if (doomed.has(id)) return true;
      if (!filter) return false;
      return typeof filter === 'function' ? filter(this.document(row)) : matchesMetadata(metadata, filter);
    });
  }

  static override async fromTexts(
    texts: string[],
    metadatas: object[] | object,
    embeddings: EmbeddingsInterface,
    options: FloatVectorStoreOptions = {},
  ): Promise<FloatVectorStore> {
    const docs = texts.map(
      (pageContent, i) => new Document({ pageContent, metadata: (Array.isArray(metadatas) ? metadatas[i] : metadatas) ?? {} }),
    );
    return FloatVectorStore.fromDocuments(docs, embeddings, options);
  }

  static override async fromDocuments(
    docs: DocumentInterface[],
    embeddings: EmbeddingsInterface,
    options: FloatVectorStoreOptions = {},
  ): Promise<FloatVectorStore> {
    const store = new FloatVectorStore(embeddings, options);
    await store.addDocuments(docs);
    return store;
  }

  private search(query: ArrayLike<number>, k: number, filter: VectorStoreFilter | undefined): Array<{ row: number; score: number }> {
    if (typeof filter === 'function') return this.rows.search(query, k, (row) => filter(this.document(row)));
    return this.rows.search(query, k, filter ?? undefined);
  }

  private document(row: number): Document {
    return new Document({ pageContent: this.rows.content(row), metadata: this.rows.metadata(row)!, id: this.rows.id(row)! });
  }
}
