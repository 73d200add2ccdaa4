/**
 * A large refresh parses the changed files in the index worker, not on the thread that answers
 * (parsing a big file took the main thread up to 290 ms, most of it the near-duplicate check):
 * the main thread's parser is counted and must not run, yet the new versions are indexed, and a
 * file whose new version cannot be used is reported while its last good version keeps serving.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAssistant, type SanadAssistant } from '../../src/core/index.js';

const mainThread = vi.hoisted(() => ({ parses: 0 }));
vi.mock('../../src/core/knowledge/parse.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/core/knowledge/parse.js')>();
  return {
    ...actual,
    parseDocument: (...args: Parameters<typeof actual.parseDocument>) => {
      mainThread.parses++;
      return actual.parseDocument(...args);
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

describe('a large refresh parses in the index worker', () => {
  it(
    'indexes the new versions without parsing them on the main thread',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sanad-worker-parse-'));
      for (let i = 0; i < 20; i++) writeFileSync(join(dir, `depot-${i}.md`), depot('amber', i));
      const assistant = await createAssistant({ knowledgeDir: dir, cacheDir: null, workerMinParagraphs: 1 });
      open.push(assistant);
      expect(mainThread.parses).toBe(20);

      for (let i = 0; i < 20; i++) writeFileSync(join(dir, `depot-${i}.md`), depot('cobalt', i));
      // An edit that leaves a file with nothing to index: its amber version keeps serving.
      writeFileSync(join(dir, 'depot-7.md'), '\n\n');
      mainThread.parses = 0;
      const change = await assistant.refresh();
      expect(mainThread.parses).toBe(0);

      expect(change.changed).toHaveLength(19);
      expect(change.changed).not.toContain('depot-7.md');
      expect(change.skipped).toEqual([{ document: 'depot-7.md', reason: 'has no paragraphs' }]);
      expect(assistant.index.size).toBe(20);
      expect((await assistant.ask('Who signed for shipment 3?')).answer).toContain('cobalt3');
      expect((await assistant.ask('Who signed for shipment 7?')).answer).toContain('amber7');
      // The worker's documents are whole: each paragraph knows its document and title.
      const doc = assistant.index.documents.get('depot-3.md')!;
      expect(doc.title).toBe('Depot 3');
      expect(doc.paragraphs[0]?.text).toContain('cobalt3');
    },
    WORKER_TEST_MS,
  );
});
