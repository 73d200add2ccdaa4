/**
 * Answering while the knowledge is re-indexed (issue 18, issue 14 item 2): the work of indexing
 * changed files (terms, chunks, vectors) happens beside the index that serves, and the result
 * goes in in one step, so a question asked mid-way is answered, from the last version, before
 * the re-index ends.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAssistant, localEmbedder, type Embedder, type SanadAssistant } from '../../src/core/index.js';
import { silentLogger } from '../../src/core/ports.js';
import { buildInWorker } from '../../src/core/index/worker-build.js';
import { ARTICLE, ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';

const open: SanadAssistant[] = [];
afterEach(async () => {
  for (const a of open.splice(0)) await a.close();
});

/** The local embedder, held at a gate when it is asked to embed a text containing `trigger`. */
function gatedEmbedder(trigger: string) {
  const inner = localEmbedder();
  let reached!: () => void;
  let release!: () => void;
  const atGate = new Promise<void>((resolve) => (reached = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  const embedder: Embedder = {
    id: inner.id,
    crossLingual: inner.crossLingual,
    async embedDocuments(texts, onProgress) {
      if (texts.some((t) => t.includes(trigger))) {
        reached();
        await gate;
      }
      return inner.embedDocuments(texts, onProgress);
    },
    embedQuery: (text) => inner.embedQuery(text),
  };
  return { embedder, atGate, release };
}

describe('answering while the knowledge is re-indexed', () => {
  it('answers from the last version while a changed file is being indexed, then from the new one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-reindex-'));
    cpSync(join(ARTICLE_KNOWLEDGE, ARTICLE), join(dir, ARTICLE));
    writeFileSync(join(dir, 'memo.md'), '# Memo\n\nThe security team meets every Thursday at nine in room 4B to review incidents.\n');
    for (let i = 0; i < 30; i++)
      writeFileSync(join(dir, `note-${i}.md`), `# Note ${i}\n\nRoom ${i} is booked for the meeting number ${i} of the quarter.\n`);
    const { embedder, atGate, release } = gatedEmbedder('Friday at ten');
    const assistant = await createAssistant({ knowledgeDir: dir, cacheDir: null, embedder });
    open.push(assistant);

    writeFileSync(join(dir, 'memo.md'), '# Memo\n\nThe security team now meets every Friday at ten in room 2A to review incidents.\n');
    writeFileSync(join(dir, 'note-3.md'), '# Note 3\n\nRoom 3 is closed for repairs this quarter.\n');
    let refreshed = false;
    const refresh = assistant.refresh().then((change) => ((refreshed = true), change));
    await atGate; // the re-index is under way: the new text is being embedded

    const during = await assistant.ask('When does the security team meet?');
    expect(refreshed).toBe(false);
    expect(during.answer).toContain('Thursday');
    expect(during.citations[0]?.document).toBe('memo.md');
    expect((await assistant.ask('What is room 3 booked for?')).answer).toContain('meeting number 3');

    release();
    expect((await refresh).changed).toEqual(['memo.md', 'note-3.md']);
    const after = await assistant.ask('When does the security team meet?');
    expect(after.answer).toContain('Friday');
    expect(after.retrieved.some((r) => r.text.includes('Thursday'))).toBe(false);
  });

  it('gives the event loop turns while it embeds many paragraphs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-reindex-'));
    cpSync(join(ARTICLE_KNOWLEDGE, ARTICLE), join(dir, ARTICLE));
    // Turns of the event loop counted while the local embedder works through the new ledger.
    let turns = 0;
    let running = false;
    const tick = (): void => {
      if (!running) return;
      turns++;
      setImmediate(tick);
    };
    const local = localEmbedder();
    const embedder: Embedder = {
      id: local.id,
      crossLingual: local.crossLingual,
      async embedDocuments(texts, onProgress) {
        if (texts.length < 1000) return local.embedDocuments(texts, onProgress);
        running = true;
        setImmediate(tick);
        try {
          return await local.embedDocuments(texts, onProgress);
        } finally {
          running = false;
        }
      },
      embedQuery: (text) => local.embedQuery(text),
    };
    const assistant = await createAssistant({ knowledgeDir: dir, cacheDir: null, embedder });
    open.push(assistant);
    const lines = Array.from(
      { length: 3000 },
      (_, i) => `Paragraph ${i} records that shipment ${i} left the northern depot on time and was signed for.`,
    );
    writeFileSync(join(dir, 'ledger.txt'), `Ledger\n${lines.join('\n')}\n`);
    await assistant.refresh();
    // Embedded in one go, 3,000 paragraphs leave the loop no turn at all; in slices of 128, one
    // turn a slice at least.
    expect(turns).toBeGreaterThanOrEqual(20);
    expect(assistant.index.size).toBeGreaterThan(3000);
  });
});

