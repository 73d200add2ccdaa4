/**
 * Section 3: indexing, each run in its own process (so time and peak RSS are its own): the
 * article, ARCD, and a synthetic 100,000-paragraph Arabic folder generated from ARCD sentences.
 * Cold = an empty embedding cache; restart = the same command again with the cache now warm.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ARCD } from './answering.js';
import { runChild, tsxArgs } from './lib/child.js';
import { table } from './lib/table.js';
import { readArcd, writeSyntheticFolder } from './synthetic.js';
import type { SectionOptions, SectionResult } from './sections.js';

interface JobResult {
  /** createAssistant, in the child (module loading excluded). */
  ms: number;
  /** The whole child process, spawn to exit (includes tsx compiling the sources). */
  processMs: number;
  cpuMs: number;
  paragraphs: number;
  documents: number;
  maxRssMB: number;
}

interface IndexRow {
  corpus: string;
  cold: JobResult;
  warm: JobResult;
}

interface Latency {
  runs: number;
  p50: number;
  p99: number;
  max: number;
}

/** bench/child/reindex-job.ts: answering while every file of the folder is re-indexed. */
interface ReindexResult {
  paragraphs: number;
  reindexMs: number;
  idle: Latency;
  query: Latency;
  idleAck: Latency;
  ack: Latency;
  maxRssMB: number;
}

/**
 * The figures issue 18 started from (2026-12-01, `npm run bench`, before the index snapshot and
 * typed-array postings): the synthetic 100k row is printed beside them.
 */
export const BEFORE_SNAPSHOT = { corpus: 'synthetic 100k', coldS: 92, restartS: 62, coldRssMB: 1900, restartRssMB: 1500 } as const;
/**
 * The last figures before the memory work of 2026-12-02 (commit 8821e04; docs/benchmarks.md):
 * cold and restart peak RSS at 100k, and answering during a 100k re-index.
 */
export const BEFORE_MEMORY_WORK = { coldRssMB: 1625, restartRssMB: 1190, queryP99Ms: 857, ackP99Ms: 1860, reindexRssMB: 2440 } as const;

