/**
 * A refresh reads only the files whose stat changed (issue 14, item 2), and the watcher follows
 * the knowledge folder when it is swapped for a new one (issue 14, item 7).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAssistant, createLogger, type SanadAssistant } from '../../src/core/index.js';
import { ARTICLE, ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';

/** Every path node:fs/promises readFile was asked for: the real function still runs. */
const reads = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const readFile = ((path: Parameters<typeof fs.readFile>[0], ...rest: unknown[]) => {
    reads.push(String(path));
    return (fs.readFile as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFile;
  return { ...fs, default: { ...fs, readFile }, readFile };
});

const open: SanadAssistant[] = [];
afterEach(async () => {
  for (const a of open.splice(0)) await a.close();
});

function folder(files: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-changed-'));
  cpSync(join(ARTICLE_KNOWLEDGE, ARTICLE), join(dir, ARTICLE));
  for (let i = 0; i < files; i++)
    writeFileSync(join(dir, `note-${i}.md`), `# Note ${i}\n\nRoom ${i} is booked for the meeting number ${i} of the quarter.\n`);
  for (const name of readdirSync(dir)) settle(join(dir, name));
  return dir;
}

/** Dates a file a minute back: a file written this very moment is always hashed again (racily clean). */
function settle(path: string): void {
  const past = new Date(Date.now() - 60_000);
  utimesSync(path, past, past);
}

describe('a refresh reads only what changed', () => {
  it('reads the one edited file, not the other twenty', async () => {
    const dir = folder(20);
    const assistant = await createAssistant({ knowledgeDir: dir, cacheDir: null });
    open.push(assistant);
    writeFileSync(join(dir, 'note-7.md'), '# Note 7\n\nThe auditorium is booked for the annual review on Friday.\n');
    settle(join(dir, 'note-7.md'));
    reads.length = 0;
    const change = await assistant.refresh();
    expect(change.changed).toEqual(['note-7.md']);
    expect(reads.filter((p) => p.startsWith(dir)).map((p) => p.slice(dir.length + 1))).toEqual(['note-7.md']);
    expect((await assistant.ask('What is the auditorium booked for?')).answer).toContain('annual review');

    reads.length = 0;
    expect(await assistant.refresh()).toMatchObject({ added: [], changed: [], removed: [] });
    expect(reads.filter((p) => p.startsWith(dir))).toEqual([]);
  });

  it('still sees a change that keeps the size (same length, new bytes)', async () => {
    const dir = folder(2);
    const assistant = await createAssistant({ knowledgeDir: dir, cacheDir: null });
    open.push(assistant);
    writeFileSync(join(dir, 'note-1.md'), '# Note 1\n\nRoom 9 is booked for the meeting number 1 of the quarter.\n');
    expect((await assistant.refresh()).changed).toEqual(['note-1.md']);
  });
});

describe('the watcher after the knowledge folder is swapped', () => {
  it('re-attaches to the new folder, says so, and indexes files added to it later', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sanad-swap-'));
    const dir = join(root, 'ks');
    mkdirSync(dir);
    cpSync(join(ARTICLE_KNOWLEDGE, ARTICLE), join(dir, ARTICLE));
    const lines: string[] = [];
    const assistant = await createAssistant({
      knowledgeDir: dir,
      cacheDir: null,
      watch: true,
      watchCheckMs: 50,
      logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }),
    });
    open.push(assistant);
    const added: string[] = [];
    assistant.onChange((c) => added.push(...c.added));

    const fresh = join(root, 'ks.new');
    mkdirSync(fresh);
    cpSync(join(ARTICLE_KNOWLEDGE, ARTICLE), join(fresh, ARTICLE));
    writeFileSync(join(fresh, 'swapped.md'), '# Swapped\n\nThe library lends laptops to visitors on Tuesdays.\n');
    renameSync(dir, join(root, 'ks.old'));
    renameSync(fresh, dir);
    await vi.waitFor(() => expect(added).toContain('swapped.md'), { timeout: 20_000, interval: 50 });

    // Files written into the new folder after the swap reach the index through the watcher.
    writeFileSync(join(dir, 'later.md'), '# Later\n\nThe garden is watered every evening at seven.\n');
    await vi.waitFor(() => expect(added).toContain('later.md'), { timeout: 20_000, interval: 50 });
    expect((await assistant.ask('When is the garden watered?')).answer).toContain('seven');
    expect(lines.some((l) => l.includes('knowledge folder was replaced'))).toBe(true);
  });
});