/** A hang guard, not a timing: the worker loads the sources through tsx, slow on a busy machine. */
const WORKER_TEST_MS = 180_000;

describe('a large re-index, built in a worker thread', () => {
  it(
    'answers from the old index while the new one is built, then swaps in the new one complete',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sanad-reindex-worker-'));
      const version = (v: string, i: number) =>
        `# Depot ${i}\n\nShipment ${i} of the ${v} run left depot ${i} and was signed for by clerk ${v}${i}.\n`;
      for (let i = 0; i < 40; i++) writeFileSync(join(dir, `depot-${i}.md`), version('amber', i));
      const logged: string[] = [];
      const logger = { ...silentLogger, info: (message: string) => void logged.push(message), child: () => logger };
      const assistant = await createAssistant({ knowledgeDir: dir, cacheDir: null, workerMinParagraphs: 1, logger });
      open.push(assistant);
      const before = assistant.index;

      for (let i = 0; i < 40; i++) writeFileSync(join(dir, `depot-${i}.md`), version('cobalt', i));
      let swapped = false;
      const refresh = assistant.refresh().then((change) => ((swapped = true), change));
      // Asked until the refresh ends: each search sees one version whole, the old one until the swap.
      const seen: string[] = [];
      while (!swapped) {
        const texts = (await assistant.index.search('shipment depot clerk', 'en', { k: 80 })).map((h) => h.paragraph.text);
        const amber = texts.filter((t) => t.includes('amber')).length;
        const cobalt = texts.filter((t) => t.includes('cobalt')).length;
        seen.push(amber === 40 && cobalt === 0 ? 'old' : cobalt === 40 && amber === 0 ? 'new' : `mixed ${amber}/${cobalt}`);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      expect((await refresh).changed).toHaveLength(40);
      expect(seen[0]).toBe('old');
      const firstNew = seen.indexOf('new');
      expect(seen.slice(0, firstNew < 0 ? seen.length : firstNew).every((v) => v === 'old')).toBe(true);
      if (firstNew >= 0) expect(seen.slice(firstNew).every((v) => v === 'new')).toBe(true);

      expect(logged).toContain('knowledge re-indexed in a worker thread');
      expect(assistant.index).not.toBe(before);
      const after = await assistant.index.search('shipment depot clerk', 'en', { k: 80 });
      expect(after).toHaveLength(40);
      expect(after.every((h) => h.paragraph.text.includes('cobalt'))).toBe(true);
      expect(assistant.index.size).toBe(40);
      expect((await assistant.ask('Who signed for shipment 7?')).answer).toContain('cobalt7');
    },
    WORKER_TEST_MS,
  );

  it(
    'builds the same index a build on the main thread does: same rankings, same scores',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sanad-reindex-worker-'));
      cpSync(join(ARTICLE_KNOWLEDGE, ARTICLE), join(dir, ARTICLE));
      const assistant = await createAssistant({ knowledgeDir: dir, cacheDir: null, workerMinParagraphs: 1 });
      open.push(assistant);
      const questions = ['ما هي عملية برخان؟', 'كم عدد الجنود الفرنسيين في الساحل؟', 'من هو السفير الفرنسي في الأمم المتحدة؟'];
      const ranked = async () =>
        Promise.all(questions.map(async (q) => (await assistant.index.search(q, 'ar', { k: 10 })).map((h) => [h.paragraph.id, h.score])));
      const onMain = await ranked();
      const documents = [...assistant.index.documents.values()];
      const { index: built } = await buildInWorker(localEmbedder(), { updates: documents });
      // The worker's index ranks every question as the main thread's did, ties and scores included.
      expect(built.size).toBe(assistant.index.size);
      const inWorker = await Promise.all(
        questions.map(async (q) => (await built.search(q, 'ar', { k: 10 })).map((h) => [h.paragraph.id, h.score])),
      );
      expect(inWorker).toEqual(onMain);
      expect(onMain.every((hits) => hits.length > 0)).toBe(true);
    },
    WORKER_TEST_MS,
  );
});
