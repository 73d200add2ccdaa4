/**
 * A hand-assembled WebAssembly SIMD (f32x4) kernel: dot products of one query against a
 * contiguous block of rows, written to an output buffer.
 *
 * Exported function: `dot(q, p, rows, out)`, all byte addresses into the imported memory
 * `env.memory`: q = the query (stride floats), p = the first row, out = `rows` f32 results.
 * The module is specialised per row stride (a multiple of 4 floats): the loop bound is a
 * constant. Each row is scored in one pass with several independent accumulators, which measured
 * about 3x faster than scoring four rows per pass (V8 keeps this shape in registers).
 */
import {
  OP,
  TYPE,
  endOf,
  f32x4Add,
  kernelOn,
  whileBelow,
  f32x4Mul,
  get,
  hsum,
  i32,
  moduleBytes,
  set,
  tee,
  v128Load,
  v128Zero,
} from './simd-asm.js';

// Local indices of `dot`: four i32 params, then locals.
const Q = 0;
const P = 1;
const ROWS = 2;
const OUT = 3;
const END = 4; // i32: end of the row range
const QP = 5; // i32: query cursor
const QE = 6; // i32: query end
const RP = 7; // i32: row cursor
const ACC = 8; // v128: accumulators ACC..ACC+A-1
const QV = 16; // v128: scratch

/** The module bytes for rows of `stride` floats (a positive multiple of 4). */
export function dotKernelBytes(stride: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(stride) || stride <= 0 || stride % 4 !== 0) {
    throw new RangeError(`stride must be a positive multiple of 4, got ${stride}`);
  }
  const rowBytes = stride * 4;
  const chunks = stride / 4;
  // unroll the inner loop by U chunks, each into its own accumulator (no add dependency chain)
  const unroll = chunks % 4 === 0 ? 4 : chunks % 2 === 0 ? 2 : 1;

  const inner: number[] = [];
  for (let u = 0; u < unroll; u++) inner.push(...v128Zero(), ...set(ACC + u));
  inner.push(...get(Q), ...set(QP), ...get(P), ...set(RP));
  inner.push(OP.loop, TYPE.void);
  for (let u = 0; u < unroll; u++) {
    inner.push(...get(ACC + u), ...get(QP), ...v128Load(16 * u), ...get(RP), ...v128Load(16 * u));
    inner.push(...f32x4Mul(), ...f32x4Add(), ...set(ACC + u));
  }
  inner.push(...get(RP), ...i32(16 * unroll), OP.i32Add, ...set(RP));
  inner.push(...get(QP), ...i32(16 * unroll), OP.i32Add, ...tee(QP), ...get(QE), OP.i32LtU, OP.brIf, 0, OP.end);
  // fold the accumulators into ACC, then store its horizontal sum at out
  inner.push(...get(ACC));
  for (let u = 1; u < unroll; u++) inner.push(...get(ACC + u), ...f32x4Add());
  inner.push(...set(QV), ...get(OUT), ...hsum(QV), OP.f32Store, 2, 0);
  inner.push(...get(OUT), ...i32(4), OP.i32Add, ...set(OUT));
  inner.push(...get(P), ...i32(rowBytes), OP.i32Add, ...set(P));

  const body = [...get(Q), ...i32(rowBytes), OP.i32Add, ...set(QE), ...endOf(P, ROWS, rowBytes, END), ...whileBelow(P, END, inner)];
  return moduleBytes({
    exportName: 'dot',
    params: 4,
    locals: [
      [4, TYPE.i32],
      [9, TYPE.v128],
    ],
    body,
  });
}

export type DotKernel = (q: number, p: number, rows: number, out: number) => void;

const modules = new Map<number, WebAssembly.Module | null>();

/**
 * Instantiates the kernel on `memory`, or returns null where WebAssembly SIMD is unavailable
 * (the caller then falls back to the plain-JS scan).
 */
export function instantiateDotKernel(memory: WebAssembly.Memory, stride: number): DotKernel | null {
  return kernelOn<DotKernel>(modules, stride, () => dotKernelBytes(stride), memory, 'dot');
}