async function job(source: string[], cache: string): Promise<JobResult> {
  const run = await runChild(process.execPath, tsxArgs('bench/child/index-job.ts', [...source, '--cache', cache]), {
    stderr: process.stderr.isTTY ? 'inherit' : 'pipe',
  });
  if (run.code !== 0) throw new Error(`indexing ${source.join(' ')} failed: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return { ...(JSON.parse(run.stdout.trim().split('\n').pop()!) as Omit<JobResult, 'processMs'>), processMs: run.exitMs };
}

async function reindexJob(dir: string, cache: string): Promise<ReindexResult> {
  const run = await runChild(process.execPath, tsxArgs('bench/child/reindex-job.ts', ['--knowledge', dir, '--cache', cache]), {
    stderr: 'pipe',
    timeoutMs: 1_800_000,
  });
  if (run.code !== 0) throw new Error(`re-indexing ${dir} failed: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as ReindexResult;
}

async function coldAndWarm(
  corpus: string,
  source: string[],
  log: (line: string) => void,
  reindex?: { dir: string; into: ReindexResult[] },
): Promise<IndexRow> {
  const cache = mkdtempSync(path.join(os.tmpdir(), 'sanad-bench-cache-'));
  try {
    log(`section 3: ${corpus}, cold`);
    const cold = await job(source, cache);
    log(`section 3: ${corpus}, restart with a warm cache`);
    const warm = await job(source, cache);
    if (reindex) {
      log(`section 3: ${corpus}, every file re-indexed under the watcher while questions and Slack-style events arrive`);
      reindex.into.push(await reindexJob(reindex.dir, cache));
    }
    return { corpus, cold, warm };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

export async function runIndexing(options: SectionOptions): Promise<SectionResult> {
  const rows: IndexRow[] = [];
  const notes: string[] = [];
  const reindexed: ReindexResult[] = [];
  rows.push(await coldAndWarm('article', ['--knowledge', path.resolve('knowledge')], options.log));
  if (existsSync(ARCD)) {
    rows.push(await coldAndWarm('ARCD', ['--arcd', ARCD], options.log));
    const target = options.quick ? 10_000 : 100_000;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sanad-bench-synthetic-'));
    try {
      options.log(`section 3: writing ${target} synthetic paragraphs to ${dir}`);
      const t0 = performance.now();
      const written = writeSyntheticFolder(dir, readArcd(ARCD), target);
      notes.push(
        `synthetic: ${target} paragraphs of 2-4 ARCD sentences in ${written.files} files (${(written.bytes / 1e6).toFixed(0)} MB), written in ${((performance.now() - t0) / 1000).toFixed(1)} s (not counted).`,
      );
      rows.push(await coldAndWarm(`synthetic ${target / 1000}k`, ['--knowledge', dir], options.log, { dir, into: reindexed }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    notes.push(`ARCD and the synthetic folder skipped: ${ARCD} not found (it comes with the shared bench data).`);
  }
  const s = (ms: number) => ms / 1000;
  const big = rows.find((r) => r.corpus === BEFORE_SNAPSHOT.corpus);
  if (big) {
    const b = BEFORE_SNAPSHOT;
    notes.push(
      `synthetic 100k beside the figures issue 18 started from (before the index snapshot): cold ${s(big.cold.ms).toFixed(1)} s (was ${b.coldS} s), ` +
        `restart ${s(big.warm.ms).toFixed(2)} s (was ${b.restartS} s; goal ≤ 3 s), peak RSS cold ${big.cold.maxRssMB.toFixed(0)} MB (was ${b.coldRssMB}, ` +
        `then ${BEFORE_MEMORY_WORK.coldRssMB} before the memory work; goal ≤ 800), restart ${big.warm.maxRssMB.toFixed(0)} MB (was ${b.restartRssMB}, then ${BEFORE_MEMORY_WORK.restartRssMB}).`,
    );
  }
  for (const r of reindexed) {
    const ms = (t: Latency) => `p50 ${t.p50.toFixed(1)} / p99 ${t.p99.toFixed(1)} / max ${t.max.toFixed(0)} ms`;
    notes.push(
      `answering during a re-index of all ${r.paragraphs} paragraphs under the watcher (${s(r.reindexMs).toFixed(1)} s, new index built in a worker thread; before: one synchronous step, not measured): ` +
        `questions ${ms(r.query)} over ${r.query.runs} (idle ${ms(r.idle)}; was p99 ${BEFORE_MEMORY_WORK.queryP99Ms} ms; goal p99 ≤ 50 ms); ` +
        `Slack-style acks from another process every 50 ms ${ms(r.ack)} over ${r.ack.runs} (idle ${ms(r.idleAck)}; was p99 ${BEFORE_MEMORY_WORK.ackP99Ms} ms; goal p99 ≤ 50 ms); ` +
        `peak RSS ${r.maxRssMB.toFixed(0)} MB (was ${BEFORE_MEMORY_WORK.reindexRssMB}).`,
    );
  }
  const text = table(
    '3. Indexing (each run a fresh process)',
    [
      'corpus',
      'documents',
      'paragraphs',
      'cold s',
      'cold process s',
      'cold CPU s',
      'cold peak RSS MB',
      'restart s',
      'restart process s',
      'restart CPU s',
      'restart peak RSS MB',
    ],
    rows.map((r) => [
      r.corpus,
      r.cold.documents,
      r.cold.paragraphs,
      s(r.cold.ms),
      s(r.cold.processMs),
      s(r.cold.cpuMs),
      r.cold.maxRssMB,
      s(r.warm.ms),
      s(r.warm.processMs),
      s(r.warm.cpuMs),
      r.warm.maxRssMB,
    ]),
    [
      'cold = createAssistant with an empty data folder (read, parse, embed, BM25, then the index snapshot written); restart = the same again: the snapshot restored and every file checked against it.',
      's = createAssistant alone; process s = spawn to exit of the child, which also loads the sources through tsx (section 4 times the built CLI).',
      'CPU s = user + system time of the process: the figure to compare when the machine is shared (wall time includes waiting for a core).',
      ...notes,
    ],
  );
  return { text, data: { rows, reindexed, notes } };
}
