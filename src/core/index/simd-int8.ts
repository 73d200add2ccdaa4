/**
 * Hand-assembled WebAssembly SIMD kernels for the int8 copy of a big vector store, kept in tiles
 * of rows stored a dimension at a time (the tile's values of dimension 0, then of 1, ..., each
 * column `stride` bytes after the last), so that a query touching few dimensions reads only
 * their columns.
 *
 * `dotcols(list, count, base, rows, out)`, all byte addresses into the imported memory: list =
 * `count` entries of three int32, two columns' byte offsets (dimension * stride) and the query's
 * int16 values there packed (the first in the low half); the query's zero dimensions are left
 * out, and a lone one is paired with itself at weight 0. base = the first row's byte in its
 * tile's dimension 0; out = int32 dot products, `rows` rounded up to 16 of them. Sixteen rows at
 * a time, the two columns' 16 bytes are interleaved (`i8x16.shuffle`), sign-extended and
 * multiplied pairwise with the two values by `i32x4.dot_i16x8_s`: a row's two products in one
 * lane, 32 multiply-adds in 4 dots. With values in [-127, 127] a row sums at most
 * 127 * 127 * width, exact in int32 for any width below 133k.
 *
 * The local embedder hashes a question's few dozen words and n-grams into ~30 of its 512
 * dimensions (ARCD questions: median 28), so a scan reads ~1/18 of the bytes a row-major one does.
 */
import {
  OP,
  SIMD,
  TYPE,
  endOf,
  f32,
  get,
  i32,
  kernelOn,
  moduleBytes,
  whileBelow,
  set,
  simd,
  tee,
  uleb,
  v128Load,
  v128Store,
  v128Zero,
} from './simd-asm.js';

/** Bytes of an int8 row of `dim` values: a multiple of 16 (the quantising kernel reads 16 at a time). */
export const int8Width = (dim: number): number => Math.ceil(dim / 16) * 16;

/** Bytes of one entry of a column kernel's query list: two columns' offsets and the query's two values. */
export const PAIR_ENTRY_BYTES = 12;

const i32Load = (offset: number): number[] => [OP.i32Load, 2, offset];
const v128LoadAt = (offset: number): number[] => [...simd(SIMD.load), 0, offset];

const LOW_PAIRS = [0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23];
const HIGH_PAIRS = LOW_PAIRS.map((lane) => lane + 8);

/** The module bytes of `dotcols` (the same for every width and stride). */
export function columnKernelBytes(): Uint8Array<ArrayBuffer> {
  const [LIST, COUNT, BASE, ROWS, OUT, END, S, E, EEND] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  // v128: accumulators A0 .. A0 + 3 (rows 0-3, 4-7, 8-11, 12-15), the two columns' bytes, the two values, 8 rows' pairs
  const [A0, VA, VB, W, L] = [9, 13, 14, 15, 16];
  const column = (at: number) => [...get(S), ...get(E), ...i32Load(at), OP.i32Add, ...v128LoadAt(0)];
  const add = (acc: number, extend: number) => [
    ...get(acc),
    ...get(L),
    ...simd(extend),
    ...get(W),
    ...simd(SIMD.dotI16x8),
    ...simd(SIMD.addI32x4),
    ...set(acc),
  ];
  const interleave = (lanes: number[]) => [...get(VA), ...get(VB), ...simd(SIMD.shuffleI8x16), ...lanes, ...set(L)];
  const pair = [
    ...column(0),
    ...set(VA),
    ...column(4),
    ...set(VB),
    ...get(E),
    ...i32Load(8),
    ...simd(SIMD.splatI32x4),
    ...set(W),
    ...interleave(LOW_PAIRS),
    ...add(A0, SIMD.extendLowI8x16),
    ...add(A0 + 1, SIMD.extendHighI8x16),
    ...interleave(HIGH_PAIRS),
    ...add(A0 + 2, SIMD.extendLowI8x16),
    ...add(A0 + 3, SIMD.extendHighI8x16),
    ...get(E),
    ...i32(PAIR_ENTRY_BYTES),
    OP.i32Add,
    ...set(E),
  ];
  const stripe: number[] = [];
  for (let a = 0; a < 4; a++) stripe.push(...v128Zero(), ...set(A0 + a));
  stripe.push(...get(LIST), ...set(E), ...whileBelow(E, EEND, pair));
  for (let a = 0; a < 4; a++) stripe.push(...get(OUT), ...get(A0 + a), ...v128Store(16 * a));
  stripe.push(...get(OUT), ...i32(64), OP.i32Add, ...set(OUT), ...get(S), ...i32(16), OP.i32Add, ...set(S));
  const body = [
    ...get(BASE),
    ...tee(S),
    ...get(ROWS),
    OP.i32Add,
    ...set(END),
    ...endOf(LIST, COUNT, PAIR_ENTRY_BYTES, EEND),
    ...whileBelow(S, END, stripe),
  ];
  return moduleBytes({
    exportName: 'dotcols',
    params: 5,
    locals: [
      [4, TYPE.i32],
      [8, TYPE.v128],
    ],
    body,
  });
}

export type ColumnKernel = (list: number, count: number, base: number, rows: number, out: number) => void;

