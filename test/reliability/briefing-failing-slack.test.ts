/**
 * Issue 14, item 3, as an operator meets it: `sanad briefing --post` while Slack answers every
 * call with HTTP 500. It must give up with a clear message after a few tries, not retry for
 * half an hour (it used to run past 150 s).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { ensureBuilt, sanad } from './helpers/child.js';

beforeAll(() => ensureBuilt(), 120_000);
let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

it('sanad briefing --post gives up on a Slack that answers 500, saying so, after a bounded number of posts', async () => {
  const calls: string[] = [];
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls.push((req.url ?? '').replace(/^\/api\//, ''));
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"ok":false,"error":"internal_error"}');
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'sanad-briefing-500-'));
  const config = join(dir, 'sanad.config.yaml');
  writeFileSync(
    config,
    'channels:\n  - platform: slack\n    id: C0BRIEF\n    briefing:\n      cron: "0 8 * * *"\n      whenQuiet: highlights\n',
  );
  const child = sanad(
    ['briefing', '--channel', 'C0BRIEF', '--post'],
    {
      SLACK_BOT_TOKEN: 'xoxb-briefing-500-token',
      SLACK_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
      SANAD_DATA_DIR: join(dir, 'data'),
      SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE,
      SANAD_CONFIG: config,
    },
    dir,
  );
  // A hang guard only: the old client retried for about 30 minutes.
  const killer = setTimeout(() => child.process.kill('SIGKILL'), 90_000);
  const { code, signal } = await child.exited;
  clearTimeout(killer);
  expect(signal).toBeNull();
  expect(code).toBe(1);
  expect(child.stdout() + child.stderr()).toMatch(/could not be posted: .*500/);
  expect(calls.filter((c) => c === 'chat.postMessage')).toHaveLength(3);
}, 120_000);
