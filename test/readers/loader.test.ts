import { copyFileSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createAssistant } from '../../src/core/assistant.js';
import { loadKnowledge } from '../../src/core/knowledge/load.js';
import { createLogger } from '../../src/core/ports.js';
import { createReaders, ReaderPool } from '../../src/readers/index.js';

const DOCS = resolve(import.meta.dirname, '../fixtures/documents');
const files = createReaders({ size: 2 });
afterAll(() => files.close());

function logged() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'warn', write: (line) => lines.push(line) }) };
}

function knowledgeFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-readers-'));
  writeFileSync(join(dir, 'notes.md'), '# Notes\n\nThe office opens at nine in the morning on weekdays.\n');
  copyFileSync(join(DOCS, 'incident-runbook.en.pdf'), join(dir, 'runbook.pdf'));
  mkdirSync(join(dir, 'hr'));
  copyFileSync(join(DOCS, 'leave-policy.ar.pdf'), join(dir, 'hr', 'leave.pdf'));
  writeFileSync(join(dir, 'budget.xlsx'), 'PK not really');
  writeFileSync(join(dir, 'README'), 'no extension');
  writeFileSync(join(dir, 'broken.pdf'), '%PDF-1.7\nthis is not a PDF');
  const outside = join(mkdtempSync(join(tmpdir(), 'sanad-outside-')), 'secret.txt');
  writeFileSync(outside, 'A secret kept outside the knowledge folder.');
  symlinkSync(outside, join(dir, 'secret.txt'));
  symlinkSync(join(dir, 'notes.md'), join(dir, 'notes-link.md'));
  return dir;
}

describe('reading a knowledge folder of many formats', () => {
  it('reads each format in worker threads, and reports every file it does not read, with why', async () => {
    const dir = knowledgeFolder();
    const { lines, logger } = logged();
    const progress: string[] = [];
    const { documents, skipped } = await loadKnowledge(dir, logger, {
      readers: files.readers,
      onFile: (p) => progress.push(`${p.done}/${p.total} ${p.document}`),
    });
    expect(documents.map((d) => [d.document, d.format ?? 'text', d.pages ?? 0])).toEqual([
      ['hr/leave.pdf', 'pdf', 3],
      ['notes-link.md', 'text', 0],
      ['notes.md', 'text', 0],
      ['runbook.pdf', 'pdf', 2],
    ]);
    expect(documents.find((d) => d.document === 'hr/leave.pdf')!.collection).toBe('hr');
    expect(Object.fromEntries(skipped.map((s) => [s.document, s.reason]))).toEqual({
      README: 'has no file extension, so sanad cannot tell its format (it reads .txt, .md, .pdf, .html, .htm, .xhtml, .docx, .epub, .odt)',
      'broken.pdf': expect.stringMatching(/^could not be read as PDF|^is not a valid PDF/),
      'budget.xlsx': 'is a .xlsx file, which sanad does not read (it reads .txt, .md, .pdf, .html, .htm, .xhtml, .docx, .epub, .odt)',
      'secret.txt': 'is a symbolic link to a file outside the knowledge folder (not followed)',
    });
    expect(lines.filter((l) => l.includes('skipped knowledge file'))).toHaveLength(4);
    expect(progress).toHaveLength(8);
    expect(progress.at(-1)).toMatch(/^8\/8 /);
  });

  it('refuses a file over the size limit and a document over the page limit, saying which limit', async () => {
    const dir = knowledgeFolder();
    const { skipped } = await loadKnowledge(dir, undefined, { readers: files.readers, maxPages: 2, maxFileBytes: 60 * 1024 });
    const reason = (name: string) => skipped.find((s) => s.document === name)?.reason;
    expect(reason('hr/leave.pdf')).toMatch(/^is 0\.1 MB, over the 0\.1 MB limit per file \(SANAD_MAX_FILE_MB\)$|over the limit of 2 pages/);
    expect(reason('runbook.pdf')).toBeUndefined(); // 2 pages, 33 KB: within both limits
    const pages = await loadKnowledge(dir, undefined, { readers: files.readers, maxPages: 2 });
    expect(pages.skipped.find((s) => s.document === 'hr/leave.pdf')?.reason).toBe(
      'has 3 pages, over the limit of 2 pages per document (SANAD_MAX_PAGES)',
    );
  });

  it('says so once: a refresh does not warn again about a file it already reported, a new reason does', async () => {
    const dir = knowledgeFolder();
    const { lines, logger } = logged();
    const assistant = await createAssistant({ knowledgeDir: dir, logger, reading: { readers: files.readers } });
    const warnings = () => lines.filter((l) => l.includes('skipped knowledge file')).length;
    expect(warnings()).toBe(4);
    await assistant.refresh();
    await assistant.refresh();
    expect(warnings()).toBe(4);
    writeFileSync(join(dir, 'budget.xlsx'), 'changed, still a spreadsheet');
    writeFileSync(join(dir, 'notes.md'), Buffer.from([0xff, 0xfe, 0x00]));
    await assistant.refresh();
    // Only the newly broken note (and the link to it) is reported; the spreadsheet's reason is the same.
    expect(lines.filter((l) => l.includes('skipped knowledge file')).slice(4)).toEqual([
      expect.stringContaining('notes-link.md: it is not a text file'),
      expect.stringContaining('notes.md: it is not a text file'),
    ]);
    expect(assistant.skipped.map((s) => s.document).sort()).toEqual([
      'README',
      'broken.pdf',
      'budget.xlsx',
      'notes-link.md',
      'notes.md',
      'secret.txt',
    ]);
    await assistant.close();
  });

  it('gives up on a file that takes too long, and the next file is read by a fresh thread', async () => {
    const pool = new ReaderPool({ size: 1, timeoutMs: 1 });
    const bytes = new Uint8Array((await import('node:fs')).readFileSync(join(DOCS, 'leave-policy.ar.pdf')));
    await expect(pool.run('pdf', bytes, { name: 'leave.pdf' })).rejects.toThrow('took longer than 0 s to read (given up)');
    await pool.close();
    const patient = new ReaderPool({ size: 1 });
    await expect(patient.run('pdf', bytes, { name: 'leave.pdf' })).resolves.toMatchObject({ pages: 3 });
    await patient.close();
  });
});
