/**
 * Searches first (search-gate.ts): an index worker pauses while the main thread searches, yet
 * never more than its share of the time; the main thread itself never waits; a re-index built
 * in a worker pauses for a search held open, and not without one.
 */
import { existsSync } from 'node:fs';
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

/**
 * A worker that follows the count and works for \`workMs\` (earning three times as long of pauses),
 * says it is ready with its nice value (null without /proc), passes one pause point, then reports the count it saw there. With \`rounds\`,
 * it then passes that many pause points of at most 100 ms with 10 ms of work after each, and
 * reports the share of its time it spent paused.
 */
const FOLLOWER = `
const { parentPort, workerData } = require('node:worker_threads');
const work = (ms) => { const end = performance.now() + ms; while (performance.now() < end); };
const nice = () => {
  try {
    // Field 19 of the thread's stat line, the fields after the command's closing parenthesis counted from 3.
    const stat = require('node:fs').readFileSync('/proc/thread-self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  } catch {
    return null;
  }
};
import(${JSON.stringify(tsx)})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(gate)}); })
  .then((gate) => {
    const from = performance.now();
    gate.followSearches(workerData.count);
    work(workerData.workMs);
    parentPort.postMessage({ ready: true, nice: nice() });
    if (workerData.rounds === 0) {
      gate.yieldToSearches(600000);
      return parentPort.postMessage({ passed: Atomics.load(workerData.count, 0) });
    }
    for (let i = 0; i < workerData.rounds; i++) {
      gate.yieldToSearches(100);
      work(10);
    }
    parentPort.postMessage({ passed: gate.pausedForSearches() / (performance.now() - from) });
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

/** `ready` resolves to the worker's nice value once it follows (null where there is no /proc). */
function follower(workMs: number, rounds = 0): { ready: Promise<number | null>; passed: Promise<number> } {
  const worker = new Worker(FOLLOWER, { eval: true, workerData: { count: searchCount(), workMs, rounds } });
  workers.push(worker);
  let ready!: (nice: number | null) => void;
  let passed!: (seen: number) => void;
  const out = { ready: new Promise<number | null>((r) => (ready = r)), passed: new Promise<number>((r) => (passed = r)) };
  worker.on('message', (m: { ready?: true; nice?: number | null; passed?: number }) =>
    m.ready ? ready(m.nice ?? null) : passed(m.passed!),
  );
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
      // Two seconds of work earn it six of pauses: the search below is released well before.
      const worker = follower(2000);
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
      const worker = follower(0);
      await worker.ready;
      expect(await worker.passed).toBe(0);
    },
    WORKER_TEST_MS,
  );

  it.skipIf(!existsSync('/proc/thread-self/stat'))(
    'a following worker runs at nice 10 or lower priority, so the thread that answers gets the core first',
    async () => {
      const nice = await follower(0).ready;
      expect(nice).toBeGreaterThanOrEqual(10);
    },
    WORKER_TEST_MS,
  );

  it(
    'a following worker spends at most three quarters of its time paused, however long searches run',
    async () => {
      holdSearch();
      const worker = follower(200, 30);
      // Unbounded, it would wait 100 ms at each of its 30 pause points and work 10 ms: 90% paused.
      const share = await worker.passed;
      expect(share).toBeGreaterThan(0.5);
      expect(share).toBeLessThanOrEqual(0.76);
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
    'a re-index built in a worker pauses for a search held open, and not without one',
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
      const free = await buildInWorker(embedder, { updates: docs });
      expect(free.index.size).toBe(24);
      expect(free.pausedMs).toBe(0);

      const search = holdSearch();
      const held = await buildInWorker(embedder, { updates: docs });
      search.release();
      await search.done;
      expect(held.index.size).toBe(24);
      expect(held.pausedMs).toBeGreaterThan(0);
    },
    WORKER_TEST_MS,
  );
});
