/**
 * sanad's in-memory vector store: a LangChain `VectorStore` whose vectors sit in one contiguous
 * float32 buffer, normalised once on insert so cosine similarity is a dot product. Search is
 * exact: every allowed row is scored (WASM SIMD kernel, plain-JS fallback) and a size-k heap
 * keeps the best; nothing is sorted but the k results.
 *
 * The core can skip LangChain's `Document` objects and call `addRaw` / `searchRaw` directly.
 */
import { VectorStore, type MaxMarginalRelevanceSearchOptions } from '@langchain/core/vectorstores';
import { Document, type DocumentInterface } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { maximalMarginalRelevance } from '@langchain/core/utils/math';
import { SanadError } from '../errors.js';
import { VectorMatrix, norm, type ScanKind } from './vector-matrix.js';
import {
  dimensionError,
  inputError,
  matchesMetadata,
  rowMask,
  scanTopK,
  type Metadata,
  type MetadataFilter,
  type RowMask,
} from './vector-scan.js';

export { matchesMetadata, type Metadata, type MetadataFilter } from './vector-scan.js';

/** LangChain's function filter: called only for rows whose score could enter the top k. */
export type DocumentFilter = (doc: DocumentInterface) => boolean;
export type VectorStoreFilter = DocumentFilter | MetadataFilter;

export interface RawHit {
  row: number;
  id: string;
  score: number;
  metadata: Metadata;
}

export interface FloatVectorStoreOptions {
  /** Vector dimension; otherwise taken from the first vectors added. */
  dim?: number;
  /** Use the WASM SIMD kernel when the runtime supports it (default true). */
  wasm?: boolean;
  /** Rows to allocate up front. */
  initialRows?: number;
}

const MASK_CACHE_LIMIT = 32;

const noEmbeddings: EmbeddingsInterface = {
  embedQuery: () => Promise.reject(new SanadError('vector_store_no_embedder', 'this vector store was created without an embedder')),
  embedDocuments: () => Promise.reject(new SanadError('vector_store_no_embedder', 'this vector store was created without an embedder')),
};

export class FloatVectorStore extends VectorStore {
  declare FilterType: VectorStoreFilter;

  private matrix: VectorMatrix | null = null;
  private metadatas: Metadata[] = [];
  private contents: string[] = [];
  private ids: string[] = [];
  private rowById = new Map<string, number>();
  private nextId = 1;
  /** Bumped on every mutation; invalidates cached metadata masks. */
  private version = 0;
  private masks = new Map<string, RowMask>();
  private readonly settings: FloatVectorStoreOptions;

  _vectorstoreType(): string {
    return 'sanad-float32';
  }

  constructor(embeddings?: EmbeddingsInterface, options: FloatVectorStoreOptions = {}) {
    super(embeddings ?? noEmbeddings, options);
    this.settings = { ...options };
    if (options.dim !== undefined) this.ensureMatrix(options.dim);
  }

  /** Number of vectors held. */
  get size(): number {
    return this.matrix?.count ?? 0;
  }

  /** Vector dimension, 0 until known. */
  get dim(): number {
    return this.matrix?.dim ?? 0;
  }

  /** Which scan answers queries: the WASM SIMD kernel or the plain-JS fallback. */
  get scan(): ScanKind {
    return this.matrix?.scan ?? (this.settings.wasm === false ? 'js' : 'wasm-simd');
  }

  /** Bytes allocated for vectors (capacity and a small query/score scratch included). */
  get vectorBytes(): number {
    return this.matrix?.allocatedBytes ?? 0;
  }

  // ---------------------------------------------------------------- fast path used by the core

  /**
   * Adds vectors (an array of vectors, or one flat array of `metadatas.length` rows) with their
   * metadata. An id that is already present replaces that row in place. Returns the ids.
   */
  addRaw(vectors: Float32Array[] | Float32Array | number[][], metadatas: Metadata[], ids?: string[], contents?: string[]): string[] {
    const n = metadatas.length;
    if (ids && ids.length !== n) throw inputError(`${ids.length} ids for ${n} vectors`);
    if (contents && contents.length !== n) throw inputError(`${contents.length} texts for ${n} vectors`);
    const flat = vectors instanceof Float32Array ? vectors : null;
    const list = flat ? null : (vectors as ArrayLike<number>[]);
    if (list && list.length !== n) throw inputError(`${list.length} vectors for ${n} metadata entries`);
    if (n === 0) return [];
    const dim = this.matrix?.dim ?? this.settings.dim ?? (flat ? flat.length / n : list![0]!.length);
    if (flat && flat.length !== n * dim) throw dimensionError(flat.length / n, dim);
    if (list) for (const v of list) if (v.length !== dim) throw dimensionError(v.length, dim);
    // lengths first: a non-finite value rejects the whole batch before anything changes
    const norms = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      norms[i] = flat ? norm(flat, i * dim, dim) : norm(list![i]!, 0, dim);
      if (!Number.isFinite(norms[i]!)) throw inputError(`vector ${i} has a non-finite value`);
    }

