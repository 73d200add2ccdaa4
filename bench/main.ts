/**
 * `npm run bench`: every figure the README quotes, measured side by side in one process run.
 *
 *   npm run bench                       tables on stdout, progress on stderr
 *   npm run --silent bench -- --json    the same figures as one JSON object on stdout (tables go to stderr)
 *   npm run bench -- --json=bench.json  tables on stdout, JSON written to the file
 *   npm run bench -- --sections=1,4     only some sections (1 vector store, 2 answering,
 *                                       3 indexing, 4 start-up, 5 adapters, 6 replicas, 7 followed sources,
 *                                       8 scale: 100k and 1M paragraphs, not run unless asked for: about an hour)
 *   npm run bench -- --quick            smaller sizes and fewer runs (a smoke test, not for quoting)
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runVectorSection, type VectorSection } from './vector.js';
import { renderVector } from './render.js';
import type { SectionResult } from './sections.js';
import { runAnswering, runIndexing, runStartup, runAdapters, runReplicas, runSources, runScale } from './sections.js';

interface Args {
  json: 'stdout' | string | null;
  sections: Set<number>;
  quick: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { json: null, sections: new Set([1, 2, 3, 4, 5, 6, 7]), quick: false };
  for (const arg of argv) {
    if (arg === '--json') args.json = 'stdout';
    else if (arg.startsWith('--json=')) args.json = arg.slice('--json='.length);
    else if (arg === '--quick') args.quick = true;
    else if (arg.startsWith('--sections=')) {
      args.sections = new Set(
        arg
          .slice('--sections='.length)
          .split(',')
          .map(Number)
          .filter((n) => n >= 1 && n <= 8),
      );
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write('usage: npm run bench [-- --json | --json=FILE] [--sections=1,2,3,4,5,6,7,8] [--quick]\n');
      process.exit(0);
    } else {
      process.stderr.write(`bench: unknown option ${arg} (try --help)\n`);
      process.exit(2);
    }
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // with --json on stdout, tables move to stderr so stdout is exactly one JSON document
  const print = (text: string) => (args.json === 'stdout' ? process.stderr : process.stdout).write(text + '\n');
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const started = Date.now();
  const cpus = os.cpus();
  const meta = {
    date: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
    ...gitState(),
    quick: args.quick,
  };
  print(
    `sanad benchmarks · ${meta.date} · commit ${meta.commit}${meta.changedFiles ? ` + ${meta.changedFiles} changed file(s)` : ''} · node ${meta.node} · ${meta.cpu} × ${meta.cores} · load ${meta.loadAverage.join(' ')}`,
  );
  if (!(globalThis as { gc?: unknown }).gc) print('note: run through `npm run bench` (node --expose-gc) for memory figures');

  const results: Record<string, unknown> = {};
  if (args.sections.has(1)) {
    const section: VectorSection = await runVectorSection({
      sizes: args.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000],
      dims: args.quick ? [384] : [384, 1536],
      log,
    });
    results['vectorStore'] = section;
    print(renderVector(section));
  }
  const rest: Array<[number, string, () => Promise<SectionResult>]> = [
    [2, 'answering', () => runAnswering({ quick: args.quick, log })],
    [3, 'indexing', () => runIndexing({ quick: args.quick, log })],
    [4, 'startup', () => runStartup({ quick: args.quick, log })],
    [5, 'adapters', () => runAdapters({ quick: args.quick, log })],
    [6, 'replicas', () => runReplicas({ quick: args.quick, log })],
    [7, 'sources', () => runSources({ quick: args.quick, log })],
    [8, 'scale', () => runScale({ quick: args.quick, log })],
  ];
  for (const [n, key, run] of rest) {
    if (!args.sections.has(n)) continue;
    try {
      const section = await run();
      results[key] = section.data;
      print(section.text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results[key] = { error: message };
      print(`\n${n}. ${key}: failed: ${message}`);
    }
  }

  const totalSeconds = (Date.now() - started) / 1000;
  print(`\nbench finished in ${totalSeconds.toFixed(0)} s`);
  const json = JSON.stringify({ meta: { ...meta, totalSeconds }, ...results }, null, 2);
  if (args.json === 'stdout') process.stdout.write(json + '\n');
  else if (args.json) {
    const file = path.resolve(process.env['SANAD_BENCH_CWD'] ?? process.cwd(), args.json);
    writeFileSync(file, json + '\n');
    print(`figures written to ${file}`);
  }
}

/** The commit measured, and how many files differ from it (the working tree is what runs). */
function gitState(): { commit: string; changedFiles: number } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return { commit, changedFiles: status.split('\n').filter(Boolean).length };
  } catch {
    return { commit: 'unknown', changedFiles: 0 };
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
