/**
 * The index snapshot (issue 18): a restart restores the index saved by the last run and answers
 * exactly as the run that built it; a damaged, foreign-version or stale snapshot is never
 * trusted as it is.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAssistant, createLogger, type SanadAssistant } from '../../src/core/index.js';
import { INDEX_FORMAT } from '../../src/core/index/snapshot.js';
import { ARTICLE, ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { countingEmbedder } from '../fixtures/embedders.js';

const HANDBOOKS = join(import.meta.dirname, '../fixtures/handbooks');
const QUESTIONS = [
  'من هو سفير فرنسا لدى الأمم المتحدة؟',
  'متى أعلنت فرنسا أنها تريد قرارا من مجلس الأمن ضد تمويل الإرهاب؟',
  'ما الذي طالبت به روسيا والدول الأفريقية والآسيوية في اجتماع نيويورك؟',
  'كم شخصا تعرف عليهم القضاء الفرنسي يجمعون التبرعات قرب سوريا والعراق؟',
  'ما هي أهداف فرنسا؟',
  'شو اسم العملية العسكرية بالساحل؟',
  'How many days of paid leave does a full-time employee get?',
  'How long is parental leave?',
  'Quand les bureaux sont-ils ouverts ?',
  'Who won the cycling race?',
];

const open: SanadAssistant[] = [];
afterEach(async () => {
  for (const a of open.splice(0)) await a.close();
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-snapshot-'));
  cpSync(join(ARTICLE_KNOWLEDGE, ARTICLE), join(dir, ARTICLE));
  cpSync(HANDBOOKS, join(dir, 'handbooks'), { recursive: true });
  // A paragraph long enough to be embedded in several chunks.
  writeFileSync(
    join(dir, 'long.md'),
    `# Long\n\n${'The archive keeps every signed contract for ten years in the basement vault. '.repeat(40)}\n`,
  );
  return dir;
}

async function start(dir: string, cacheDir: string | null) {
  const lines: string[] = [];
  const assistant = await createAssistant({
    knowledgeDir: dir,
    cacheDir,
    logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }),
  });
  open.push(assistant);
  return { assistant, lines, restored: lines.some((l) => l.includes('index restored from its snapshot')) };
}

/**
 * Every answer in full (text, citations, retrieved paragraphs), timings left out, and the
 * index's own top 20 for each question with its unrounded BM25, cosine and fused scores.
 */
async function answers(assistant: SanadAssistant): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const [i, question] of QUESTIONS.entries()) {
    const { timings: _timings, ...rest } = await assistant.ask(question);
    const lang = i < 6 ? 'ar' : i < 8 ? 'en' : 'fr';
    const hits = await assistant.index.search(question, lang, { k: 20 });
    out.push(
      rest,
      hits.map((h) => [h.paragraph.id, h.score, h.bm25, h.cosine]),
    );
  }
  return out;
}

function snapshotOf(cacheDir: string): string {
  const name = readdirSync(cacheDir).find((f) => f.startsWith('index-'));
  if (!name) throw new Error(`no snapshot in ${cacheDir}`);
  return join(cacheDir, name);
}