    const matrix = this.ensureMatrix(dim);
    matrix.reserve(matrix.count + n, matrix.count === 0);
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const id = ids?.[i] ?? this.generateId();
      let row = this.rowById.get(id);
      if (row === undefined) {
        row = matrix.count++;
        this.rowById.set(id, row);
        this.ids.push(id);
        this.metadatas.push(metadatas[i]!);
        this.contents.push(contents?.[i] ?? '');
      } else {
        this.metadatas[row] = metadatas[i]!;
        this.contents[row] = contents?.[i] ?? '';
      }
      matrix.writeRow(row, flat ?? list![i]!, flat ? i * dim : 0, norms[i]!);
      out[i] = id;
    }
    this.version++;
    return out;
  }

  /**
   * The k rows most similar to `query` (cosine), best first, ties to the earlier row. `allow`
   * is asked only about rows whose score could enter the top k.
   */
  searchRaw(query: ArrayLike<number>, k: number, allow?: (row: number) => boolean): RawHit[] {
    return scanTopK(this.matrix, query, k, null, allow).map(({ row, score }) => ({
      row,
      id: this.ids[row]!,
      score,
      metadata: this.metadatas[row]!,
    }));
  }

  /**
   * Cosine of `query` against the given rows only (for fusing with another ranking, which
   * needs the vector score of its own candidates), in the order given.
   */
  scoreRows(query: ArrayLike<number>, rows: ArrayLike<number>): Float32Array {
    const out = new Float32Array(rows.length);
    const matrix = this.matrix;
    if (!matrix || rows.length === 0) return out;
    if (query.length !== matrix.dim) throw dimensionError(query.length, matrix.dim);
    if (!matrix.setQuery(query)) throw inputError('the query vector has a non-finite value');
    const { data, query: q, stride, count } = matrix;
    for (let j = 0; j < rows.length; j++) {
      const row = rows[j]!;
      if (!(row >= 0 && row < count)) throw new RangeError(`no row ${row}`);
      let a = 0;
      let b = 0;
      const base = row * stride;
      for (let i = 0; i < stride; i += 2) {
        a += q[i]! * data[base + i]!;
        b += q[i + 1]! * data[base + i + 1]!;
      }
      out[j] = a + b;
    }
    return out;
  }

  /** Removes every row for which `pred` is true; returns how many were removed. */
  removeWhere(pred: (metadata: Metadata, id: string, row: number) => boolean): number {
    const n = this.size;
    const keep = new Uint8Array(n);
    let removed = 0;
    for (let row = 0; row < n; row++) {
      if (pred(this.metadatas[row]!, this.ids[row]!, row)) removed++;
      else keep[row] = 1;
    }
    if (removed > 0) this.compact(keep);
    return removed;
  }

  /** Removes everything, keeping the allocated buffer. */
  clear(): void {
    if (this.matrix) this.matrix.count = 0;
    this.metadatas = [];
    this.contents = [];
    this.ids = [];
    this.rowById.clear();
    this.version++;
  }

  /** The stored (unit-length) vector of a row. */
  vector(row: number): Float32Array {
    if (!this.matrix || row < 0 || row >= this.matrix.count) throw new RangeError(`no row ${row}`);
    return this.matrix.row(row);
  }

  metadata(row: number): Metadata | undefined {
    return this.metadatas[row];
  }

  id(row: number): string | undefined {
    return this.ids[row];
  }

  rowOf(id: string): number | undefined {
    return this.rowById.get(id);
  }

  /**
   * The stored rows as they are (unit vectors, `dim` floats a row), for a snapshot. The vectors
   * are a view of the store's own buffer when rows are unpadded: read them before the next change.
   */
  exportRows(): { dim: number; vectors: Float32Array; ids: string[]; metadatas: Metadata[] } {
    const matrix = this.matrix;
    if (!matrix) return { dim: 0, vectors: new Float32Array(0), ids: [], metadatas: [] };
    const { dim, stride, count, data } = matrix;
    if (stride === dim) return { dim, vectors: data.subarray(0, count * dim), ids: [...this.ids], metadatas: [...this.metadatas] };
    const vectors = new Float32Array(count * dim);
    for (let row = 0; row < count; row++) vectors.set(data.subarray(row * stride, row * stride + dim), row * dim);
    return { dim, vectors, ids: [...this.ids], metadatas: [...this.metadatas] };
  }

  /** Replaces the contents with exported rows, bit for bit (they are not normalised again). */
  importRows(rows: { dim: number; vectors: Float32Array; ids: string[]; metadatas: Metadata[] }): void {
    this.clear();
    const n = rows.ids.length;
    if (n === 0) return;
    if (rows.metadatas.length !== n || rows.vectors.length !== n * rows.dim)
      throw inputError(`${n} ids for ${rows.vectors.length / rows.dim} vectors`);
    const matrix = this.ensureMatrix(rows.dim);
    matrix.reserve(n, true);
    const { dim, stride, data } = matrix;
    if (stride === dim) data.set(rows.vectors);
    else for (let row = 0; row < n; row++) data.set(rows.vectors.subarray(row * dim, (row + 1) * dim), row * stride);
    matrix.count = n;
    this.ids = [...rows.ids];
    this.metadatas = [...rows.metadatas];
    this.contents = new Array<string>(n).fill('');
    this.rowById = new Map(this.ids.map((id, row) => [id, row]));
    this.version++;
  }

  // ---------------------------------------------------------------- LangChain VectorStore

  override async addVectors(vectors: number[][], documents: DocumentInterface[], options?: { ids?: string[] }): Promise<string[]> {
    if (vectors.length !== documents.length) throw inputError(`${vectors.length} vectors for ${documents.length} documents`);
    const ids = documents.map((doc, i) => options?.ids?.[i] ?? doc.id ?? this.generateId());
    return this.addRaw(
      vectors,
      documents.map((doc) => doc.metadata as Metadata),
      ids,
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
    this.removeWhere((metadata, id, row) => {
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

  // ---------------------------------------------------------------- internals

  private search(query: ArrayLike<number>, k: number, filter: VectorStoreFilter | undefined): Array<{ row: number; score: number }> {
    if (filter === undefined || filter === null) return scanTopK(this.matrix, query, k, null);
    if (typeof filter === 'function') return scanTopK(this.matrix, query, k, null, (row) => filter(this.document(row)));
    return scanTopK(this.matrix, query, k, this.maskFor(filter));
  }

  /** The row mask of a metadata filter, cached until the store changes. */
  private maskFor(filter: MetadataFilter): RowMask {
    const key = JSON.stringify(filter);
    const cached = this.masks.get(key);
    if (cached && cached.version === this.version) return cached;
    const entry = rowMask(this.metadatas, this.size, filter, this.version);
    if (this.masks.size >= MASK_CACHE_LIMIT) this.masks.clear();
    this.masks.set(key, entry);
    return entry;
  }

  private compact(keep: Uint8Array): void {
    const matrix = this.matrix!;
    const n = matrix.count;
    let write = 0;
    let row = 0;
    const metadatas: Metadata[] = [];
    const contents: string[] = [];
    const ids: string[] = [];
    while (row < n) {
      if (keep[row] === 0) {
        row++;
        continue;
      }
      let end = row;
      while (end < n && keep[end] === 1) end++;
      matrix.moveRows(row, write, end - row);
      for (let r = row; r < end; r++) {
        metadatas.push(this.metadatas[r]!);
        contents.push(this.contents[r]!);
        ids.push(this.ids[r]!);
      }
      write += end - row;
      row = end;
    }
    matrix.count = write;
    this.metadatas = metadatas;
    this.contents = contents;
    this.ids = ids;
    this.rowById = new Map(ids.map((id, r) => [id, r]));
    this.version++;
  }

  private ensureMatrix(dim: number): VectorMatrix {
    if (this.matrix) {
      if (this.matrix.dim !== dim) throw dimensionError(dim, this.matrix.dim);
      return this.matrix;
    }
    if (!Number.isInteger(dim) || dim <= 0) throw inputError(`invalid vector dimension ${dim}`);
    this.matrix = new VectorMatrix(dim, { wasm: this.settings.wasm ?? true, initialRows: this.settings.initialRows ?? 16 });
    return this.matrix;
  }

  private generateId(): string {
    let id = `v${this.nextId++}`;
    while (this.rowById.has(id)) id = `v${this.nextId++}`;
    return id;
  }

  private document(row: number): Document {
    return new Document({ pageContent: this.contents[row]!, metadata: this.metadatas[row]!, id: this.ids[row]! });
  }
}
