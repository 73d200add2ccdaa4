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
import { OP, SIMD, TYPE, get, i32, moduleBytes, set, simd, tee, v128Load, v128Zero } from './simd-asm.js';

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
    OP.block,
    TYPE.void,
    OP.loop,
    TYPE.void,
    ...get(P),
    ...get(END),
    OP.i32GeU,
    OP.brIf,
    1,
    ...inner,
    OP.br,
    0,
    OP.end,
    OP.end,
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
  let mod = modules.get(width);
  if (mod === undefined) {
    try {
      mod = new WebAssembly.Module(int8KernelBytes(width));
    } catch {
      mod = null;
    }
    modules.set(width, mod);
  }
  if (mod === null) return null;
  const instance = new WebAssembly.Instance(mod, { env: { memory } });
  return instance.exports['dot8'] as Int8Kernel;
}
