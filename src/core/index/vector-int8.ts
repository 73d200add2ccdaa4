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
 * The rows are kept in tiles of `block` rows, a dimension at a time (simd-int8.ts): a question
 * reads only the columns of the dimensions its vector uses, a few dozen of 512 with the local
 * embedder. At 1.3M rows that is ~40 MB a scan instead of 665 MB.
 *
 * A tile's columns are `block` + 64 bytes apart: at a power-of-two distance, the 512 bytes of one
 * row (written together) and the columns of one scan (read together) would all fall in the same
 * few cache sets and evict each other.
 *
 * Layout of the WASM memory: [query: width / 2 entries of three int32][scores: block + 16 int32]
 * [QUANTIZE_STEP_ROWS scales and float32 rows being quantised][tiles: width columns of
 * block + 64 int8 each][16 bytes the kernel may read past the last tile].
 */
import { wasmSimdSupported } from './simd-asm.js';
import {
  PAIR_ENTRY_BYTES,
  instantiateColumnKernel,
  instantiateQuantizeKernel,
  int8Width,
  type ColumnKernel,
  type QuantizeKernel,
} from './simd-int8.js';

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

/** The kernel writes scores 16 rows at a time and reads a column's 16 bytes at a time. */
const OVERRUN = 16;
/** Bytes between a tile's columns beyond its rows (one cache line). */
const COLUMN_PAD = 64;

function layout(width: number, block: number) {
  const scoresOffset = align64(Math.ceil(width / 2) * PAIR_ENTRY_BYTES);
  const stageOffset = align64(scoresOffset + (block + OVERRUN) * 4);
  const dataOffset = align64(stageOffset + QUANTIZE_STEP_ROWS * 4 * (1 + width));
  return { scoresOffset, stageOffset, dataOffset };
}

export class Int8Rows {
  readonly dim: number;
  /** Bytes a row (dim rounded up to 16; padding zero). */
  readonly width: number;
  /** Rows a tile: `block`, the most one kernel call scores. */
  readonly tile: number;
  /** Bytes from one column of a tile to the next. */
  readonly stride: number;
  /** Rows [0, quantized) hold the matrix's current rows. */
  quantized = 0;
  /** Each row's scale: its values are scale * (its int8 values). */
  scales: Float32Array;
  /**
   * Per tile, at least the largest scale of its rows (the largest ever written there): with it a
   * scan turns its threshold into one integer dot a tile's rows must reach (see `leastDot`).
   */
  tileScales: Float32Array;
  /** Integer dot products of the last scanned block. */
  scores!: Int32Array;

  private readonly memory: WebAssembly.Memory;
  private readonly kernel: ColumnKernel;
  private readonly quantizeKernel: QuantizeKernel;
  /** QUANTIZE_STEP_ROWS scales, then as many float32 rows `width` floats apart (padding zero). */
  private readonly stageOffset: number;
  private readonly listOffset = 0;
  private readonly scoresOffset: number;
  private readonly dataOffset: number;
  /** The query's nonzero dimensions two at a time: (column offset, column offset, values packed), `pairs` of them. */
  private list!: Int32Array;
  private pairs = 0;
  private data!: Int8Array;
  private capacityRows: number;

