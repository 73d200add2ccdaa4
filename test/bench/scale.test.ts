/**
 * Bench section 8 (issue 18's figures at scale) at a small size: each step runs in its own
 * process, the restart really loads the snapshot the cold run wrote, and every question is asked.
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ARCD } from '../../bench/answering.js';
import { besideFirst1M, runScale, type AskJob, type IndexJob } from '../../bench/scale.js';

const SIZE = 1_200;

interface Row {
  size: number;
  paragraphs: number;
  cold: { paragraphs: number; restored: boolean };
  restart: { paragraphs: number; restored: boolean };
  answering: { paragraphs: number; ask: { runs: number }; search: { runs: number }; declined: number };
}

describe.skipIf(!existsSync(ARCD))('bench section 8 (scale)', () => {
  const before = process.env['SANAD_BENCH_SCALE'];
  afterEach(() => {
    if (before === undefined) delete process.env['SANAD_BENCH_SCALE'];
    else process.env['SANAD_BENCH_SCALE'] = before;
  });

  it('indexes cold, restarts from the snapshot, and asks every question over the same paragraphs', async () => {
    process.env['SANAD_BENCH_SCALE'] = String(SIZE);
    const logged: string[] = [];
    const result = await runScale({ quick: false, log: (line) => logged.push(line) });
    const { rows } = result.data as { rows: Row[] };
    expect(rows).toHaveLength(1);
    const [row] = rows as [Row];
    expect(row.size).toBe(SIZE);
    // The synthetic folder holds the paragraphs asked for (a title line per file is not one).
    expect(row.paragraphs).toBeGreaterThan(SIZE * 0.9);
    expect(row.paragraphs).toBeLessThanOrEqual(SIZE);
    expect(row.cold.restored).toBe(false);
    expect(row.restart.restored).toBe(true);
    expect(row.restart.paragraphs).toBe(row.paragraphs);
    expect(row.answering.paragraphs).toBe(row.paragraphs);
    expect(row.answering.ask.runs).toBe(300);
    expect(row.answering.search.runs).toBe(300);
    // ARCD questions over paragraphs made of ARCD sentences: most find their answer.
    expect(row.answering.declined).toBeLessThan(150);
    expect(result.text).toContain('8. Scale');
    expect(logged.some((line) => line.includes('restart from the snapshot'))).toBe(true);
  });
});

describe('bench section 8, the 1M row beside its first figures', () => {
  const job = (seconds: number, rssMB: number): IndexJob => ({
    ms: seconds * 1000,
    cpuMs: 0,
    paragraphs: 1,
    maxRssMB: rssMB,
    restored: false,
  });
  const asking = (p50: number, p99: number, rssMB: number): AskJob => {
    const ask = { runs: 300, p50, p95: p99, p99, mean: p50, min: p50, max: p99 };
    return { paragraphs: 1, startMs: 0, warmMs: 0, ask, search: ask, declined: 0, maxRssMB: rssMB };
  };

  it('says of each goal whether it is met, the peak RSS taken over all three steps', () => {
    const line = besideFirst1M({ cold: job(383, 4960), restart: job(8, 3320), answering: asking(170, 285, 3780) });
    expect(line).toContain('cold 383 s (was 1256 s; goal ≤ 600 s, met)');
    expect(line).toContain('peak RSS 4960 MB (was 5550; goal ≤ 6144, met)');
    expect(line).toContain('restart 8.0 s (was 19.18 s; goal ≤ 20 s, met)');
    expect(line).toContain('ask p50 / p99 170.0 / 285 ms (was 200 / 393; goal ≤ 30 / 150, not met)');
    expect(besideFirst1M({ cold: job(300, 1), restart: job(8, 1), answering: asking(29.6, 64, 1) })).toContain(
      'ask p50 / p99 29.6 / 64 ms',
    );
  });

  it('a goal missed by one step or one percentile is not met', () => {
    const line = besideFirst1M({ cold: job(601, 4000), restart: job(20.5, 3000), answering: asking(29, 151, 6200) });
    expect(line).toContain('goal ≤ 600 s, not met');
    expect(line).toContain('peak RSS 6200 MB (was 5550; goal ≤ 6144, not met)');
    expect(line).toContain('goal ≤ 20 s, not met');
    expect(line).toContain('goal ≤ 30 / 150, not met');
    expect(besideFirst1M({ cold: job(600, 1), restart: job(20, 1), answering: asking(30, 150, 1) })).not.toContain('not met');
  });
});

if (!existsSync(ARCD))
  console.warn(`bench section 8 test skipped: ${ARCD} not found (ARCD lives in ../shared/bench, beside the repository).`);
