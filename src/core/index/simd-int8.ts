/**
 * A hand-assembled WebAssembly SIMD kernel for int8 rows: exact integer dot products of one
 * int16 query against a contiguous block of int8 rows, written as int32 to an output buffer.
 *
 * Exported function: `dot8(q, p, rows, out)`, all byte addresses into the imported memory:
 * q = the query (`width` int16), p = the first row (`width` int8 a row), out = `rows` int32.
 * Each 16 bytes of a row are sign-extended to two i16x8 halves and multiplied pairwise with
 * the query by `i32x4.dot_i16x8_s` (Node 20 has no relaxed SIMD's int8 dot). With values in
 * [-127, 127] a row sums at most 127 * 127 * width, exact in int32 for any width below 133k.
 */
import {
  OP,
  SIMD,
  TYPE,
  f32,
  get,
  i32,
  kernelOn,
  moduleBytes,
  whileBelow,
  set,
  simd,
  tee,
  v128Load,
  v128Store,
  v128Zero,
} from './simd-asm.js';

const Q = 0;
const P = 1;
const ROWS = 2;
const OUT = 3;
const END = 4;
const QP = 5;
const QE = 6;
const RP = 7;
const ACC = 8; // v128 accumulators ACC .. ACC + 2 * unroll - 1
const RV = 16; // v128: the row's 16 bytes

/** Bytes of an int8 row of `dim` values: a multiple of 16, so the kernel reads whole vectors. */
export const int8Width = (dim: number): number => Math.ceil(dim / 16) * 16;

/** The module bytes for rows `width` bytes wide (a positive multiple of 16). */
export function int8KernelBytes(width: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(width) || width <= 0 || width % 16 !== 0) {
    throw new RangeError(`width must be a positive multiple of 16, got ${width}`);
  }
  const chunks = width / 16;
  const unroll = chunks % 4 === 0 ? 4 : chunks % 2 === 0 ? 2 : 1;

  const inner: number[] = [];
  for (let a = 0; a < 2 * unroll; a++) inner.push(...v128Zero(), ...set(ACC + a));
  inner.push(...get(Q), ...set(QP), ...get(P), ...set(RP));
  inner.push(OP.loop, TYPE.void);
  for (let u = 0; u < unroll; u++) {
    inner.push(...get(RP), ...v128Load(16 * u), ...set(RV));
    for (const [half, extend] of [
      [0, SIMD.extendLowI8x16],
      [1, SIMD.extendHighI8x16],
    ] as const) {
      const acc = ACC + 2 * u + half;
      inner.push(...get(acc), ...get(RV), ...simd(extend), ...get(QP), ...v128Load(32 * u + 16 * half));
      inner.push(...simd(SIMD.dotI16x8), ...simd(SIMD.addI32x4), ...set(acc));
    }
  }
  inner.push(...get(RP), ...i32(16 * unroll), OP.i32Add, ...set(RP));
  inner.push(...get(QP), ...i32(32 * unroll), OP.i32Add, ...tee(QP), ...get(QE), OP.i32LtU, OP.brIf, 0, OP.end);
  inner.push(...get(ACC));
  for (let a = 1; a < 2 * unroll; a++) inner.push(...get(ACC + a), ...simd(SIMD.addI32x4));
  inner.push(...set(RV), ...get(OUT), ...get(RV), ...simd(SIMD.extractLaneI32), 0);
  for (let lane = 1; lane < 4; lane++) inner.push(...get(RV), ...simd(SIMD.extractLaneI32), lane, OP.i32Add);
  inner.push(OP.i32Store, 2, 0);
  inner.push(...get(OUT), ...i32(4), OP.i32Add, ...set(OUT));
  inner.push(...get(P), ...i32(width), OP.i32Add, ...set(P));

  const body = [
    ...get(Q),
    ...i32(2 * width),
    OP.i32Add,
    ...set(QE),
    ...get(P),
    ...get(ROWS),
    ...i32(width),
    OP.i32Mul,
    OP.i32Add,
    ...set(END),
    ...whileBelow(P, END, inner),
  ];
  return moduleBytes({
    exportName: 'dot8',
    params: 4,
    locals: [
      [4, TYPE.i32],
      [9, TYPE.v128],
    ],
    body,
  });
}

export type Int8Kernel = (q: number, p: number, rows: number, out: number) => void;

const modules = new Map<number, WebAssembly.Module | null>();

/** Instantiates the kernel on `memory`, or returns null where WebAssembly SIMD is unavailable. */
export function instantiateInt8Kernel(memory: WebAssembly.Memory, width: number): Int8Kernel | null {
  return kernelOn<Int8Kernel>(modules, width, () => int8KernelBytes(width), memory, 'dot8');
}

/**
 * The module bytes of `quant8(src, dst, rows, scales)`, which quantises `rows` float32 rows of
 * `width` floats (zero padded) at src into int8 rows at dst, `width` bytes each, and writes each
 * row's scale (its largest |value| / 127, as f32) at scales: value = scale * int8 to within
 * scale * (1/2 + 2^-16). A zero row gets scale 0 and zeros (0 * (1 / 0) is NaN, which saturates to 0).
 */
export function quantizeKernelBytes(width: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(width) || width <= 0 || width % 16 !== 0) {
    throw new RangeError(`width must be a positive multiple of 16, got ${width}`);
  }
  const [SRC, DST, ROWS, SCALES, END, SP, SE, S, M, INV] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
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
    ...get(DST),
    ...scaled(0),
    ...scaled(16),
    ...simd(SIMD.narrowI32x4),
    ...scaled(32),
    ...scaled(48),
    ...simd(SIMD.narrowI32x4),
    ...simd(SIMD.narrowI16x8),
    ...v128Store(0),
    ...get(DST),
    ...i32(16),
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
    ...get(SCALES),
    ...i32(4),
    OP.i32Add,
    ...set(SCALES),
    ...get(SE),
    ...set(SRC),
  ];
  const body = [...get(SRC), ...get(ROWS), ...i32(rowBytes), OP.i32Mul, OP.i32Add, ...set(END), ...whileBelow(SRC, END, row)];
  return moduleBytes({
    exportName: 'quant8',
    params: 4,
    locals: [
      [3, TYPE.i32],
      [1, TYPE.f32],
      [2, TYPE.v128],
    ],
    body,
  });
}

export type QuantizeKernel = (src: number, dst: number, rows: number, scales: number) => void;

const quantizeModules = new Map<number, WebAssembly.Module | null>();

/** Instantiates the quantising kernel on `memory`, or returns null where WebAssembly SIMD is unavailable. */
export function instantiateQuantizeKernel(memory: WebAssembly.Memory, width: number): QuantizeKernel | null {
  return kernelOn<QuantizeKernel>(quantizeModules, width, () => quantizeKernelBytes(width), memory, 'quant8');
}
