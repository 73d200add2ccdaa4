/**
 * Starting one of the index's worker threads. The compiled worker sits next to this file; run
 * from the TypeScript sources (vitest, tsx), the thread registers tsx's loader first and imports
 * the .ts file, so tests exercise the same code (as src/readers/pool.ts does; the core cannot
 * import it).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** The worker thread of `name` (a module of this folder, without extension). */
export function startIndexWorker(name: string, workerData: unknown): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, here), { workerData });
  const tsxDir = dirname(createRequire(here).resolve('tsx/package.json'));
  const loader = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const source = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL(`./${name}.ts`, here).href)}); });`;
  return new Worker(source, { eval: true, workerData });
}
