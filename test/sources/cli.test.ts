import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATOM, cached, feedServer, fixture, HTML, RSS } from './feed-server.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/sanad.js');

let server: Awaited<ReturnType<typeof feedServer>>;
let dir: string;
let env: NodeJS.ProcessEnv;

/** Runs the real command (asynchronously: the feed server lives in this process). */
function sanad(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  server = await feedServer();
  server.routes.set(
    '/ar/feed.rss',
    cached(RSS, () => fixture('news-ar.rss', server.base)),
  );
  server.routes.set(
    '/en/feed.atom',
    cached(ATOM, () => fixture('news-en.atom', server.base)),
  );
  server.routes.set(
    '/ar/water',
    cached(HTML, () => fixture('water-ar.html', server.base)),
  );
  server.routes.set(
    '/en/port-terminal',
    cached(HTML, () => fixture('port-en.html', server.base)),
  );
  server.routes.set(
    '/en/night-trains',
    cached(HTML, () => fixture('rail-en.html', server.base)),
  );
  // /ar/schools is missing: that item is not read, and said so.
  dir = mkdtempSync(join(tmpdir(), 'sanad-sources-cli-'));
  writeFileSync(
    join(dir, 'handbook.md'),
    '# Handbook\n\nThe office opens at nine in the morning and closes at five in the afternoon every weekday.\n',
  );
  writeFileSync(
    join(dir, 'sanad.config.yaml'),
    `sources:\n  - url: ${server.base}/ar/feed.rss\n    collection: khaleej\n    allowPrivate: [127.0.0.1]\n  - url: ${server.base}/en/feed.atom\n    name: Coastal Times\n    every: 30m\n    keep: 7d\n    allowPrivate: [127.0.0.1]\n`,
  );
  env = { PATH: process.env.PATH ?? '', SANAD_DATA_DIR: join(dir, 'data'), SANAD_KNOWLEDGE_DIR: dir };
});
afterAll(() => server.close());

describe('sanad sources', () => {
  it('lists, fetches with progress, says what was not read, and answers from what it fetched with the link', async () => {
    let r = await sanad(['sources']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`(feed) ${server.base}/ar/feed.rss`);
    expect(r.stdout).toContain('collection khaleej · every 1h · keep 30d');
    expect(r.stdout).toContain('Coastal Times (feed)');
    expect(r.stdout).toContain('last fetch: never (never) · articles: 0 · next run: at start');

    r = await sanad(['sources', 'fetch']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\[\d\/2\] new +http:\/\/127\.0\.0\.1:\d+\/en\/port-terminal/);
    expect(r.stdout).toMatch(/failed: .*\/ar\/schools answered 404/);
    expect(r.stdout).toContain(`${server.base}/ar/feed.rss: 1 new, 0 changed, 0 unchanged, 0 duplicate, 1 not read`);
    expect(r.stdout).toContain(`${server.base}/en/feed.atom: 2 new`);

    r = await sanad(['sources', '--json']);
    const status = JSON.parse(r.stdout) as {
      url: string;
      status: string;
      articles: number;
      notRead: number;
      name: string;
      nextRun: string;
    }[];
    expect(status.map((s) => [s.name, s.status, s.articles, s.notRead])).toEqual([
      ['صحيفة الخليج اليوم', 'ok', 1, 1],
      ['Coastal Times', 'ok', 2, 0],
    ]);
    expect(Date.parse(status[1]!.nextRun) - Date.parse(status[0]!.nextRun)).toBeLessThan(0); // every 30m before every 1h

    r = await sanad(['sources', 'fetch', `${server.base}/en/feed.atom`]);
    expect(r.stdout.trim()).toBe(`${server.base}/en/feed.atom: not modified since the last fetch (304)`);

    r = await sanad(['ask', '--json', 'How many electric cranes does the new container terminal have?']);
    const answer = JSON.parse(r.stdout) as { abstained: boolean; citations: { url?: string }[] };
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0]!.url).toBe(`${server.base}/en/port-terminal`);

    r = await sanad(['sources', 'fetch', 'https://not.configured.example/rss']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('https://not.configured.example/rss is not a configured source.');
    r = await sanad(['sources', 'refetch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown sources action "refetch"');
  });

  it('says how to configure sources when there are none', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'sanad-sources-none-'));
    writeFileSync(join(empty, 'a.md'), '# A\n\nSome text to read here.\n');
    const r = await new Promise<{ code: number | null; stderr: string }>((done) => {
      const child = spawn(process.execPath, [BIN, 'sources'], {
        cwd: empty,
        env: { PATH: process.env.PATH ?? '', SANAD_KNOWLEDGE_DIR: empty, SANAD_DATA_DIR: join(empty, 'data') },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.on('close', (code) => done({ code, stderr }));
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No sources are configured (no config file was found).');
    expect(r.stderr).toContain('Add a sources: list to sanad.config.yaml');
  });
});
