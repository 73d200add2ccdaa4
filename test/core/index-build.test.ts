/**
 * Issue 18's memory work: a first build is made a batch of paragraphs at a time, and the
 * embedding cache keeps its vectors on disk. Neither may change what is indexed or embedded.
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localEmbedder, type Embedder } from '../../src/core/index/embedder.js';
import { CachedEmbedder } from '../../src/core/index/embedding-cache.js';
import { KnowledgeIndex } from '../../src/core/index/knowledge-index.js';
import { loadKnowledge } from '../../src/core/knowledge/load.js';
import { documentFromParagraphs } from '../../src/core/knowledge/parse.js';
import type { KnowledgeDocument } from '../../src/core/knowledge/types.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { rng } from '../fixtures/random.js';
import { expectSameIndexState } from '../fixtures/index-state.js';

/** A hang guard, not a timing: two builds of 2,000 paragraphs on a busy machine. */
const HANG_GUARD_MS = 120_000;

const WORDS = ['سفير', 'فرنسا', 'الأمم', 'المتحدة', 'مجلس', 'الأمن', 'تمويل', 'الإرهاب', 'برخان', 'الساحل', 'قرار', 'الحرب', 'الحروب'];

/** More paragraphs than one build batch, with repeated texts and a paragraph embedded in several chunks. */
async function corpus(): Promise<KnowledgeDocument[]> {
  const next = rng(18);
  const sentence = () => Array.from({ length: 6 + Math.floor(next() * 8) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' ');
  const docs = (await loadKnowledge(ARTICLE_KNOWLEDGE)).documents;
  for (let d = 0; d < 7; d++) {
    const paragraphs = Array.from({ length: 300 }, (_, i) => (i % 50 === 7 ? 'فقرة مكررة في كل وثيقة' : `${sentence()}. ${sentence()}.`));
    if (d === 4) paragraphs.push(`${sentence()}. `.repeat(120));
    docs.push(
      documentFromParagraphs({ document: `gen-${d}.txt`, collection: 'main', title: `وثيقة ${d} ${WORDS[d]}`, paragraphs, lang: 'ar' }),
    );
  }
  return docs;
}

describe('building an index a batch at a time', () => {
  it('makes exactly the index addDocuments makes: rows, postings, vectors, spelling', { timeout: HANG_GUARD_MS }, async () => {
    const docs = await corpus();
    const whole = new KnowledgeIndex(localEmbedder());
    await whole.addDocuments(docs);
    const batched = new KnowledgeIndex(localEmbedder());
    const progress: [number, number][] = [];
    await batched.build(docs, (done, total) => progress.push([done, total]));
    expect(batched.size).toBeGreaterThan(2048);
    const [got, want] = [batched.exportState(), whole.exportState()];
    expectSameIndexState(got, want);
    expect(progress.at(-1)).toEqual([batched.size, batched.size]);
    const question = 'ما هو قرار مجلس الأمن بشأن تمويل الإرهاب؟';
    expect(await batched.search(question, 'ar', { k: 10 })).toEqual(await whole.search(question, 'ar', { k: 10 }));
  });

  it('refuses to build into an index that already holds documents', async () => {
    const index = new KnowledgeIndex(localEmbedder());
    const docs = await corpus();
    await index.build(docs.slice(0, 1));
    await expect(index.build(docs.slice(1, 2))).rejects.toThrow(/empty index/);
  });
});

describe('the embedding cache, with its vectors on disk', () => {
  /** The local embedder, recording what it is asked to embed. */
  function recording(): Embedder & { asked: string[] } {
    const local = localEmbedder();
    const asked: string[] = [];
    return { ...local, asked, embedDocuments: (texts, onProgress) => (asked.push(...texts), local.embedDocuments(texts, onProgress)) };
  }

  it('returns the very vectors it was given, from this run and after a restart, and leaves no scratch file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-embedding-cache-'));
    const model = recording();
    const first = new CachedEmbedder(model, dir);
    const a = await first.embedDocuments(['سفير فرنسا', 'كأس العالم', 'سفير فرنسا']);
    expect(model.asked).toEqual(['سفير فرنسا', 'كأس العالم']);
    expect(a[2]).toEqual(a[0]);
    // Asked again in the same run: read back from the scratch file, not embedded again.
    const again = await first.embedDocuments(['كأس العالم', 'paragraph three', 'سفير فرنسا']);
    expect(model.asked).toEqual(['سفير فرنسا', 'كأس العالم', 'paragraph three']);
    expect(again[0]).toEqual(a[1]);
    expect(again[2]).toEqual(a[0]);
    await first.close();
    expect(readdirSync(dir).filter((f) => !f.endsWith('.bin'))).toEqual([]);

    const restarted = recording();
    const second = new CachedEmbedder(restarted, dir);
    const b = await second.embedDocuments(['paragraph three', 'سفير فرنسا', 'كأس العالم']);
    expect(restarted.asked).toEqual([]);
    expect(second.misses).toBe(0);
    expect(b).toEqual([again[1], a[0], a[1]]);
    await second.close();
  });

  it("removes the scratch file a process left when it died before saving, not a running process's", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-embedding-cache-'));
    const cache = new CachedEmbedder(recording(), dir);
    await cache.embedDocuments(['first text']);
    await cache.close();
    const [file] = readdirSync(dir);
    // 2^22 + 1 is above Linux's largest pid: no process has it.
    writeFileSync(join(dir, `${file}.4194305.new`), 'left by a crash');
    writeFileSync(join(dir, `${file}.${process.ppid}.new`), 'still running');
    const next = new CachedEmbedder(recording(), dir);
    await next.embedDocuments(['second text']);
    expect(
      readdirSync(dir)
        .filter((f) => f.endsWith('.new'))
        .sort(),
    ).toEqual([`${file}.${process.ppid}.new`, `${file}.${process.pid}.new`].sort());
    await next.close();
  });

  it('without a folder, keeps the vectors in memory and embeds each text once', async () => {
    const model = recording();
    const cache = new CachedEmbedder(model, null);
    const a = await cache.embedDocuments(['one text', 'two text']);
    const b = await cache.embedDocuments(['two text', 'one text']);
    expect(model.asked).toEqual(['one text', 'two text']);
    expect(b).toEqual([a[1], a[0]]);
    await cache.close();
  });
});
