/**
 * Slack in HTTP mode shares the web chat's port. Slack's servers reach /slack/events by a public
 * host name, but that must not switch off the DNS-rebinding guard for the web API (issue 14,
 * item 1): the real `sanad start` refuses a foreign Host on every other route.
 */
import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { BOT, FakeSlack, TOKENS } from '../slack/helpers/fake-slack.js';
import { signedHeaders } from '../slack/helpers/sign.js';
import { ensureBuilt, sanad, type Child } from './helpers/child.js';
import { QUESTIONS } from './helpers/load.js';
import { until } from './helpers/stats.js';

const SECRET = 'host-guard-signing-secret';
const FOREIGN = 'rebind.attacker.example';

beforeAll(() => ensureBuilt(), 120_000);
let child: Child | undefined;
let slack: FakeSlack | undefined;
afterEach(async () => {
  if (child && child.process.exitCode === null) child.process.kill('SIGKILL');
  await slack?.close();
  child = slack = undefined;
});

function send(url: URL, host: string, method = 'GET', headers: Record<string, string> = {}, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method, headers: { Host: host, ...headers } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

it('with Slack over HTTP, the web API still refuses a foreign Host; /slack/events takes it', async () => {
  slack = await new FakeSlack().start();
  child = sanad(
    ['start'],
    {
      PORT: '0',
      HOST: '127.0.0.1',
      SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE,
      SANAD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sanad-host-guard-')),
      SLACK_BOT_TOKEN: TOKENS.bot,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.apiUrl,
    },
    mkdtempSync(join(tmpdir(), 'sanad-host-guard-cwd-')),
  );
  const [, url] = await child.waitFor(/sanad web chat: (http:\S+)/, 30_000);
  const base = new URL(url!);

  for (const path of ['/api/briefing', '/', '/api/paragraph/x']) {
    expect(await send(new URL(path, base), `${FOREIGN}:${base.port}`), path).toBe(421);
  }
  expect(await send(new URL('/api/briefing', base), `127.0.0.1:${base.port}`)).toBe(200);

  // Slack's delivery names the public host: still accepted, signed, and answered.
  const ts = slack.nextTs();
  slack.addUserMessage({ channel: 'C1', ts, user: 'U1', text: `<@${BOT.userId}> ${QUESTIONS[0]}` });
  const body = JSON.stringify({
    type: 'event_callback',
    team_id: BOT.team,
    api_app_id: 'A1',
    event_id: 'EvHostGuard',
    event_time: Math.floor(Date.now() / 1000),
    event: { type: 'app_mention', user: 'U1', text: `<@${BOT.userId}> ${QUESTIONS[0]}`, ts, channel: 'C1', event_ts: ts },
  });
  const status = await send(
    new URL('/slack/events', base),
    'sanad.example.com',
    'POST',
    { 'content-type': 'application/json', ...signedHeaders(SECRET, body) },
    body,
  );
  expect(status).toBe(200);
  expect(await until(() => slack!.botMessages().length > 0, 20_000)).toBe(true);

  child.process.kill('SIGTERM');
  expect((await child.exited).code).toBe(0);
}, 60_000);