const columnModules = new Map<number, WebAssembly.Module | null>();

/** Instantiates the column kernel on `memory`, or returns null where WebAssembly SIMD is unavailable. */
export function instantiateColumnKernel(memory: WebAssembly.Memory): ColumnKernel | null {
  return kernelOn<ColumnKernel>(columnModules, 0, columnKernelBytes, memory, 'dotcols');
}

/**
 * The module bytes of `quant8(src, dst, rows, scales)`, which quantises `rows` float32 rows of
 * `width` floats (zero padded) at src into the int8 copy's tile layout: value i of a row at
 * dst + i * stride, the next row at dst + 1 (the rows must lie in one tile). Each row's scale (its
 * largest |value| / 127, as f32) goes to scales: value = scale * int8 to within
 * scale * (1/2 + 2^-16). A zero row gets scale 0 and zeros (0 * (1 / 0) is NaN, which saturates to 0).
 */
export function quantizeKernelBytes(width: number, stride: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(width) || width <= 0 || width % 16 !== 0) {
    throw new RangeError(`width must be a positive multiple of 16, got ${width}`);
  }
  if (!Number.isInteger(stride) || stride <= 0 || width * stride > 2 ** 30)
    throw new RangeError(`stride must be a positive integer, got ${stride}`);
  const [SRC, DST, ROWS, SCALES, END, SP, SE, S, M, INV, V] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  // one byte a lane, each `stride` bytes after the last: a v128 of 16 values becomes 16 columns' bytes
  const storeColumns: number[] = [];
  for (let l = 0; l < 16; l++) storeColumns.push(...get(DST), ...get(V), ...simd(SIMD.store8Lane), 0, ...uleb(l * stride), l);
  const rowBytes = width * 4;
  const lane = (n: number) => [...get(M), ...simd(SIMD.extractLaneF32), n];
  const scaled = (offset: number) => [
    ...get(SP),
    ...v128Load(offset),
    ...get(INV),
    ...simd(SIMD.mulF32x4),
    ...simd(SIMD.nearestF32x4),
    ...simd(SIMD.truncSatF32x4),
  ];
  const row = [
    // the largest |value|
    ...v128Zero(),
    ...set(M),
    ...get(SRC),
    ...set(SP),
    ...get(SRC),
    ...i32(rowBytes),
    OP.i32Add,
    ...set(SE),
    OP.loop,
    TYPE.void,
    ...get(M),
    ...get(SP),
    ...v128Load(0),
    ...simd(SIMD.absF32x4),
    ...simd(SIMD.maxF32x4),
    ...set(M),
    ...get(SP),
    ...i32(16),
    OP.i32Add,
    ...tee(SP),
    ...get(SE),
    OP.i32LtU,
    OP.brIf,
    0,
    OP.end,
    ...lane(0),
    ...lane(1),
    OP.f32Max,
    ...lane(2),
    ...lane(3),
    OP.f32Max,
    OP.f32Max,
    ...f32(127),
    OP.f32Div,
    ...set(S),
    ...get(SCALES),
    ...get(S),
    OP.f32Store,
    2,
    0,
    ...f32(1),
    ...get(S),
    OP.f32Div,
    ...simd(SIMD.splatF32x4),
    ...set(INV),
    // 16 values at a time: scale, round to nearest, saturate to int32, narrow to int8
    ...get(SRC),
    ...set(SP),
    OP.loop,
    TYPE.void,
    ...scaled(0),
    ...scaled(16),
    ...simd(SIMD.narrowI32x4),
    ...scaled(32),
    ...scaled(48),
    ...simd(SIMD.narrowI32x4),
    ...simd(SIMD.narrowI16x8),
    ...set(V),
    ...storeColumns,
    ...get(DST),
    ...i32(16 * stride),
    OP.i32Add,
    ...set(DST),
    ...get(SP),
    ...i32(64),
    OP.i32Add,
    ...tee(SP),
    ...get(SE),
    OP.i32LtU,
    OP.brIf,
    0,
    OP.end,
    // back to the row's first column, one row on
    ...get(DST),
    ...i32(1 - width * stride),
    OP.i32Add,
    ...set(DST),
    ...get(SCALES),
    ...i32(4),
    OP.i32Add,
    ...set(SCALES),
    ...get(SE),
    ...set(SRC),
  ];
  const body = [...endOf(SRC, ROWS, rowBytes, END), ...whileBelow(SRC, END, row)];
  return moduleBytes({
    exportName: 'quant8',
    params: 4,
    locals: [
      [3, TYPE.i32],
      [1, TYPE.f32],
      [3, TYPE.v128],
    ],
    body,
  });
}

export type QuantizeKernel = (src: number, dst: number, rows: number, scales: number) => void;

const quantizeModules = new Map<number, WebAssembly.Module | null>();

/** Instantiates the quantising kernel on `memory`, or returns null where WebAssembly SIMD is unavailable. */
export function instantiateQuantizeKernel(memory: WebAssembly.Memory, width: number, stride: number): QuantizeKernel | null {
  return kernelOn<QuantizeKernel>(quantizeModules, width * 2 ** 20 + stride, () => quantizeKernelBytes(width, stride), memory, 'quant8');
}
