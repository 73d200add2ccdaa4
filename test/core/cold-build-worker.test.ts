/**
 * A cold build uses both cores: the local embedder runs in a worker thread and reads the
 * paragraphs' terms there while the main thread fills BM25 with the batch before. The index must
 * be the one a build on one thread makes, bit for bit: same rows, same postings, same vectors in
 * the same order.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAssistant } from '../../src/core/index.js';
import { localEmbedder, type Embedder } from '../../src/core/index/embedder.js';
import { CachedEmbedder } from '../../src/core/index/embedding-cache.js';
import { paragraphCount } from '../../src/core/index/index-input.js';
import { KnowledgeIndex } from '../../src/core/index/knowledge-index.js';
import { withEmbeddingWorker } from '../../src/core/index/worker-embedder.js';
import { loadKnowledge } from '../../src/core/knowledge/load.js';
import { documentFromParagraphs } from '../../src/core/knowledge/parse.js';
import type { KnowledgeDocument } from '../../src/core/knowledge/types.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { rng } from '../fixtures/random.js';
import { expectSameIndexState } from '../fixtures/index-state.js';

/** A hang guard, not a timing: the worker loads the sources through tsx, slow on a busy machine. */
const HANG_GUARD_MS = 180_000;
const WORDS = ['سفير', 'فرنسا', 'الأمم', 'المتحدة', 'مجلس', 'الأمن', 'تمويل', 'الإرهاب', 'برخان', 'الساحل', 'قرار', 'الحرب'];

/** More paragraphs than two build batches, with a repeated text and a paragraph embedded in several chunks. */
async function corpus(): Promise<KnowledgeDocument[]> {
  const next = rng(7);
  const sentence = () => Array.from({ length: 6 + Math.floor(next() * 8) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
  const docs = (await loadKnowledge(ARTICLE_KNOWLEDGE)).documents;
  for (let d = 0; d < 15; d++) {
    const paragraphs = Array.from({ length: 300 }, (_, i) => (i % 50 === 7 ? 'فقرة مكررة في كل وثيقة' : `${sentence()}. ${sentence()}.`));
    if (d === 4) paragraphs.push(`${sentence()}. `.repeat(120));
    docs.push(
      documentFromParagraphs({
        document: `gen-${d}.txt`,
        collection: 'main',
        title: `وثيقة ${d} ${WORDS[d % 12]}`,
        paragraphs,
        lang: 'ar',
      }),
    );
  }
  return docs;
}

/** The local embedder, recording what it is asked to embed on this thread. */
function recording(): Embedder & { asked: string[] } {
  const local = localEmbedder();
  const asked: string[] = [];
  return { ...local, asked, embedDocuments: (texts, onProgress) => (asked.push(...texts), local.embedDocuments(texts, onProgress)) };
}

describe('a cold build on two cores', () => {
  it('embeds in the worker and makes exactly the index a build on one thread makes', { timeout: HANG_GUARD_MS }, async () => {
    const docs = await corpus();
    const one = new KnowledgeIndex(new CachedEmbedder(recording(), null));
    await one.build(docs);
    const model = recording();
    const two = new KnowledgeIndex(new CachedEmbedder(model, null));
    const progress: [number, number][] = [];
    // Paragraphs whose terms the worker read.
    let counted = 0;
    await withEmbeddingWorker(two.embedder as CachedEmbedder, paragraphCount(docs), 1, (terms) =>
      two.build(
        docs,
        (done, total) => progress.push([done, total]),
        terms && {
          count: async (rows) => {
            const read = await terms.count(rows);
            counted += read?.lengths.length ?? 0;
            return read;
          },
        },
      ),
    );
    // Nothing was embedded on this thread, nor were terms read here.
    expect(model.asked).toEqual([]);
    expect(counted).toBe(two.size);
    expect(two.size).toBeGreaterThan(4096);
    expect(progress.at(-1)).toEqual([two.size, two.size]);
    const [got, want] = [two.exportState(), one.exportState()];
    expectSameIndexState(got, want);
    const question = 'ما هو قرار مجلس الأمن بشأن تمويل الإرهاب؟';
    expect(await two.search(question, 'ar', { k: 10 })).toEqual(await one.search(question, 'ar', { k: 10 }));
  });

  it('is what a cold start of a large folder does', { timeout: HANG_GUARD_MS }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-cold-worker-'));
    for (let i = 0; i < 30; i++)
      writeFileSync(join(dir, `depot-${i}.md`), `# Depot ${i}\n\nShipment ${i} left depot ${i} and was signed for by clerk ${i}.\n`);
    const model = recording();
    const assistant = await createAssistant({ knowledgeDir: dir, cacheDir: null, embedder: model, workerMinParagraphs: 1 });
    try {
      expect(model.asked).toEqual([]);
      expect(assistant.index.size).toBe(30);
      expect((await assistant.ask('Who signed for shipment 7?')).answer).toContain('clerk 7');
    } finally {
      await assistant.close();
    }
  });
});