  /** Null where WebAssembly SIMD is unavailable or `rows` would not fit wasm32 memory. */
  static create(dim: number, block: number, rows: number): Int8Rows | null {
    if (!wasmSimdSupported()) return null;
    const width = int8Width(dim);
    const bytes = bytesFor(width, block, Math.max(1, rows));
    if (bytes > 65535 * PAGE) return null;
    let memory: WebAssembly.Memory;
    try {
      memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / PAGE) });
    } catch {
      return null; // out of memory: the exact scan answers
    }
    const kernel = instantiateColumnKernel(memory);
    const quantize = instantiateQuantizeKernel(memory, width, block + COLUMN_PAD);
    return kernel && quantize ? new Int8Rows(dim, block, memory, kernel, quantize) : null;
  }

  private constructor(dim: number, block: number, memory: WebAssembly.Memory, kernel: ColumnKernel, quantize: QuantizeKernel) {
    this.dim = dim;
    this.width = int8Width(dim);
    this.tile = block;
    this.stride = block + COLUMN_PAD;
    this.memory = memory;
    this.kernel = kernel;
    this.quantizeKernel = quantize;
    ({ scoresOffset: this.scoresOffset, stageOffset: this.stageOffset, dataOffset: this.dataOffset } = layout(this.width, block));
    this.capacityRows = this.rowsIn(memory.buffer.byteLength);
    this.scales = new Float32Array(this.capacityRows);
    this.tileScales = new Float32Array(this.capacityRows / block);
    this.refreshViews();
  }

  /** Whole tiles that fit in `bytes` of memory. */
  private rowsIn(bytes: number): number {
    return Math.floor((bytes - this.dataOffset - OVERRUN) / (this.stride * this.width)) * this.tile;
  }

  /** Makes room for `rows` rows, growing by at least 1/16 (false when wasm32 memory cannot hold them). */
  reserve(rows: number): boolean {
    if (rows <= this.capacityRows) return true;
    const target = Math.max(rows, this.capacityRows + Math.ceil(this.capacityRows / 16));
    const bytes = bytesFor(this.width, this.tile, target);
    if (bytes > 65535 * PAGE) return false;
    try {
      this.memory.grow(Math.ceil(bytes / PAGE) - this.memory.buffer.byteLength / PAGE);
    } catch {
      return false;
    }
    this.capacityRows = this.rowsIn(this.memory.buffer.byteLength);
    const scales = new Float32Array(this.capacityRows);
    scales.set(this.scales);
    this.scales = scales;
    const tileScales = new Float32Array(this.capacityRows / this.tile);
    tileScales.set(this.tileScales);
    this.tileScales = tileScales;
    this.refreshViews();
    return true;
  }

  private refreshViews(): void {
    const buffer = this.memory.buffer;
    this.list = new Int32Array(buffer, this.listOffset, 3 * Math.ceil(this.width / 2));
    this.scores = new Int32Array(buffer, this.scoresOffset, this.tile);
    this.data = new Int8Array(buffer, this.dataOffset, (this.capacityRows / this.tile) * this.stride * this.width);
  }

  /** Index in `data` of value 0 of `row` (value i is `i * stride` further). */
  private at(row: number): number {
    const offset = row % this.tile;
    return ((row - offset) / this.tile) * this.stride * this.width + offset;
  }

  /**
   * Quantises `n` (<= QUANTIZE_STEP_ROWS) float rows, `stride` floats apart in `rows` from row
   * `from`, into rows `from ..` (reserved) with the SIMD kernel, one call per tile they touch.
   * Copying 1.32M rows of 512 took 15.8 s of CPU with `writeRow` and 3.9 s with the kernel
   * (load 12; most of it now the first touch of fresh memory).
   */
  writeRows(from: number, n: number, rows: Float32Array, stride: number): void {
    const width = this.width;
    const buffer = this.memory.buffer;
    const floatsAt = this.stageOffset + QUANTIZE_STEP_ROWS * 4;
    const stage = new Float32Array(buffer, floatsAt, n * width);
    if (stride === width) stage.set(rows.subarray(from * stride, (from + n) * stride));
    else for (let r = 0; r < n; r++) stage.set(rows.subarray((from + r) * stride, (from + r) * stride + stride), r * width);
    for (let done = 0; done < n;) {
      const row = from + done;
      const m = Math.min(n - done, this.tile - (row % this.tile));
      this.quantizeKernel(floatsAt + done * width * 4, this.dataOffset + this.at(row), m, this.stageOffset + done * 4);
      done += m;
    }
    this.scales.set(new Float32Array(buffer, this.stageOffset, n), from);
    this.noteScales(from, n);
  }

  /** Raises the tile maxima over rows `from .. from + n` to their scales. */
  private noteScales(from: number, n: number): void {
    const { scales, tileScales, tile } = this;
    for (let row = from; row < from + n; row++) {
      const t = (row / tile) | 0;
      if (scales[row]! > tileScales[t]!) tileScales[t] = scales[row]!;
    }
  }

  /**
   * The least integer dot a row among `from .. from + n` needs for its upper bound
   * `s * (sq * D + c) + e` to reach `threshold` (−Infinity when the threshold is not above e):
   * its scale s is at most the tiles' maximum, and the dot is one below what rounding could
   * reach. A scan compares the integer dot first and does the float work for the few that pass.
   */
  leastDot(from: number, n: number, { sq, c, e }: Int8Query, threshold: number): number {
    const above = threshold - e;
    if (!(above > 0)) return -Infinity;
    const { tileScales, tile } = this;
    const last = ((from + n - 1) / tile) | 0;
    let most = 0;
    for (let t = (from / tile) | 0; t <= last; t++) most = Math.max(most, tileScales[t]!);
    return most === 0 ? Infinity : Math.floor((above / most - c) / sq) - 1;
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
    this.noteScales(row, 1);
    const data = this.data;
    const stride = this.stride;
    const base = this.at(row);
    // |value| / scale <= 127 (1 + 2^-23): rounding half away from zero by truncation stays in [-127, 127]
    const inv = scale === 0 ? 0 : 1 / scale;
    for (let i = 0; i < dim; i++) {
      const v = rows[from + i]! * inv;
      data[base + i * stride] = v >= 0 ? (v + 0.5) | 0 : -((0.5 - v) | 0);
    }
    for (let i = dim; i < this.width; i++) data[base + i * stride] = 0;
  }

  /** The int8 values of one row (for tests and checks). */
  rowValues(row: number): Int8Array {
    const out = new Int8Array(this.width);
    const base = this.at(row);
    for (let i = 0; i < this.width; i++) out[i] = this.data[base + i * this.stride]!;
    return out;
  }

  /**
   * Moves `n` rows from `from` to `to` (overlapping allowed): each run of rows that stays in one
   * tile on both sides is copied a column at a time, in the order that reads a row before
   * overwriting it.
   */
  moveRows(from: number, to: number, n: number): void {
    if (n <= 0 || from === to) return;
    const { tile, stride, width, data } = this;
    const runs: Array<[number, number, number]> = [];
    for (let done = 0; done < n;) {
      const m = Math.min(n - done, tile - ((from + done) % tile), tile - ((to + done) % tile));
      runs.push([from + done, to + done, m]);
      done += m;
    }
    if (to > from) runs.reverse();
    for (const [src, dst, m] of runs) {
      const a = this.at(src);
      const b = this.at(dst);
      for (let i = 0; i < width; i++) data.copyWithin(b + i * stride, a + i * stride, a + i * stride + m);
    }
    this.scales.copyWithin(to, from, from + n);
    this.noteScales(to, n);
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
    const list = this.list;
    let columns = 0;
    let err2 = 0;
    for (let i = 0; i < dim; i++) {
      const v = Math.max(-127, Math.min(127, Math.round(q[i]! * inv)));
      if (v !== 0) {
        const at = 3 * (columns >> 1);
        if (columns % 2 === 0) {
          // a lone column is its own partner at weight 0 until a second one comes
          list[at] = list[at + 1] = i * this.stride;
          list[at + 2] = v & 0xffff;
        } else {
          list[at + 1] = i * this.stride;
          list[at + 2] = list[at + 2]! | (v << 16);
        }
        columns++;
      }
      const d = q[i]! - sq * v;
      err2 += d * d;
    }
    this.pairs = Math.ceil(columns / 2);
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
    for (let done = 0; done < n;) {
      const row = start + done;
      const m = Math.min(n - done, this.tile - (row % this.tile));
      // a run that ends mid-stripe writes up to 15 scores past it: the next run writes over them
      this.kernel(this.listOffset, this.pairs, this.dataOffset + this.at(row), m, this.scoresOffset + done * 4);
      done += m;
    }
  }

  /** Bytes held (capacity and scales included). */
  get allocatedBytes(): number {
    return this.memory.buffer.byteLength + this.scales.byteLength;
  }
}

/** Memory for `rows` rows (in whole tiles) and what comes before and after them. */
function bytesFor(width: number, tile: number, rows: number): number {
  return layout(width, tile).dataOffset + Math.ceil(rows / tile) * (tile + COLUMN_PAD) * width + OVERRUN;
}
