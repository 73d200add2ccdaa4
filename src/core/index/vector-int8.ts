/**
 * An int8 copy of a matrix's unit rows, scanned a quarter as many bytes as the float32 rows and
 * about 3x faster, for big stores: the scan keeps every row whose int8 score could be within
 * the error bound of the top k, and those few are rescored exactly from the float32 rows.
 *
 * Each row is quantised with its own scale s = max|x| / 127 (x = s * round(x / s) to within
 * s / 2 per value); the query likewise with its own. The integer dot D is exact, and with
 * A = sq * s * D the exact cosine lies within `bound(s)` of A (see `Int8Query`), so no row the
 * exact scan would rank in the top k is ever left out: the answers are the exact scan's.
 *
 * Layout of the WASM memory: [query: width int16][scores: BLOCK int32][QUANTIZE_STEP_ROWS scales
 * and float32 rows being quantised][rows: width int8 each].
 */
import { wasmSimdSupported } from './simd-asm.js';
import { instantiateInt8Kernel, instantiateQuantizeKernel, int8Width, type Int8Kernel, type QuantizeKernel } from './simd-int8.js';

const PAGE = 65536;
/** Rows quantised between two event-loop turns (2 MB of 512-float rows read). */
export const QUANTIZE_STEP_ROWS = 1024;

const align64 = (n: number): number => Math.ceil(n / 64) * 64;

/** A query quantised for one scan: cosine(row) lies in [A - b, A + b], A = sq * s * D, b = s * c + e. */
export interface Int8Query {
  /** The query's scale: its values are sq * (the int16 query). */
  sq: number;
  /** Per unit of a row's scale, the bound's part from the row's rounding (and the query's through it). */
  c: number;
  /** The bound's part independent of the row: the query's rounding and float32 rounding of the exact score. */
  e: number;
}

function layout(width: number, block: number) {
  const scoresOffset = align64(width * 2);
  const stageOffset = align64(scoresOffset + block * 4);
  const dataOffset = align64(stageOffset + QUANTIZE_STEP_ROWS * 4 * (1 + width));
  return { scoresOffset, stageOffset, dataOffset };
}

export class Int8Rows {
  readonly dim: number;
  /** Bytes a row (dim rounded up to 16; padding zero). */
  readonly width: number;
  /** Rows [0, quantized) hold the matrix's current rows. */
  quantized = 0;
  /** Each row's scale: its values are scale * (its int8 values). */
  scales: Float32Array;
  /** Integer dot products of the last scanned block. */
  scores!: Int32Array;

  private readonly memory: WebAssembly.Memory;
  private readonly kernel: Int8Kernel;
  private readonly quantizeKernel: QuantizeKernel;
  /** QUANTIZE_STEP_ROWS scales, then as many float32 rows `width` floats apart (padding zero). */
  private readonly stageOffset: number;
  private readonly queryOffset = 0;
  private readonly scoresOffset: number;
  private readonly dataOffset: number;
  private readonly block: number;
  private query!: Int16Array;
  private data!: Int8Array;
  private capacityRows: number;

