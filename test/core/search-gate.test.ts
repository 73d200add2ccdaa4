/**
 * Searches first (search-gate.ts): an index worker pauses while the main thread searches, the
 * main thread itself never waits, and a re-index built in a worker does not finish while a
 * search is held open.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { documentFromParagraphs } from '../../src/core/knowledge/index.js';
import { localEmbedder } from '../../src/core/index/embedder.js';
import { followSearches, searchCount, searching, yieldToSearches } from '../../src/core/index/search-gate.js';
import { buildInWorker } from '../../src/core/index/worker-build.js';

/** A hang guard, not a timing: workers load the sources through tsx, slow on a busy machine. */
const WORKER_TEST_MS = 180_000;
const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
const gate = new URL('../../src/core/index/search-gate.ts', import.meta.url).href;

/** A worker that follows the count, says it is ready, passes one pause point, then reports the count it saw there. */
const FOLLOWER = `
const { parentPort, workerData } = require('node:worker_threads');
import(${JSON.stringify(tsx)})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(gate)}); })
  .then((gate) => {
    gate.followSearches(workerData.count);
    parentPort.postMessage({ ready: true });
    gate.yieldToSearches(600000);
    parentPort.postMessage({ passed: Atomics.load(workerData.count, 0) });
  });
`;

const workers: Worker[] = [];
const releases: (() => void)[] = [];
afterEach(async () => {
  for (const release of releases.splice(0)) release();
  for (const worker of workers.splice(0)) await worker.terminate();
});

/** A search held open until `release` is called. */
function holdSearch(): { release: () => void; done: Promise<void> } {
  let release!: () => void;
  const done = searching(() => new Promise<void>((resolve) => (release = resolve)));
  releases.push(release);
  return { release, done };
}

function follower(): { ready: Promise<void>; passed: Promise<number> } {
  const worker = new Worker(FOLLOWER, { eval: true, workerData: { count: searchCount() } });
  workers.push(worker);
  let ready!: () => void;
  let passed!: (seen: number) => void;
  const out = { ready: new Promise<void>((r) => (ready = r)), passed: new Promise<number>((r) => (passed = r)) };
  worker.on('message', (m: { ready?: true; passed?: number }) => (m.ready ? ready() : passed(m.passed!)));
  worker.on('error', (error) => {
    throw error;
  });
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('searches first', () => {
  it(
    'a following worker waits at its pause point until the search in flight ends',
    async () => {
      const search = holdSearch();
      const worker = follower();
      await worker.ready;
      let released = false;
      const passed = worker.passed.then((seen) => ({ seen, released }));
      await sleep(200);
      released = true;
      search.release();
      await search.done;
      // It passed after the release, and because the count fell to zero (not after its longest wait).
      expect(await passed).toEqual({ seen: 0, released: true });
    },
    WORKER_TEST_MS,
  );

  it(
    'a following worker passes at once when nothing is searched',
    async () => {
      const worker = follower();
      await worker.ready;
      expect(await worker.passed).toBe(0);
    },
    WORKER_TEST_MS,
  );

  it('the main thread never waits on its own searches', async () => {
    followSearches(searchCount());
    const search = holdSearch();
    // Were it followed here, this would wait 20 s (past the test timeout) for a search that cannot end meanwhile.
    yieldToSearches(20_000);
    expect(Atomics.load(searchCount(), 0)).toBe(1);
    search.release();
    await search.done;
    expect(Atomics.load(searchCount(), 0)).toBe(0);
  }, 5_000);

  it('the count falls back when a search throws', async () => {
    await expect(searching(() => Promise.reject(new Error('broken')))).rejects.toThrow('broken');
    expect(Atomics.load(searchCount(), 0)).toBe(0);
  });

  it(
    'a re-index built in a worker does not finish while a search is held open',
    async () => {
      const docs = Array.from({ length: 12 }, (_, i) =>
        documentFromParagraphs({
          document: `depot-${i}.md`,
          collection: 'main',
          title: `Depot ${i}`,
          paragraphs: [`Shipment ${i} left depot ${i} and was signed for by clerk ${i}.`, `Depot ${i} closes at ${i + 1} pm.`],
        }),
      );
      const embedder = localEmbedder();
      // How long the same build takes with nothing searched: the search below is held twice as long.
      const started = performance.now();
      const free = await buildInWorker(embedder, { updates: docs });
      const took = performance.now() - started;
      expect(free.index.size).toBe(24);

      const search = holdSearch();
      let finished = false;
      const build = buildInWorker(embedder, { updates: docs }).then((built) => ((finished = true), built));
      await sleep(2 * took + 500);
      expect(finished).toBe(false);
      search.release();
      await search.done;
      expect((await build).index.size).toBe(24);
    },
    WORKER_TEST_MS,
  );
});
