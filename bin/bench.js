#!/usr/bin/env node
// `npm run bench [-- options]`: runs the TypeScript benchmark (bench/main.ts) through tsx in a
// child process with the GC exposed, so figures come from one fresh process. See docs/benchmarks.md.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsx = import.meta.resolve('tsx');
const child = spawn(
  process.execPath,
  ['--expose-gc', '--max-old-space-size=4096', '--import', tsx, 'bench/main.ts', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, SANAD_BENCH_CWD: process.cwd() } },
);
child.on('exit', (code, signal) => {
  if (signal) process.kill(process.pid, signal);
  process.exit(code ?? 1);
});