  /** Null where WebAssembly SIMD is unavailable or `rows` would not fit wasm32 memory. */
  static create(dim: number, block: number, rows: number): Int8Rows | null {
    if (!wasmSimdSupported()) return null;
    const width = int8Width(dim);
    const dataOffset = layout(width, block).dataOffset;
    const bytes = dataOffset + Math.max(1, rows) * width;
    if (bytes > 65535 * PAGE) return null;
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
    } catch {
      return null; // out of memory: the exact scan answers
    }
    const kernel = instantiateInt8Kernel(memory, width);
    const quantize = instantiateQuantizeKernel(memory, width);
    return kernel && quantize ? new Int8Rows(dim, block, memory, kernel, quantize) : null;
  }

  private constructor(dim: number, block: number, memory: WebAssembly.Memory, kernel: Int8Kernel, quantize: QuantizeKernel) {
    this.dim = dim;
    this.width = int8Width(dim);
    this.block = block;
    this.memory = memory;
    this.kernel = kernel;
    this.quantizeKernel = quantize;
    ({ scoresOffset: this.scoresOffset, stageOffset: this.stageOffset, dataOffset: this.dataOffset } = layout(this.width, block));
    this.capacityRows = Math.floor((memory.buffer.byteLength - this.dataOffset) / this.width);
    this.scales = new Float32Array(this.capacityRows);
    this.refreshViews();
  }

  /** Makes room for `rows` rows, growing by at least 1/16 (false when wasm32 memory cannot hold them). */
  reserve(rows: number): boolean {
    if (rows <= this.capacityRows) return true;
    const target = Math.max(rows, this.capacityRows + Math.ceil(this.capacityRows / 16));
    const bytes = this.dataOffset + target * this.width;
    if (bytes > 65535 * PAGE) return false;
    try {
      this.memory.grow(Math.ceil(bytes / PAGE) - this.memory.buffer.byteLength / PAGE);
    } catch {
      return false;
    }
    this.capacityRows = Math.floor((this.memory.buffer.byteLength - this.dataOffset) / this.width);
    const scales = new Float32Array(this.capacityRows);
    scales.set(this.scales);
    this.scales = scales;
    this.refreshViews();
    return true;
  }

  private refreshViews(): void {
    const buffer = this.memory.buffer;
    this.query = new Int16Array(buffer, this.queryOffset, this.width);
    this.scores = new Int32Array(buffer, this.scoresOffset, this.block);
    this.data = new Int8Array(buffer, this.dataOffset, this.capacityRows * this.width);
  }

  /**
   * Quantises `n` (<= QUANTIZE_STEP_ROWS) float rows, `stride` floats apart in `rows` from row
   * `from`, into rows `from ..` (reserved) with the SIMD kernel. Copying 1.32M rows of 512 took
   * 15.8 s of CPU with `writeRow` and 3.9 s with this (load 12; most of it now the first touch
   * of fresh memory).
   */
  writeRows(from: number, n: number, rows: Float32Array, stride: number): void {
    const width = this.width;
    const buffer = this.memory.buffer;
    const floatsAt = this.stageOffset + QUANTIZE_STEP_ROWS * 4;
    const stage = new Float32Array(buffer, floatsAt, n * width);
    if (stride === width) stage.set(rows.subarray(from * stride, (from + n) * stride));
    else for (let r = 0; r < n; r++) stage.set(rows.subarray((from + r) * stride, (from + r) * stride + stride), r * width);
    this.quantizeKernel(floatsAt, this.dataOffset + from * width, n, this.stageOffset);
    this.scales.set(new Float32Array(buffer, this.stageOffset, n), from);
  }

  /** Quantises the float row at `rows[from .. from + dim)` into `row` (reserved). */
  writeRow(row: number, rows: Float32Array, from: number): void {
    const dim = this.dim;
    let max = 0;
    for (let i = 0; i < dim; i++) {
      const v = Math.abs(rows[from + i]!);
      if (v > max) max = v;
    }
    // The stored float32 scale is the one the bound uses: values are rounded against it.
    const scale = Math.fround(max / 127);
    this.scales[row] = scale;
    const data = this.data;
    const base = row * this.width;
    if (scale === 0) {
      data.fill(0, base, base + this.width);
      return;
    }
    // |value| / scale <= 127 (1 + 2^-23): rounding half away from zero by truncation stays in [-127, 127]
    const inv = 1 / scale;
    for (let i = 0; i < dim; i++) {
      const v = rows[from + i]! * inv;
      data[base + i] = v >= 0 ? (v + 0.5) | 0 : -((0.5 - v) | 0);
    }
    for (let i = dim; i < this.width; i++) data[base + i] = 0;
  }

  /** Moves `n` rows from `from` to `to` (overlapping allowed). */
  moveRows(from: number, to: number, n: number): void {
    if (n <= 0 || from === to) return;
    this.data.copyWithin(to * this.width, from * this.width, (from + n) * this.width);
    this.scales.copyWithin(to, from, from + n);
  }

  /**
   * Loads the (unit or zero, float32) query; null when it is zero (every row would be a
   * candidate: the exact scan is as fast).
   */
  setQuery(q: Float32Array): Int8Query | null {
    const dim = this.dim;
    let max = 0;
    let l1 = 0;
    for (let i = 0; i < dim; i++) {
      const v = Math.abs(q[i]!);
      l1 += v;
      if (v > max) max = v;
    }
    if (max === 0) return null;
    const sq = max / 127;
    const inv = 1 / sq;
    const out = this.query;
    let err2 = 0;
    for (let i = 0; i < dim; i++) {
      const v = Math.max(-127, Math.min(127, Math.round(q[i]! * inv)));
      out[i] = v;
      const d = q[i]! - sq * v;
      err2 += d * d;
    }
    for (let i = dim; i < this.width; i++) out[i] = 0;
    // q.x - A = sum q_i (x_i - s x^_i) + sum (q_i - sq q^_i) s x^_i. The first is at most
    // |q|_1 * s / 2 (the kernel's float32 rounding adds at most 2^-16 to the 1/2); the second at most |q - sq q^|_2 * |s x^|_2, where |s x^|_2 <= 1 + s sqrt(dim) / 2.
    // The exact score is the float32 kernel's: within dim * 2^-23 of the real dot of unit vectors.
    // Each part is rounded up by 1e-4 (more than the 2^-16 above and any rounding in A).
    const errQ = Math.sqrt(err2);
    const slack = 1 + 1e-4;
    return {
      sq,
      c: (l1 / 2 + (errQ * Math.sqrt(dim)) / 2) * slack,
      e: (errQ + dim * 2 ** -23) * slack + 1e-7,
    };
  }

  /** Integer dots of the query with rows [start, start + n), n <= block, into `scores[0 .. n)`. */
  scoreBlock(start: number, n: number): void {
    this.kernel(this.queryOffset, this.dataOffset + start * this.width, n, this.scoresOffset);
  }

  /** Bytes held (capacity and scales included). */
  get allocatedBytes(): number {
    return this.memory.buffer.byteLength + this.scales.byteLength;
  }
}
