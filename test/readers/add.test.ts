import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageServer, redirect } from './page-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/sanad.js');
const NEWS = readFileSync(join(ROOT, 'test/fixtures/documents/desalination-news.ar.html'));

/** Runs the real command (asynchronously: the page server lives in this process). */
function sanad(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', SANAD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sanad-add-data-')) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

let server: Awaited<ReturnType<typeof pageServer>>;
beforeAll(async () => {
  server = await pageServer({
    '/economy/desalination': (_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(NEWS),
    '/short-link': redirect('/economy/desalination'),
    '/api.json': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}'),
  });
});
afterAll(() => server.close());

describe('sanad add URL', () => {
  it('saves the article with its source, title, author and date, and answers from it with a link', async () => {
    const knowledge = mkdtempSync(join(tmpdir(), 'sanad-add-'));
    const added = await sanad(['add', server.url('/short-link'), '--knowledge', knowledge, '--collection', 'news', '--allow-private']);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(
      /^saved .*news\/127-0-0-1-economy-desalination\.md: "افتتاح أكبر محطة لتحلية المياه على الساحل الشرقي" \(by سلمى الحداد, 2024-05-14\)/,
    );
    const [file] = readdirSync(join(knowledge, 'news'));
    const saved = readFileSync(join(knowledge, 'news', file!), 'utf8');
    expect(saved).toContain(`source: ${server.url('/economy/desalination')}`);
    expect(saved).toContain('author: سلمى الحداد');
    expect(saved).toContain('date: 2024-05-14');
    expect(saved).toContain('## الطاقة الشمسية');
    for (const furniture of ['اقرأ أيضا', 'اشترك في النشرة', 'ملفات تعريف الارتباط', 'إعلان ممول', 'جميع الحقوق محفوظة', 'الأكثر قراءة'])
      expect(saved).not.toContain(furniture);

    const asked = await sanad(['ask', '--json', 'كم تبلغ الطاقة الإنتاجية لمحطة تحلية المياه؟', '--knowledge', knowledge]);
    expect(asked.code).toBe(0);
    const answer = JSON.parse(asked.stdout);
    expect(answer.abstained).toBe(false);
    expect(answer.answer).toContain('600 ألف متر مكعب');
    expect(answer.citations[0].url).toBe(server.url('/economy/desalination'));

    const again = await sanad([
      'add',
      server.url('/economy/desalination'),
      '--knowledge',
      knowledge,
      '--collection',
      'news',
      '--allow-private',
    ]);
    expect(again.stdout).toMatch(/^updated /);
    expect(readdirSync(join(knowledge, 'news'))).toEqual([file]);
  });

  it('says clearly what it will not save', async () => {
    const knowledge = mkdtempSync(join(tmpdir(), 'sanad-add-'));
    const cases: [string[], RegExp][] = [
      [[server.url('/api.json'), '--allow-private'], /is application\/json, not a web page/],
      [[server.url('/gone'), '--allow-private'], /answered 404/],
      [['ftp://example.com/file.html'], /only http and https/],
      [[server.url('/economy/desalination')], /loopback, private or link-local address[\s\S]*SANAD_ALLOW_PRIVATE_URLS=on/],
    ];
    for (const [args, message] of cases) {
      const result = await sanad(['add', ...args, '--knowledge', knowledge]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    expect(readdirSync(knowledge)).toEqual([]);
  });
});
