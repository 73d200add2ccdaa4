/**
 * The vector store without LangChain: rows of unit vectors (one contiguous float32 buffer,
 * `vector-matrix.ts`) with an id and metadata each, searched exactly (`vector-scan.ts`). The
 * core indexes through this class; `FloatVectorStore` (vector-store.ts) puts LangChain's
 * `VectorStore` interface on it.
 */
import { runAtOnce, type Steps } from './steps.js';
import { VectorMatrix, norm, type ScanKind } from './vector-matrix.js';
import {
  dimensionError,
  inputError,
  rowMask,
  scanTopK,
  scoreRows,
  type ExportedRows,
  type Metadata,
  type MetadataFilter,
  type RawHit,
  type RowMask,
} from './vector-scan.js';

export type { ExportedRows, RawHit } from './vector-scan.js';

export interface VectorRowsOptions {
  /** Vector dimension; otherwise taken from the first vectors added. */
  dim?: number;
  /** Use the WASM SIMD kernel when the runtime supports it (default true). */
  wasm?: boolean;
  /** Rows to allocate up front. */
  initialRows?: number;
  /** From this many rows searches scan an int8 copy and rescore (default `COMPACT_MIN_ROWS`). */
  compactFrom?: number;
}

const MASK_CACHE_LIMIT = 32;
/** Rows copied between two event-loop turns by `importingRows` (8 MB of 512-float vectors). */
const IMPORT_STEP_ROWS = 4096;

export class VectorRows {
  private matrix: VectorMatrix | null = null;
  private metadatas: Metadata[] = [];
  private contents: string[] = [];
  private ids: string[] = [];
  private rowById = new Map<string, number>();
  private nextId = 1;
  /** Bumped on every mutation; invalidates cached metadata masks. */
  private version = 0;
  private masks = new Map<string, RowMask>();
  private readonly settings: VectorRowsOptions;

  constructor(options: VectorRowsOptions = {}) {
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

  /** True when searches scan an int8 copy and rescore its candidates (see `prepareCompactScan`). */
  get compactScan(): boolean {
    return this.matrix?.compactScan ?? false;
  }

  /** Bytes allocated for vectors (capacity and a small query/score scratch included). */
  get vectorBytes(): number {
    return this.matrix?.allocatedBytes ?? 0;
  }

  /**
   * Adds vectors (an array of vectors, or one flat array of `metadatas.length` rows) with their
   * metadata. An id that is already present replaces that row in place. Returns the ids.
   */
  addRaw(
    vectors: Float32Array[] | Float32Array | number[][],
    metadatas: Metadata[],
    ids?: (string | undefined)[],
    contents?: string[],
  ): string[] {
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
    return scoreRows(this.matrix, query, rows);
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
  exportRows(): ExportedRows {
    const matrix = this.matrix;
    if (!matrix) return { dim: 0, vectors: new Float32Array(0), ids: [], metadatas: [] };
    const { dim, stride, count, data } = matrix;
    if (stride === dim) return { dim, vectors: data.subarray(0, count * dim), ids: [...this.ids], metadatas: [...this.metadatas] };
    const vectors = new Float32Array(count * dim);
    for (let row = 0; row < count; row++) vectors.set(data.subarray(row * stride, row * stride + dim), row * dim);
    return { dim, vectors, ids: [...this.ids], metadatas: [...this.metadatas] };
  }

  /** Replaces the contents with exported rows, bit for bit (they are not normalised again). */
  importRows(rows: ExportedRows): void {
    runAtOnce(this.importingRows(rows));
  }

  /**
   * `importRows` in steps of a few thousand rows (see steps.ts): copying 100k vectors at once
   * held the event loop for up to a second while a re-indexed version was swapped in.
   */
  *importingRows(rows: ExportedRows): Steps<void> {
    this.clear();
    const n = rows.ids.length;
    if (n === 0) return;
    if (rows.metadatas.length !== n || rows.vectors.length !== n * rows.dim)
      throw inputError(`${n} ids for ${rows.vectors.length / rows.dim} vectors`);
    if (this.adopts(rows)) this.matrix = rows.matrix!;
    const matrix = this.ensureMatrix(rows.dim);
    matrix.reserve(n, true);
    matrix.rowsWritten(0);
    const { dim, stride, data } = matrix;
    for (let from = matrix === rows.matrix ? n : 0; from < n; from += IMPORT_STEP_ROWS) {
      const to = Math.min(n, from + IMPORT_STEP_ROWS);
      if (stride === dim) data.set(rows.vectors.subarray(from * dim, to * dim), from * dim);
      else for (let row = from; row < to; row++) data.set(rows.vectors.subarray(row * dim, (row + 1) * dim), row * stride);
      yield;
    }
    matrix.count = n;
    this.ids = [...rows.ids];
    this.metadatas = [...rows.metadatas];
    this.contents = new Array<string>(n).fill('');
    // The id map in steps too: 100k ids at once held the event loop for a second or more while
    // a re-indexed version was assembled (the row copies above were already in steps).
    for (let row = 0; row < n; row++) {
      this.rowById.set(this.ids[row]!, row);
      if (row % IMPORT_STEP_ROWS === IMPORT_STEP_ROWS - 1) yield;
    }
    this.version++;
  }

  /**
   * Makes the int8 copy that searches of a big store scan (vector-int8.ts) now, in slices;
   * otherwise the first search begins it and searches stay exact float32 scans until it is done.
   */
  prepareCompactScan(): Promise<void> {
    return this.matrix?.prepareCompact() ?? Promise.resolve();
  }

  /** The text stored with a row ('' when none was given). */
  content(row: number): string {
    return this.contents[row] ?? '';
  }

  /**
   * The k best rows for `query`, best first: all rows, those a metadata filter matches, or
   * those a function of the row allows (asked only about rows that could enter the top k).
   */
  search(query: ArrayLike<number>, k: number, filter?: MetadataFilter | ((row: number) => boolean)): Array<{ row: number; score: number }> {
    if (filter === undefined || filter === null) return scanTopK(this.matrix, query, k, null);
    if (typeof filter === 'function') return scanTopK(this.matrix, query, k, null, filter);
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

  /** Whether the rows' own matrix can serve as this store's (it holds them, and scans as this store would). */
  private adopts(rows: ExportedRows): boolean {
    const m = rows.matrix;
    if (!m || m.dim !== rows.dim || m.count !== rows.ids.length || (this.matrix && this.matrix.dim !== rows.dim)) return false;
    const data = m.data.subarray(0, m.count * m.stride);
    if (
      m.stride !== rows.dim ||
      rows.vectors.buffer !== data.buffer ||
      rows.vectors.byteOffset !== data.byteOffset ||
      rows.vectors.length !== data.length
    )
      return false;
    return this.settings.wasm !== false || m.scan === 'js';
  }

  private ensureMatrix(dim: number): VectorMatrix {
    if (this.matrix) {
      if (this.matrix.dim !== dim) throw dimensionError(dim, this.matrix.dim);
      return this.matrix;
    }
    if (!Number.isInteger(dim) || dim <= 0) throw inputError(`invalid vector dimension ${dim}`);
    this.matrix = new VectorMatrix(dim, {
      wasm: this.settings.wasm ?? true,
      initialRows: this.settings.initialRows ?? 16,
      compactFrom: this.settings.compactFrom,
    });
    return this.matrix;
  }

  private generateId(): string {
    let id = `v${this.nextId++}`;
    while (this.rowById.has(id)) id = `v${this.nextId++}`;
    return id;
  }
}