describe('the index snapshot', () => {
  it('round-trips: a restart from the snapshot gives identical answers, scores included, to a fresh build', async () => {
    const dir = folder();
    const cacheDir = mkdtempSync(join(tmpdir(), 'sanad-snapshot-cache-'));
    const built = await start(dir, cacheDir);
    expect(built.restored).toBe(false);
    const expected = await answers(built.assistant);
    await built.assistant.close();

    const again = await start(dir, cacheDir);
    expect(again.restored).toBe(true);
    expect(again.assistant.index.size).toBe(built.assistant.index.size);
    expect(await answers(again.assistant)).toEqual(expected);
    expect(await answers((await start(dir, null)).assistant)).toEqual(expected);
  });

  it('is rebuilt when damaged, and then trusted again', async () => {
    const dir = folder();
    const cacheDir = mkdtempSync(join(tmpdir(), 'sanad-snapshot-cache-'));
    const first = await start(dir, cacheDir);
    const expected = await answers(first.assistant);
    await first.assistant.close();
    const file = snapshotOf(cacheDir);
    const bytes = readFileSync(file);
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 100) ^ 0xff, bytes.length - 100);
    writeFileSync(file, bytes);

    const damaged = await start(dir, cacheDir);
    expect(damaged.restored).toBe(false);
    expect(damaged.lines.some((l) => l.includes('the index snapshot is damaged') && l.includes('rebuilding'))).toBe(true);
    expect(await answers(damaged.assistant)).toEqual(expected);
    await damaged.assistant.close();
    expect((await start(dir, cacheDir)).restored).toBe(true);

    writeFileSync(file, Buffer.from('sanad-index\n{"format":1'));
    const truncated = await start(dir, cacheDir);
    expect(truncated.restored).toBe(false);
    expect(await answers(truncated.assistant)).toEqual(expected);
  });

  it('is rebuilt when written by another index format version', async () => {
    const dir = folder();
    const cacheDir = mkdtempSync(join(tmpdir(), 'sanad-snapshot-cache-'));
    await (await start(dir, cacheDir)).assistant.close();
    const file = snapshotOf(cacheDir);
    const text = readFileSync(file);
    const header = text.subarray(0, text.indexOf(10, 12)).toString('latin1');
    const older = header.replace(`"format":${INDEX_FORMAT}`, `"format":${INDEX_FORMAT + 1}`);
    expect(older).not.toBe(header);
    writeFileSync(file, Buffer.concat([Buffer.from(older, 'latin1'), text.subarray(header.length)]));

    const other = await start(dir, cacheDir);
    expect(other.restored).toBe(false);
    expect(other.lines.some((l) => l.includes(`has format ${INDEX_FORMAT + 1}`))).toBe(true);
    await other.assistant.close();
    expect((await start(dir, cacheDir)).restored).toBe(true);
  });

  it('is not trusted for files that changed while sanad was stopped: those are re-indexed, the rest restored', async () => {
    const dir = folder();
    const cacheDir = mkdtempSync(join(tmpdir(), 'sanad-snapshot-cache-'));
    writeFileSync(join(dir, 'memo.md'), '# Memo\n\nThe security team meets every Thursday at nine in room 4B.\n');
    writeFileSync(join(dir, 'gone.md'), '# Gone\n\nThe old cafeteria closes at three on Fridays.\n');
    await (await start(dir, cacheDir)).assistant.close();

    writeFileSync(join(dir, 'memo.md'), '# Memo\n\nThe security team now meets every Friday at ten in room 2A.\n');
    rmSync(join(dir, 'gone.md'));
    writeFileSync(join(dir, 'new.md'), '# New\n\nThe garden is watered every evening at seven.\n');
    const { assistant, restored } = await start(dir, cacheDir);
    expect(restored).toBe(true);
    const memo = await assistant.ask('When does the security team meet?');
    expect(memo.answer).toContain('Friday');
    expect(memo.retrieved.some((r) => r.text.includes('Thursday'))).toBe(false);
    expect((await assistant.ask('When is the garden watered?')).answer).toContain('seven');
    expect(assistant.documents().map((d) => d.document)).not.toContain('gone.md');
  });

  it('a restart with nothing changed leaves the embedding cache unread; a file added later still finds the restored texts cached', async () => {
    const dir = folder();
    const cacheDir = mkdtempSync(join(tmpdir(), 'sanad-snapshot-cache-'));
    await (await start(dir, cacheDir)).assistant.close();
    const cacheFile = join(
      cacheDir,
      readdirSync(cacheDir).find((f) => f.startsWith('embeddings-'))!,
    );
    // In the cache file's place, something that fails when read: a restart must not need it.
    renameSync(cacheFile, `${cacheFile}.aside`);
    mkdirSync(cacheFile);
    const quiet = await start(dir, cacheDir);
    expect(quiet.restored).toBe(true);
    await quiet.assistant.close();
    expect(quiet.lines.filter((l) => l.includes('embedding cache'))).toEqual([]);
    rmSync(cacheFile, { recursive: true });
    renameSync(`${cacheFile}.aside`, cacheFile);

    // Restored, then a new file: the cache is written, and must still hold every restored text.
    const { assistant } = await start(dir, cacheDir);
    writeFileSync(join(dir, 'garden.md'), '# Garden\n\nThe garden is watered at seven every morning.\n');
    await assistant.refresh();
    await assistant.close();
    rmSync(snapshotOf(cacheDir));
    const embedder = countingEmbedder();
    const cold = await createAssistant({ knowledgeDir: dir, cacheDir, embedder, logger: createLogger({ level: 'error' }) });
    open.push(cold);
    expect(cold.index.size).toBeGreaterThan(0);
    expect(embedder.texts).toBe(0);
  });
});
