/**
 * Section 4: start-up, from process start to the first answer: `node bin/sanad.js ask "…"` on
 * the article, cold (an empty data directory, so no embedding cache) and warm (the cache filled
 * by an earlier run). Timed to the first byte on stdout and to exit.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runChild } from './lib/child.js';
import { summarise, type Timing } from './lib/stats.js';
import { table } from './lib/table.js';
import type { SectionOptions, SectionResult } from './sections.js';

const QUESTION = 'من هو سفير فرنسا لدى الأمم المتحدة؟';

async function ask(dataDir: string): Promise<{ first: number; exit: number }> {
  const run = await runChild(process.execPath, ['bin/sanad.js', 'ask', '--knowledge', 'knowledge', QUESTION], {
    env: { ...process.env, SANAD_DATA_DIR: dataDir, OPENAI_API_KEY: '', SANAD_CONFIG: '' },
    timeoutMs: 60_000,
  });
  if (run.code !== 0) throw new Error(`sanad ask exited with ${run.code}: ${run.stderr.trim().split('\n').slice(-2).join(' ')}`);
  return { first: run.firstOutputMs ?? run.exitMs, exit: run.exitMs };
}

/** Newest modification time of a .ts file under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts'))
      newest = Math.max(newest, statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return newest;
}

export async function runStartup(options: SectionOptions): Promise<SectionResult> {
  if (!existsSync(path.resolve('dist', 'cli', 'main.js'))) {
    return { text: '\n4. Start-up: skipped, dist/ is missing (run `npm run build`; `npm ci` does it).', data: { available: false } };
  }
  const notes: string[] = [];
  if (newestSource(path.resolve('src')) > statSync(path.resolve('dist', 'cli', 'main.js')).mtimeMs) {
    notes.push('warning: dist/ is older than src/, so these figures are for the last build (run `npm run build` first).');
  }
  const coldRuns = options.quick ? 3 : 7;
  const warmRuns = options.quick ? 5 : 15;
  const coldFirst: number[] = [];
  const coldExit: number[] = [];
  options.log(`section 4: ${coldRuns} cold starts`);
  for (let i = 0; i < coldRuns; i++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sanad-bench-data-'));
    try {
      const r = await ask(dir);
      coldFirst.push(r.first);
      coldExit.push(r.exit);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  options.log(`section 4: ${warmRuns} warm starts`);
  const warmDir = mkdtempSync(path.join(os.tmpdir(), 'sanad-bench-data-'));
  const warmFirst: number[] = [];
  const warmExit: number[] = [];
  try {
    await ask(warmDir); // fills the cache
    for (let i = 0; i < warmRuns; i++) {
      const r = await ask(warmDir);
      warmFirst.push(r.first);
      warmExit.push(r.exit);
    }
  } finally {
    rmSync(warmDir, { recursive: true, force: true });
  }
  const rows: Array<[string, Timing, Timing]> = [
    ['cold (empty cache)', summarise(coldFirst), summarise(coldExit)],
    ['warm (cache filled)', summarise(warmFirst), summarise(warmExit)],
  ];
  const text = table(
    '4. Start-up: process start to first answer, `node bin/sanad.js ask` on the article (ms)',
    ['start', 'runs', 'first answer p50', 'first answer p99', 'exit p50', 'exit p99'],
    rows.map(([name, first, exit]) => [name, first.runs, first.p50, first.p99, exit.p50, exit.p99]),
    [
      'first answer = first byte on stdout (the answer is printed whole); runs the built CLI in dist/, offline (no OPENAI_API_KEY).',
      ...notes,
    ],
  );
  return {
    text,
    data: { question: QUESTION, notes, cold: { first: rows[0]![1], exit: rows[0]![2] }, warm: { first: rows[1]![1], exit: rows[1]![2] } },
  };
}
