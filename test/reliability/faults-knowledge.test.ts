/**
 * Knowledge files that go bad while the bot runs, through the assistant's public API
 * (`refresh()`, `watch: true`): a file rewritten halfway through its indexing, or rewritten as
 * invalid UTF-8. The broken version is skipped with a warning and the last good one keeps serving.
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAssistant, createLogger, localEmbedder, type Embedder, type SanadAssistant } from '../../src/core/index.js';
import { ARTICLE, ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { until } from './helpers/stats.js';

const NOTE = 'release-notes.en.md';
const LISBON = 'The Zephyr release ships on the ninth of March from the Lisbon office, after the security review.';
const PORTO = 'The Zephyr release ships on the fourth of June from the Porto office, after the security review.';
const QUESTION = 'Where does the Zephyr release ship from?';
const INVALID_UTF8 = Buffer.from([0x54, 0x68, 0x65, 0x20, 0xc3, 0x28, 0xff, 0xfe, 0x0a, 0x80, 0x81]);

const open: SanadAssistant[] = [];
afterEach(async () => {
  for (const a of open.splice(0)) await a.close();
});

function folder(note = LISBON): string {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-knowledge-'));
  cpSync(join(ARTICLE_KNOWLEDGE, ARTICLE), join(dir, ARTICLE));
  writeFileSync(join(dir, NOTE), `# Release notes\n\n${note}\n`);
  return dir;
}

/** The local embedder, running `hook` once when it is asked to embed a text containing `trigger`. */
function hookedEmbedder(trigger: string, hook: () => void): Embedder {
  const inner = localEmbedder();
  let armed = false;
  return {
    id: inner.id,
    crossLingual: inner.crossLingual,
    arm: () => (armed = true),
    async embedDocuments(texts, onProgress) {
      if (armed && texts.some((t) => t.includes(trigger))) {
        armed = false;
        hook(); // the file changes on disk while its old text is being indexed
      }
      return inner.embedDocuments(texts, onProgress);
    },
    embedQuery: (text) => inner.embedQuery(text),
  } as Embedder & { arm(): void };
}

async function start(dir: string, options: { embedder?: Embedder; watch?: boolean } = {}) {
  const lines: string[] = [];
  const assistant = await createAssistant({
    knowledgeDir: dir,
    cacheDir: null,
    logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }),
    ...options,
  });
  open.push(assistant);
  return { assistant, lines };
}

describe('a knowledge file goes bad while sanad runs', () => {
  it('rewritten as invalid UTF-8: refresh() skips it with a warning, and the last good version keeps answering', async () => {
    const dir = folder();
    const { assistant, lines } = await start(dir);
    expect((await assistant.ask(QUESTION)).answer).toContain('Lisbon');
    writeFileSync(join(dir, NOTE), INVALID_UTF8);
    const change = await assistant.refresh();
    expect(change.skipped.map((s) => s.document)).toEqual([NOTE]);
    expect(change.removed).toEqual([]);
    expect(lines.some((l) => / WARN .*release-notes\.en\.md.*UTF-8/.test(l))).toBe(true);
    const answer = await assistant.ask(QUESTION);
    expect(answer.answer).toContain('Lisbon');
    expect(answer.citations[0]!.document).toBe(NOTE);
    // The article is untouched.
    expect((await assistant.ask('من هو سفير فرنسا لدى الأمم المتحدة؟')).citations[0]!.paragraph).toBe(2);
  });

  it('with watch: true the same happens on its own, and a later good version is picked up', async () => {
    const dir = folder();
    const { assistant, lines } = await start(dir, { watch: true });
    writeFileSync(join(dir, NOTE), INVALID_UTF8);
    expect(await until(() => lines.some((l) => / WARN .*release-notes\.en\.md/.test(l)), 5000)).toBe(true);
    expect((await assistant.ask(QUESTION)).answer).toContain('Lisbon');
    writeFileSync(join(dir, NOTE), `# Release notes\n\n${PORTO}\n`);
    let answer = '';
    for (let i = 0; i < 30 && !answer.includes('Porto'); i++) {
      answer = (await assistant.ask(QUESTION)).answer;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(answer).toContain('Porto');
  });

  it('changed halfway through indexing: the version read is served whole, then the new one replaces it', async () => {
    const dir = folder();
    const embedder = hookedEmbedder('Zephyr', () => writeFileSync(join(dir, NOTE), `# Release notes\n\n${PORTO}\n`)) as Embedder & {
      arm(): void;
    };
    const { assistant } = await start(dir, { embedder });
    embedder.arm();
    writeFileSync(join(dir, NOTE), `# Release notes\n\n${LISBON} Edited.\n`);
    const change = await assistant.refresh(); // indexes the edited Lisbon text; the file turns Porto meanwhile
    expect(change.changed).toEqual([NOTE]);
    const during = await assistant.ask(QUESTION);
    expect(during.answer).toContain('Lisbon'); // one consistent version, never half of each
    expect(during.answer).not.toContain('Porto');
    let answer = during.answer;
    for (let i = 0; i < 30 && !answer.includes('Porto'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      answer = (await assistant.ask(QUESTION)).answer;
    }
    expect(answer).toContain('Porto'); // re-read without a watcher: the change was noticed after indexing
  });

  it('changed halfway through indexing into invalid UTF-8: skipped with a warning, the version read keeps serving', async () => {
    const dir = folder();
    const embedder = hookedEmbedder('Zephyr', () => writeFileSync(join(dir, NOTE), INVALID_UTF8)) as Embedder & { arm(): void };
    const { assistant, lines } = await start(dir, { embedder });
    embedder.arm();
    writeFileSync(join(dir, NOTE), `# Release notes\n\n${PORTO}\n`);
    await assistant.refresh();
    const second = await assistant.refresh();
    expect(second.skipped.map((s) => s.document)).toEqual([NOTE]);
    expect(lines.some((l) => / WARN .*release-notes\.en\.md.*UTF-8/.test(l))).toBe(true);
    expect((await assistant.ask(QUESTION)).answer).toContain('Porto');
  });
});
