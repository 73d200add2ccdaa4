/**
 * The hand-over of a re-index built in a worker thread (issue 18): the worker writes the new
 * index's snapshot itself, so the thread that answers never serialises it (at 100k paragraphs
 * that held the event loop for about a second), and a restart restores the new version as is;
 * the index's arrays cross by transfer, none cloned (the vectors' WebAssembly memory cannot be
 * transferred, and postMessage cloned it whole on the main thread without a word).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAssistant, createLogger, localEmbedder, type SanadAssistant } from '../../src/core/index.js';
import { KnowledgeIndex } from '../../src/core/index/knowledge-index.js';
import { pack, type PackedState } from '../../src/core/index/worker-build.js';
import { parseDocument } from '../../src/core/knowledge/parse.js';

const mainThread = vi.hoisted(() => ({ snapshotWrites: 0 }));
vi.mock('../../src/core/index/snapshot.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core/index/snapshot.js')>();
  return {
    ...actual,
    writeSnapshot: (...args: Parameters<typeof actual.writeSnapshot>) => {
      mainThread.snapshotWrites++;
      return actual.writeSnapshot(...args);
    },
  };
});

const open: SanadAssistant[] = [];
afterEach(async () => {
  for (const a of open.splice(0)) await a.close();
});

/** A hang guard, not a timing: the worker loads the sources through tsx, slow on a busy machine. */
const WORKER_TEST_MS = 180_000;

const depot = (v: string, i: number) =>
  `# Depot ${i}\n\nShipment ${i} of the ${v} run left depot ${i} and was signed for by clerk ${v}${i}.\n`;

async function start(dir: string, cacheDir: string) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', write: (l) => lines.push(l) });
  const assistant = await createAssistant({ knowledgeDir: dir, cacheDir, workerMinParagraphs: 1, logger });
  open.push(assistant);
  return { assistant, lines };
}

describe('a re-index handed over by its worker', () => {
  it(
    'has its snapshot written by the worker, never on the main thread, and a restart restores it',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sanad-handover-'));
      const cacheDir = mkdtempSync(join(tmpdir(), 'sanad-handover-cache-'));
      for (let i = 0; i < 20; i++) writeFileSync(join(dir, `depot-${i}.md`), depot('amber', i));
      const first = await start(dir, cacheDir);
      // The cold build's snapshot is written here, at start.
      expect(mainThread.snapshotWrites).toBe(1);

      for (let i = 0; i < 20; i++) writeFileSync(join(dir, `depot-${i}.md`), depot('cobalt', i));
      mainThread.snapshotWrites = 0;
      expect((await first.assistant.refresh()).changed).toHaveLength(20);
      expect(first.lines.some((l) => l.includes('knowledge re-indexed in a worker thread'))).toBe(true);
      expect((await first.assistant.ask('Who signed for shipment 3?')).answer).toContain('cobalt3');
      // Closing writes the snapshot when it is stale: the worker's is current.
      open.splice(open.indexOf(first.assistant), 1);
      await first.assistant.close();
      expect(mainThread.snapshotWrites).toBe(0);

      const again = await start(dir, cacheDir);
      expect(again.lines.some((l) => l.includes('index restored from its snapshot'))).toBe(true);
      expect(again.lines.some((l) => l.includes('knowledge updated'))).toBe(false);
      expect(again.assistant.index.size).toBe(20);
      expect((await again.assistant.ask('Who signed for shipment 7?')).answer).toContain('cobalt7');
      expect(mainThread.snapshotWrites).toBe(0);
    },
    WORKER_TEST_MS,
  );
});

describe("the worker's index crossing to the main thread", () => {
  it('moves every array by transfer or shares it, none cloned, the vectors included, and arrives intact', async () => {
    const text = Array.from({ length: 30 }, (_, i) => depot('amber', i)).join('\n');
    const doc = parseDocument({ document: 'depots.md', collection: '_root', text, hash: 'h' });
    const index = new KnowledgeIndex(localEmbedder());
    await index.build([doc]);
    const exported = index.exportState();
    const { state, transfer } = pack(exported);
    const moved = (s: PackedState) => [s.rows, s.bm25.counts, s.vectors.data, s.vectors.owners];
    // What the search helper thread reads is in shared memory already (search-helper.ts).
    const shared = (s: PackedState) => [s.bm25.postings, s.bm25.lengths, s.bm25.alive];
    const arrays = (s: PackedState) => [...moved(s), ...shared(s)];
    const before = arrays(state).map((a) => Array.from(a));
    expect(state.vectors.data.length).toBeGreaterThan(0);

    const { port1, port2 } = new MessageChannel();
    port1.postMessage(state, transfer);
    const received = receiveMessageOnPort(port2)!.message as PackedState;
    port1.close();
    // Transferred arrays are detached on the sending side; a cloned one would still be whole.
    expect(moved(state).map((a) => a.byteLength)).toEqual(moved(state).map(() => 0));
    expect(arrays(received).map((a) => Array.from(a))).toEqual(before);
    // Shared ones are the same memory on both sides: a write on one is read on the other.
    for (const [c, array] of shared(state).entries()) {
      expect(array.buffer).toBeInstanceOf(SharedArrayBuffer);
      array[0] = array[0]! + 1;
      expect(shared(received)[c]![0]).toBe(array[0]);
    }
    // The received vectors hold the index's vectors and no more (not the matrix's spare capacity).
    expect(received.vectors.data.buffer.byteLength).toBe(received.vectors.data.byteLength);
    // The index that built them still answers: its own memory was copied from, not taken.
    expect(await index.search('shipment depot clerk', 'en', { k: 3 })).toHaveLength(3);
  });
});
