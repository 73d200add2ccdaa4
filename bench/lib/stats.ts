/** Timing helpers: warm-up, then many timed runs; medians and tail percentiles. */

export interface Timing {
  runs: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarise(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return {
    runs: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean,
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

export interface MeasureOptions {
  /** Untimed runs first (JIT tier-up, caches). */
  warmup?: number;
  /** Timed runs wanted... */
  runs?: number;
  /** ...unless this many milliseconds of timed runs pass first (at least minRuns are done). */
  budgetMs?: number;
  minRuns?: number;
}

/** Times `fn(i)` (ms per call) after warm-up. */
export async function measure(fn: (i: number) => unknown, options: MeasureOptions = {}): Promise<Timing> {
  const { warmup = 5, runs = 100, budgetMs = 5000, minRuns = 5 } = options;
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
    if (i + 1 >= minRuns && performance.now() - started > budgetMs) break;
  }
  return summarise(samples);
}

/** Synchronous variant: no await between runs, for sub-millisecond calls. */
export function measureSync(fn: (i: number) => unknown, options: MeasureOptions = {}): Timing {
  const { warmup = 5, runs = 100, budgetMs = 5000, minRuns = 5 } = options;
  for (let i = 0; i < warmup; i++) fn(i);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn(i);
    samples.push(performance.now() - t0);
    if (i + 1 >= minRuns && performance.now() - started > budgetMs) break;
  }
  return summarise(samples);
}

export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) {
    collect();
    collect();
  }
}

export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export function memory(): MemorySnapshot {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

export function memoryDelta(before: MemorySnapshot, after: MemorySnapshot): MemorySnapshot {
  return {
    rss: after.rss - before.rss,
    heapUsed: after.heapUsed - before.heapUsed,
    external: after.external - before.external,
    arrayBuffers: after.arrayBuffers - before.arrayBuffers,
  };
}

export const MB = 1024 * 1024;
export const round = (x: number, digits = 2): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
