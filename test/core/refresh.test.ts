import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAssistant, localEmbedder, type Embedder } from '../../src/core/index.js';
import { ARTICLE, ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';

function knowledgeCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-refresh-'));
  cpSync(join(ARTICLE_KNOWLEDGE, ARTICLE), join(dir, ARTICLE));
  return dir;
}

describe('knowledge changes while running', () => {
  it('indexes an added file, re-indexes a changed one, forgets a removed one', async () => {
    const dir = knowledgeCopy();
    const assistant = await createAssistant({ knowledgeDir: dir });
    const changes: string[][] = [];
    assistant.onChange((c) => changes.push([...c.added, ...c.changed, ...c.removed]));

    writeFileSync(join(dir, 'memo.md'), '# Memo\n\nThe security team meets every Thursday at nine in room 4B to review incidents.\n');
    expect((await assistant.refresh()).added).toEqual(['memo.md']);
    expect((await assistant.ask('When does the security team meet?')).answer).toContain('Thursday');

    writeFileSync(join(dir, 'memo.md'), '# Memo\n\nThe security team now meets every Friday at ten in room 2A to review incidents.\n');
    expect((await assistant.refresh()).changed).toEqual(['memo.md']);
    const changed = await assistant.ask('When does the security team meet?');
    expect(changed.answer).toContain('Friday');
    expect(changed.retrieved.some((r) => r.text.includes('Thursday'))).toBe(false);

    rmSync(join(dir, 'memo.md'));
    expect((await assistant.refresh()).removed).toEqual(['memo.md']);
    expect((await assistant.ask('When does the security team meet?')).retrieved.every((r) => r.document === ARTICLE)).toBe(true);
    expect(changes).toEqual([['memo.md'], ['memo.md'], ['memo.md']]);
    await assistant.close();
  });

  it('keeps serving the last good version when a file turns into invalid UTF-8', async () => {
    const dir = knowledgeCopy();
    writeFileSync(join(dir, 'memo.txt'), 'Memo\nThe archive room opens on Mondays from eight to noon for all staff.\n');
    const assistant = await createAssistant({ knowledgeDir: dir });
    writeFileSync(join(dir, 'memo.txt'), Buffer.from([0x4d, 0x65, 0x6d, 0x6f, 0x0a, 0xc3, 0x28, 0xff]));
    const change = await assistant.refresh();
    expect(change.skipped.map((s) => s.document)).toEqual(['memo.txt']);
    expect(change.skipped[0]!.reason).toContain('UTF-8');
    expect((await assistant.ask('When does the archive room open?')).answer).toContain('Mondays');
    await assistant.close();
  });

  it('picks up changes by itself when watching', async () => {
    const dir = knowledgeCopy();
    const assistant = await createAssistant({ knowledgeDir: dir, watch: true });
    const seen = new Promise<string[]>((resolve) => assistant.onChange((c) => resolve(c.added)));
    writeFileSync(join(dir, 'late.md'), '# Late\n\nThe cafeteria serves couscous every Wednesday for lunch.\n');
    expect(await seen).toEqual(['late.md']);
    await assistant.close();
  });
});

describe('the embedding cache', () => {
  it('does not embed the same paragraphs twice across restarts, and re-embeds for another model', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'sanad-cache-'));
    let calls = 0;
    const counting = (id: string): Embedder => {
      const local = localEmbedder();
      return {
        id,
        crossLingual: false,
        embedQuery: (t) => local.embedQuery(t),
        embedDocuments: async (texts, onProgress) => {
          calls += texts.length;
          return local.embedDocuments(texts, onProgress);
        },
      };
    };
    const first = await createAssistant({ knowledgeDir: ARTICLE_KNOWLEDGE, cacheDir, embedder: counting('model-a') });
    await first.close();
    const embeddedOnce = calls;
    expect(embeddedOnce).toBe(34);
    const second = await createAssistant({ knowledgeDir: ARTICLE_KNOWLEDGE, cacheDir, embedder: counting('model-a') });
    expect(calls).toBe(embeddedOnce);
    expect((await second.ask('من هو سفير فرنسا لدى الأمم المتحدة؟')).citations[0]!.paragraph).toBe(2);
    await second.close();
    const other = await createAssistant({ knowledgeDir: ARTICLE_KNOWLEDGE, cacheDir, embedder: counting('model-b') });
    expect(calls).toBe(embeddedOnce * 2);
    await other.close();
  });
});

describe('the embedding cache on disk', () => {
  it('keeps only the vectors of the current knowledge: a removed document is embedded again when it returns', async () => {
    const dir = knowledgeCopy();
    const cacheDir = mkdtempSync(join(tmpdir(), 'sanad-cache-prune-'));
    writeFileSync(join(dir, 'memo.md'), '# Memo\n\nThe archive room opens on Mondays from eight to noon for all staff.\n');
    let embedded: string[] = [];
    const recording = (): Embedder => {
      const local = localEmbedder();
      return {
        id: 'recording',
        crossLingual: false,
        embedQuery: (t) => local.embedQuery(t),
        embedDocuments: async (texts, onProgress) => {
          embedded.push(...texts);
          return local.embedDocuments(texts, onProgress);
        },
      };
    };
    await (await createAssistant({ knowledgeDir: dir, cacheDir, embedder: recording() })).close();
    expect(embedded.some((t) => t.includes('archive room'))).toBe(true);
    rmSync(join(dir, 'memo.md'));
    embedded = [];
    await (await createAssistant({ knowledgeDir: dir, cacheDir, embedder: recording() })).close();
    expect(embedded).toEqual([]);
    writeFileSync(join(dir, 'memo.md'), '# Memo\n\nThe archive room opens on Mondays from eight to noon for all staff.\n');
    await (await createAssistant({ knowledgeDir: dir, cacheDir, embedder: recording() })).close();
    expect(embedded.filter((t) => t.includes('archive room'))).toHaveLength(1);
  });
});
