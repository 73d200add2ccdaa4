/**
 * Rows of unit-length float32 vectors in one contiguous, growable buffer, and the two scans
 * that score a query against a run of rows: the WASM SIMD kernel (vectors live in a growable
 * `WebAssembly.Memory`) and a plain-JS scan used where SIMD is unavailable or disabled.
 *
 * Layout of the WASM memory: [query: stride floats][scores: BLOCK floats][rows...], each part
 * 64-byte aligned. Rows are `stride` floats apart (dim rounded up to a multiple of 4, padding
 * zero) so the kernel can read them four floats at a time.
 */
import { instantiateDotKernel, type DotKernel } from './simd-dot.js';
import { wasmSimdSupported } from './simd-asm.js';
import { runSliced, type Steps } from './steps.js';
import { Int8Rows, QUANTIZE_STEP_ROWS } from './vector-int8.js';

/** Rows scored per kernel call; the scores block stays in L1/L2 while it is ranked. */
export const BLOCK = 2048;
/**
 * From this many rows a search scans the int8 copy and rescores its few candidates (exact all
 * the same, vector-int8.ts); below, the float32 scan is fast enough and costs no more memory.
 */
export const COMPACT_MIN_ROWS = 50_000;
const PAGE = 65536;
/** wasm32 addresses at most 4 GiB; beyond this the matrix moves to a plain ArrayBuffer. */
const WASM_MAX_BYTES = 65536 * PAGE - PAGE;
/** Below this many bytes capacity doubles; above, it grows by 1/16 so slack stays under 1.1x. */
const DOUBLING_LIMIT = 16 * 1024 * 1024;

const align64 = (n: number): number => Math.ceil(n / 64) * 64;

export type ScanKind = 'wasm-simd' | 'js';

export class VectorMatrix {
  readonly dim: number;
  readonly stride: number;
  /** Number of rows in use. */
  count = 0;
  /** Row views: re-created whenever the backing buffer grows. */
  data!: Float32Array;
  /** The normalised query, padded to `stride` with zeros. */
  query!: Float32Array;
  /** Scores of the last scanned block. */
  scores!: Float32Array;

  private memory: WebAssembly.Memory | null = null;
  private kernel: DotKernel | null = null;
  private buffer: ArrayBuffer;
  private readonly queryOffset = 0;
  private readonly scoresOffset: number;
  private readonly dataOffset: number;
  private capacityRows: number;
  private int8: Int8Rows | null = null;
  /** The int8 copy being made, in slices between questions. */
  private quantizing: Promise<void> | null = null;
  /** Infinity once the int8 copy could not be made. */
  private compactFrom: number;
  /** WebAssembly SIMD was allowed and is there (the float rows may still outgrow wasm32 memory). */
  private readonly wasm: boolean;

