/**
 * A very small WebAssembly assembler: just the encodings the hand-written SIMD kernels need
 * (there is no compiler on the build machine, so kernels are emitted as bytes).
 */

/** Core opcodes, named after the text format. */
export const OP = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  i32Store: 0x36,
  f32Store: 0x38,
  i32Const: 0x41,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32Shl: 0x74,
  i32And: 0x71,
  f32Add: 0x92,
  f32Div: 0x95,
  f32Max: 0x97,
  f32Const: 0x43,
} as const;

/** SIMD opcodes (after the 0xfd prefix). */
export const SIMD = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  shuffleI8x16: 0x0d,
  splatI16x8: 0x10,
  splatI32x4: 0x11,
  splatF32x4: 0x13,
  extractLaneI32: 0x1b,
  extractLaneF32: 0x1f,
  store8Lane: 0x58,
  narrowI16x8: 0x65,
  nearestF32x4: 0x6a,
  narrowI32x4: 0x85,
  extendLowI8x16: 0x87,
  extendHighI8x16: 0x88,
  addI32x4: 0xae,
  dotI16x8: 0xba,
  extmulLowI16x8: 0xbc,
  extmulHighI16x8: 0xbd,
  absF32x4: 0xe0,
  addF32x4: 0xe4,
  mulF32x4: 0xe6,
  maxF32x4: 0xe9,
  truncSatF32x4: 0xf8,
} as const;

export const TYPE = { i32: 0x7f, f32: 0x7d, v128: 0x7b, func: 0x60, void: 0x40 } as const;

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

export const get = (i: number): number[] => [OP.localGet, ...uleb(i)];
export const set = (i: number): number[] => [OP.localSet, ...uleb(i)];
export const tee = (i: number): number[] => [OP.localTee, ...uleb(i)];
export const i32 = (n: number): number[] => [OP.i32Const, ...sleb(n)];
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
/** v128.load with a 16-byte alignment hint and a constant byte offset. */
export const v128Load = (offset: number): number[] => [...simd(SIMD.load), 4, ...uleb(offset)];
/** v128.store with a 16-byte alignment hint and a constant byte offset. */
export const v128Store = (offset: number): number[] => [...simd(SIMD.store), 4, ...uleb(offset)];
export const f32 = (value: number): number[] => [OP.f32Const, ...new Uint8Array(Float32Array.of(value).buffer)];
export const v128Zero = (): number[] => [...simd(SIMD.const), ...new Array<number>(16).fill(0)];
export const f32x4Add = (): number[] => simd(SIMD.addF32x4);
export const f32x4Mul = (): number[] => simd(SIMD.mulF32x4);
/** Leaves the sum of the 4 lanes of local `v` on the stack: ((l0 + l1) + l2) + l3. */
export function hsum(v: number): number[] {
  const out = [...get(v), ...simd(SIMD.extractLaneF32), 0];
  for (let lane = 1; lane < 4; lane++) out.push(...get(v), ...simd(SIMD.extractLaneF32), lane, OP.f32Add);
  return out;
}

/**
 * A module importing `env.memory` (unshared, at least one page) and exporting one function
 * `exportName` of type (i32 x params) -> (results), with the given locals and body.
 */
export function moduleBytes(spec: {
  exportName: string;
  params: number;
  results?: number[];
  locals: Array<[count: number, type: number]>;
  body: number[];
}): Uint8Array<ArrayBuffer> {
  const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
  const name = (text: string): number[] => {
    const bytes = [...new TextEncoder().encode(text)];
    return [...uleb(bytes.length), ...bytes];
  };
  const results = spec.results ?? [];
  const params = new Array<number>(spec.params).fill(TYPE.i32);
  const types = section(1, [...uleb(1), TYPE.func, ...uleb(params.length), ...params, ...uleb(results.length), ...results]);
  const imports = section(2, [...uleb(1), ...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(1)]);
  const funcs = section(3, [...uleb(1), ...uleb(0)]);
  const exports = section(7, [...uleb(1), ...name(spec.exportName), 0x00, ...uleb(0)]);
  const locals = [...uleb(spec.locals.length), ...spec.locals.flatMap(([count, type]) => [...uleb(count), type])];
  const fn = [...locals, ...spec.body, OP.end];
  const code = section(10, [...uleb(1), ...uleb(fn.length), ...fn]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...imports, ...funcs, ...exports, ...code]);
}

/** `local[into] = local[start] + local[count] * size`: where a kernel's `count` items of `size` bytes end. */
export function endOf(start: number, count: number, size: number, into: number): number[] {
  return [...get(start), ...get(count), ...i32(size), OP.i32Mul, OP.i32Add, ...set(into)];
}

/** `while (local[at] < local[end]) { ...body }`: the row loop of every kernel. */
export function whileBelow(at: number, end: number, body: number[]): number[] {
  return [OP.block, TYPE.void, OP.loop, TYPE.void, ...get(at), ...get(end), OP.i32GeU, OP.brIf, 1, ...body, OP.br, 0, OP.end, OP.end];
}

/**
 * A kernel's function instantiated on `memory`, its module compiled once per key (a row width),
 * or null where this runtime refuses the module (no WebAssembly SIMD): callers fall back to JS.
 */
export function kernelOn<T>(
  compiled: Map<number, WebAssembly.Module | null>,
  key: number,
  bytes: () => Uint8Array<ArrayBuffer>,
  memory: WebAssembly.Memory,
  exportName: string,
): T | null {
  let mod = compiled.get(key);
  if (mod === undefined) {
    try {
      mod = new WebAssembly.Module(bytes());
    } catch {
      mod = null;
    }
    compiled.set(key, mod);
  }
  if (mod === null) return null;
  return new WebAssembly.Instance(mod, { env: { memory } }).exports[exportName] as T;
}

let simdSupported: boolean | undefined;

/** True when this runtime validates WebAssembly SIMD (Node 16.4+ does). Checked once. */
export function wasmSimdSupported(): boolean {
  simdSupported ??= probeSimd();
  return simdSupported;
}

function probeSimd(): boolean {
  try {
    // (func (result v128) v128.const 0) with no memory import
    const bytes = new Uint8Array([
      0x00,
      0x61,
      0x73,
      0x6d,
      0x01,
      0x00,
      0x00,
      0x00,
      0x01,
      0x05,
      0x01,
      0x60,
      0x00,
      0x01,
      0x7b,
      0x03,
      0x02,
      0x01,
      0x00,
      0x0a,
      0x16,
      0x01,
      0x14,
      0x00,
      ...v128Zero(),
      0x0b,
    ]);
    return WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}
