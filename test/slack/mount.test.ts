import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { startSlackApp, type SlackBot } from '../../src/adapters/slack/index.js';
import { resolveSlackConfig } from '../../src/config/slack.js';
import { AMBASSADOR_Q, ambassadorAssistant } from './helpers/fake-assistant.js';
import { BOT, FakeSlack, TOKENS } from './helpers/fake-slack.js';
import { signedHeaders } from './helpers/sign.js';

let fake: FakeSlack | undefined;
let host: Server | undefined;
let bot: SlackBot | undefined;
afterEach(async () => {
  await bot?.stop();
  if (host) await new Promise<void>((resolve) => host!.close(() => resolve()));
  await fake?.close();
  fake = host = bot = undefined;
});

it('with listen: false, serves /slack/events from a server the app already runs (e.g. the web chat)', async () => {
  fake = await new FakeSlack().start();
  const secret = 'mount-secret-123';
  const config = resolveSlackConfig({ SLACK_BOT_TOKEN: TOKENS.bot, SLACK_SIGNING_SECRET: secret }, { apiUrl: fake.apiUrl });
  bot = await startSlackApp({ config, assistant: ambassadorAssistant(), listen: false });
  expect(bot.port).toBeUndefined();
  const slack = bot.requestListener!;
  host = createServer((req, res) => {
    if (req.url === '/slack/events') return slack(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => host!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(host.address() as AddressInfo).port}/slack/events`;

  const body = JSON.stringify({
    type: 'event_callback',
    event_id: 'EvMount',
    team_id: BOT.team,
    event: { type: 'app_mention', user: 'U1', text: `<@${BOT.userId}> ${AMBASSADOR_Q}`, ts: '1700000000.000900', channel: 'C1' },
  });
  const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signedHeaders(secret, body) }, body });
  expect(ok.status).toBe(200);
  const future = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(secret, body, Math.floor(Date.now() / 1000) + 600) },
    body,
  });
  expect(future.status).toBe(401);
  expect(await fake.waitFor(() => fake!.callsTo('chat.update').some((c) => JSON.stringify(c.args).includes('ديلاتر')))).toBe(true);
});
