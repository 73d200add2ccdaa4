/**
 * Bench section 8 (issue 18's figures at scale) at a small size: each step runs in its own
 * process, the restart really loads the snapshot the cold run wrote, and every question is asked.
 */
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ARCD } from '../../bench/answering.js';
import { runScale } from '../../bench/scale.js';

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

if (!existsSync(ARCD))
  console.warn(`bench section 8 test skipped: ${ARCD} not found (ARCD lives in ../shared/bench, beside the repository).`);
