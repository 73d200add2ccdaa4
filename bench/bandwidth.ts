/**
 * The memory-bandwidth floor, measured in the same process as the searches it judges: the
 * fastest single-thread read of a buffer far larger than the caches, by two readers:
 *  - a WASM SIMD kernel that only loads and adds (eight v128 accumulators, no multiply), the
 *    cheapest loop that touches every byte the way a scan does;
 *  - native `memchr` (Buffer#indexOf of an absent byte), glibc's vectorised read loop.
 * The best of the two (GB/s) is the limit; the floor of a query is bytes scanned / that rate.
 */
import { OP, TYPE, f32x4Add, get, hsum, i32, moduleBytes, set, tee, v128Load, v128Zero } from '../src/core/index/simd-asm.js';
import { measureSync, type Timing } from './lib/stats.js';

export interface Bandwidth {
  bufferMB: number;
  wasmSimdGBs: number;
  memchrGBs: number;
  /** The best of the readers: the single-core read limit used for the floor. */
  bestGBs: number;
}

/** (p, end) -> f32: sums every float in [p, end), 128 bytes per step. */
function readKernelBytes(): Uint8Array<ArrayBuffer> {
  const P = 0;
  const END = 1;
  const ACC = 2; // 8 v128 accumulators: locals 2..9
  const body: number[] = [];
  for (let a = 0; a < 8; a++) body.push(...v128Zero(), ...set(ACC + a));
  body.push(OP.loop, TYPE.void);
  for (let a = 0; a < 8; a++) body.push(...get(ACC + a), ...get(P), ...v128Load(16 * a), ...f32x4Add(), ...set(ACC + a));
  body.push(...get(P), ...i32(128), OP.i32Add, ...tee(P), ...get(END), OP.i32LtU, OP.brIf, 0, OP.end);
  for (let a = 1; a < 8; a++) body.push(...get(ACC), ...get(ACC + a), ...f32x4Add(), ...set(ACC));
  body.push(...hsum(ACC));
  return moduleBytes({ exportName: 'sum', params: 2, results: [TYPE.f32], locals: [[8, TYPE.v128]], body });
}

export function measureBandwidth(bytes = 256 * 1024 * 1024): Bandwidth {
  const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) + 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readKernelBytes()), { env: { memory } });
  const sum = instance.exports['sum'] as (p: number, end: number) => number;
  new Uint8Array(memory.buffer).fill(1); // touch every page so the timing is reads, not faults
  const base = 65536;
  const wasm = measureSync(() => sum(base, base + bytes), { warmup: 3, runs: 15, budgetMs: 3000 });

  const buffer = Buffer.alloc(bytes, 1);
  const native = measureSync(() => buffer.indexOf(7), { warmup: 3, runs: 15, budgetMs: 3000 });

  const gbs = (t: Timing) => bytes / 1e9 / (t.p50 / 1000);
  const result = {
    bufferMB: bytes / (1024 * 1024),
    wasmSimdGBs: gbs(wasm),
    memchrGBs: gbs(native),
    bestGBs: Math.max(gbs(wasm), gbs(native)),
  };
  return result;
}

/** Milliseconds to read `bytes` at `gbs` GB/s. */
export function floorMs(bytes: number, gbs: number): number {
  return (bytes / 1e9 / gbs) * 1000;
}