  constructor(dim: number, options: { wasm?: boolean; initialRows?: number; compactFrom?: number } = {}) {
    if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`dimension must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.stride = Math.ceil(dim / 4) * 4;
    this.scoresOffset = align64(this.stride * 4);
    this.dataOffset = align64(this.scoresOffset + BLOCK * 4);
    this.compactFrom = options.compactFrom ?? COMPACT_MIN_ROWS;
    this.wasm = (options.wasm ?? true) && wasmSimdSupported();
    const rows = Math.max(1, options.initialRows ?? 64);
    const bytes = this.dataOffset + rows * this.rowBytes;
    if (this.wasm && bytes <= WASM_MAX_BYTES) {
      const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
      const kernel = instantiateDotKernel(memory, this.stride);
      if (kernel) {
        this.memory = memory;
        this.kernel = kernel;
      }
    }
    this.buffer = this.memory ? this.memory.buffer : new ArrayBuffer(bytes);
    this.capacityRows = Math.floor((this.buffer.byteLength - this.dataOffset) / this.rowBytes);
    this.refreshViews();
  }

  get rowBytes(): number {
    return this.stride * 4;
  }

  get scan(): ScanKind {
    return this.kernel ? 'wasm-simd' : 'js';
  }

  /** Bytes held for rows (capacity included), excluding the small query/score scratch. */
  get allocatedBytes(): number {
    return this.buffer.byteLength + (this.int8?.allocatedBytes ?? 0);
  }

  get capacity(): number {
    return this.capacityRows;
  }

  /** Makes room for `rows` rows in total. Bulk adds reserve exactly; appends grow geometrically. */
  reserve(rows: number, exact = false): void {
    if (rows <= this.capacityRows) return;
    const cap = this.capacityRows;
    const geometric = cap * this.rowBytes < DOUBLING_LIMIT ? cap * 2 : cap + Math.ceil(cap / 16);
    const target = exact ? rows : Math.max(rows, geometric);
    const bytes = this.dataOffset + target * this.rowBytes;
    if (this.memory && bytes <= WASM_MAX_BYTES) {
      // grow is in place in V8 (the address range is reserved up front): no copy
      this.memory.grow(Math.ceil(bytes / PAGE) - this.buffer.byteLength / PAGE);
      this.buffer = this.memory.buffer;
    } else {
      if (this.memory) {
        this.memory = null;
        this.kernel = null;
      }
      const next = new ArrayBuffer(bytes);
      new Uint8Array(next).set(new Uint8Array(this.buffer, 0, this.dataOffset + this.count * this.rowBytes));
      this.buffer = next;
    }
    this.capacityRows = Math.floor((this.buffer.byteLength - this.dataOffset) / this.rowBytes);
    this.refreshViews();
  }

  private refreshViews(): void {
    this.query = new Float32Array(this.buffer, this.queryOffset, this.stride);
    this.scores = new Float32Array(this.buffer, this.scoresOffset, BLOCK);
    this.data = new Float32Array(this.buffer, this.dataOffset, this.capacityRows * this.stride);
  }

  /**
   * Writes `source[from .. from + dim)` at `row`, divided by `norm` (its length, from
   * `norm()`), so the row has unit length; a zero vector stays zero.
   */
  writeRow(row: number, source: ArrayLike<number>, from: number, norm: number): void {
    const dim = this.dim;
    const inv = norm > 0 ? 1 / norm : 0;
    const data = this.data;
    const base = row * this.stride;
    for (let i = 0; i < dim; i++) data[base + i] = source[from + i]! * inv;
    for (let i = dim; i < this.stride; i++) data[base + i] = 0;
    // a row of the copy, or the next: appends keep a complete copy complete
    const int8 = this.int8;
    if (int8 && row <= int8.quantized && int8.reserve(row + 1)) {
      int8.writeRow(row, data, base);
      if (row === int8.quantized) int8.quantized++;
    }
  }

  /** Rows from `row` on were written into `data` directly: their int8 copy is made again. */
  rowsWritten(row: number): void {
    if (this.int8) this.int8.quantized = Math.min(this.int8.quantized, row);
  }

  /**
   * The int8 copy when the matrix is big enough for it and it holds every row; otherwise null,
   * and when big enough, the copy is begun (or continued) in slices between questions.
   */
  compactRows(): Int8Rows | null {
    const ready = this.completeCopy();
    if (!ready) void this.prepareCompact();
    return ready;
  }

  /** True when searches scan the int8 copy (it holds every row of a matrix big enough for it). */
  get compactScan(): boolean {
    return this.completeCopy() !== null;
  }

  private completeCopy(): Int8Rows | null {
    const int8 = this.int8;
    return this.count >= this.compactFrom && this.wasm && int8 && int8.quantized >= this.count ? int8 : null;
  }

  /** Makes the int8 copy of every row, in slices; resolves when it is done (or cannot be made). */
  prepareCompact(): Promise<void> {
    if (this.count < this.compactFrom || !this.wasm) return Promise.resolve();
    this.quantizing ??= runSliced(this.quantize()).finally(() => (this.quantizing = null));
    return this.quantizing;
  }

  private *quantize(): Steps<void> {
    for (;;) {
      const count = this.count;
      this.int8 ??= Int8Rows.create(this.dim, BLOCK, count);
      const int8 = this.int8;
      if (!int8) {
        this.compactFrom = Infinity;
        return;
      }
      if (int8.quantized >= count) return;
      if (!int8.reserve(count)) {
        // no memory for it: the exact scan answers, and the copy is not tried again
        this.int8 = null;
        this.compactFrom = Infinity;
        return;
      }
      const end = Math.min(count, int8.quantized + QUANTIZE_STEP_ROWS);
      int8.writeRows(int8.quantized, end - int8.quantized, this.data, this.stride);
      int8.quantized = end;
      yield;
    }
  }

  /** Loads the normalised query into the scratch slot; false for a non-finite vector. */
  setQuery(source: ArrayLike<number>): boolean {
    const dim = this.dim;
    const length = norm(source, 0, dim);
    if (!Number.isFinite(length)) return false;
    const inv = length > 0 ? 1 / length : 0;
    const q = this.query;
    for (let i = 0; i < dim; i++) q[i] = source[i]! * inv;
    for (let i = dim; i < this.stride; i++) q[i] = 0;
    return true;
  }

  /** Scores rows [start, start + n), n <= BLOCK, into `scores[0 .. n)`. */
  scoreBlock(start: number, n: number): void {
    if (this.kernel) {
      this.kernel(this.queryOffset, this.dataOffset + start * this.rowBytes, n, this.scoresOffset);
    } else {
      scoreBlockJs(this.data, this.query, this.stride, start, n, this.scores);
    }
  }

  /** Moves `n` rows from `from` to `to` (overlapping allowed). */
  moveRows(from: number, to: number, n: number): void {
    if (n <= 0 || from === to) return;
    this.data.copyWithin(to * this.stride, from * this.stride, (from + n) * this.stride);
    const int8 = this.int8;
    if (!int8) return;
    // rows moved from beyond the copy's end leave it ending where they landed
    const held = Math.max(0, Math.min(n, int8.quantized - from));
    int8.moveRows(from, to, held);
    if (held < n) int8.quantized = Math.min(int8.quantized, to + held);
  }

  /** A copy of one row's unit vector (without padding). */
  row(row: number): Float32Array {
    return this.data.slice(row * this.stride, row * this.stride + this.dim);
  }
}

/** Euclidean length of `source[from .. from + dim)`; NaN or Infinity if a value is not finite. */
export function norm(source: ArrayLike<number>, from: number, dim: number): number {
  let sum = 0;
  for (let i = 0; i < dim; i++) {
    const v = source[from + i]!;
    sum += v * v;
  }
  return Math.sqrt(sum);
}

/**
 * The plain-JS scan: eight rows per pass sharing each query value, scalar double accumulators,
 * then the remaining rows one at a time.
 */
export function scoreBlockJs(data: Float32Array, q: Float32Array, stride: number, start: number, n: number, out: Float32Array): void {
  let r = 0;
  let p = start * stride;
  for (; r + 8 <= n; r += 8, p += 8 * stride) {
    const p1 = p + stride;
    const p2 = p1 + stride;
    const p3 = p2 + stride;
    const p4 = p3 + stride;
    const p5 = p4 + stride;
    const p6 = p5 + stride;
    const p7 = p6 + stride;
    let a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0, h = 0; // prettier-ignore
    for (let i = 0; i < stride; i++) {
      const x = q[i]!;
      a += x * data[p + i]!;
      b += x * data[p1 + i]!;
      c += x * data[p2 + i]!;
      d += x * data[p3 + i]!;
      e += x * data[p4 + i]!;
      f += x * data[p5 + i]!;
      g += x * data[p6 + i]!;
      h += x * data[p7 + i]!;
    }
    out[r] = a;
    out[r + 1] = b;
    out[r + 2] = c;
    out[r + 3] = d;
    out[r + 4] = e;
    out[r + 5] = f;
    out[r + 6] = g;
    out[r + 7] = h;
  }
  for (; r < n; r++, p += stride) {
    let a = 0;
    for (let i = 0; i < stride; i++) a += q[i]! * data[p + i]!;
    out[r] = a;
  }
}
