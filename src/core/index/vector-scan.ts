/**
 * The vector store's scan: a metadata filter as a row mask, and the exact top-k over the rows it
 * allows, block by block through the matrix's kernel.
 */
import { SanadError } from '../errors.js';
import { BLOCK, type VectorMatrix } from './vector-matrix.js';
import type { Int8Query, Int8Rows } from './vector-int8.js';
import { TopK } from './vector-topk.js';

export type Metadata = Record<string, unknown>;

export interface RawHit {
  row: number;
  id: string;
  score: number;
  metadata: Metadata;
}

/** Rows as exported for a snapshot and imported back, bit for bit. */
export interface ExportedRows {
  dim: number;
  vectors: Float32Array;
  ids: string[];
  metadatas: Metadata[];
  /** A matrix holding exactly `vectors` (they are a view of it): imported by adopting it, not copying. */
  matrix?: VectorMatrix;
}

/**
 * Matches rows whose metadata has, for every key, the given value, or one of the given values
 * when an array is given (`{ collection: ['a', 'b'] }`). A metadata value that is itself an array
 * matches when any element does. `undefined` values are ignored, so optional filters can be
 * passed as they are.
 */
export type MetadataFilter = Record<string, unknown>;

export interface RowMask {
  version: number;
  mask: Uint8Array;
  allowed: number;
  /** Allowed rows as [start, end) pairs, when they are few enough to scan run by run. */
  runs: Int32Array | null;
}

/**
 * The k rows most similar to `query`, best first, ties to the earlier row: rows outside `mask`
 * are skipped (run by run when it has runs), `allow` is asked only about rows that could enter.
 */
export function scanTopK(
  matrix: VectorMatrix | null,
  query: ArrayLike<number>,
  k: number,
  mask: RowMask | null,
  allow?: (row: number) => boolean,
): Array<{ row: number; score: number }> {
  const count = matrix?.count ?? 0;
  if (!matrix || count === 0 || !(k > 0)) return [];
  if (query.length !== matrix.dim) throw dimensionError(query.length, matrix.dim);
  if (!matrix.setQuery(query)) throw inputError('the query vector has a non-finite value');
  if (mask && mask.allowed === 0) return [];
  const int8 = matrix.compactRows();
  const q8 = int8?.setQuery(matrix.query);
  if (int8 && q8) return compactTopK(matrix, int8, q8, k, mask, allow);

  const heap = new TopK(Math.min(k, mask ? mask.allowed : count));
  const scores = matrix.scores;
  const bits = mask && !mask.runs ? mask.mask : null;
  const scanRange = (from: number, to: number): void => {
    for (let start = from; start < to; start += BLOCK) {
      const n = Math.min(BLOCK, to - start);
      matrix.scoreBlock(start, n);
      let threshold = heap.threshold;
      for (let i = 0; i < n; i++) {
        const s = scores[i]!;
        if (s < threshold) continue;
        const row = start + i;
        if (!heap.accepts(s, row)) continue;
        if (bits && bits[row] === 0) continue;
        if (allow && !allow(row)) continue;
        heap.push(s, row);
        threshold = heap.threshold;
      }
    }
  };
  forEachRange(mask, count, scanRange);
  return heap.sorted();
}

/**
 * `scanTopK` through the int8 copy: every allowed row whose int8 score's upper bound reaches the
 * k-th best lower bound is a candidate, and the candidates are rescored with the float32 kernel
 * (the exact scan's scores, bit for bit). A row left out scores below k rows kept, so the result
 * is the exact scan's, ties included.
 */
function compactTopK(
  matrix: VectorMatrix,
  int8: Int8Rows,
  q8: Int8Query,
  k: number,
  mask: RowMask | null,
  allow?: (row: number) => boolean,
): Array<{ row: number; score: number }> {
  const { sq, c, e } = q8;
  const size = Math.min(k, mask ? mask.allowed : matrix.count);
  const lows = new TopK(size);
  const scales = int8.scales;
  const dots = int8.scores;
  const bits = mask && !mask.runs ? mask.mask : null;
  let rows = new Int32Array(1024);
  let highs = new Float64Array(1024);
  let n = 0;
  const scanRange = (from: number, to: number): void => {
    for (let start = from; start < to; start += BLOCK) {
      const m = Math.min(BLOCK, to - start);
      int8.scoreBlock(start, m);
      let threshold = lows.threshold;
      // Most rows share few of the query's dimensions: an integer comparison drops them.
      const least = int8.leastDot(start, m, q8, threshold);
      for (let i = 0; i < m; i++) {
        if (dots[i]! < least) continue;
        const s = scales[start + i]!;
        const high = s * (sq * dots[i]! + c) + e;
        if (high < threshold) continue;
        const row = start + i;
        if (bits && bits[row] === 0) continue;
        if (allow && !allow(row)) continue;
        const low = high - 2 * (s * c + e);
        if (lows.accepts(low, row)) {
          lows.push(low, row);
          threshold = lows.threshold;
        }
        if (n === rows.length) {
          rows = grow(rows, new Int32Array(2 * n));
          highs = grow(highs, new Float64Array(2 * n));
        }
        rows[n] = row;
        highs[n] = high;
        n++;
      }
    }
  };
  forEachRange(mask, matrix.count, scanRange);
  const threshold = lows.threshold;
  const heap = new TopK(size);
  const scores = matrix.scores;
  for (let j = 0; j < n; j++) {
    if (highs[j]! < threshold) continue;
    const row = rows[j]!;
    matrix.scoreBlock(row, 1);
    const s = scores[0]!;
    if (heap.accepts(s, row)) heap.push(s, row);
  }
  return heap.sorted();
}

/** Calls `scan` on each run of rows a mask allows when it has runs, else once on all rows. */
function forEachRange(mask: RowMask | null, count: number, scan: (from: number, to: number) => void): void {
  if (!mask?.runs) return scan(0, count);
  const runs = mask.runs;
  for (let i = 0; i < runs.length; i += 2) scan(runs[i]!, runs[i + 1]!);
}

function grow<T extends Int32Array | Float64Array>(from: T, into: T): T {
  into.set(from);
  return into;
}

/** The rows a metadata filter allows, as a mask and, when few and long, as runs. */
export function rowMask(metadatas: Metadata[], n: number, filter: MetadataFilter, version: number): RowMask {
  const mask = new Uint8Array(n);
  let allowed = 0;
  let runCount = 0;
  for (let row = 0; row < n; row++) {
    if (matchesMetadata(metadatas[row]!, filter)) {
      mask[row] = 1;
      allowed++;
      if (row === 0 || mask[row - 1] === 0) runCount++;
    }
  }
  // Scanning run by run skips the rows a filter excludes; it pays off when they are many
  // and the runs are long (one document's paragraphs are usually contiguous).
  let runs: Int32Array | null = null;
  if (allowed < n / 2 && runCount * 64 <= n) {
    runs = new Int32Array(runCount * 2);
    let j = 0;
    for (let row = 0; row < n; row++) {
      if (mask[row] === 1 && (row === 0 || mask[row - 1] === 0)) runs[j++] = row;
      if (mask[row] === 1 && (row === n - 1 || mask[row + 1] === 0)) runs[j++] = row + 1;
    }
  }
  return { version, mask, allowed, runs };
}

/**
 * Cosine of `query` against the given rows only (for fusing with another ranking, which needs
 * the vector score of its own candidates), in the order given.
 */
export function scoreRows(matrix: VectorMatrix | null, query: ArrayLike<number>, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length);
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

/** True when `metadata` satisfies every (defined) key of `filter`. */
export function matchesMetadata(metadata: Metadata, filter: MetadataFilter): boolean {
  for (const key in filter) {
    const expected = filter[key];
    if (expected === undefined) continue;
    const actual = metadata[key];
    const one = (value: unknown): boolean => (Array.isArray(expected) ? expected.includes(value) : value === expected);
    if (Array.isArray(actual) ? !actual.some(one) : !one(actual)) return false;
  }
  return true;
}

export function inputError(message: string): SanadError {
  return new SanadError('vector_store_input', message);
}

export function dimensionError(got: number, want: number): SanadError {
  return new SanadError('vector_dimension', `vector has dimension ${got}, the store holds ${want}`, {
    hint: 'every vector in one store must come from the same embedding model',
  });
}
