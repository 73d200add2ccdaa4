/**
 * Secrets never reach a log line or a reply. The real process (`sanad start`: web chat, Slack
 * over HTTP on the same port, Discord, the LLM path) runs with known fake secrets against fakes
 * that misbehave in the worst way: the model server and Slack answer errors that echo the
 * credentials they were sent, Discord fails a post, the state store cannot open. Every line
 * printed and every reply is then searched for each secret.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../discord/fake-discord.js';
import { visibleText as discordText } from '../discord/helpers.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { startFakeOpenAI } from '../llm/fake-openai.js';
import { BOT, FakeSlack, TOKENS } from '../slack/helpers/fake-slack.js';
import { visibleText } from '../slack/helpers/flatten.js';
import { signedHeaders } from '../slack/helpers/sign.js';
import { ensureBuilt, sanad, type Child } from './helpers/child.js';
import { FaultProxy, slackMethod } from './helpers/fault-proxy.js';
import { QUESTIONS } from './helpers/load.js';
import { until } from './helpers/stats.js';

const SECRETS = {
  // The fake Slack only accepts its own bot token; it is as secret as any other here.
  slackBot: TOKENS.bot,
  slackSigning: 'signing-SECRET-7f3c9a1b2d',
  discord: 'MTIzNDU2Nzg5MDEyMzQ1Njc4.SECRET.discord-token-x9y8z7',
  openai: 'sk-test-SECRET0123456789abcdef',
};
/** Distinctive pieces, so a partly redacted or re-encoded secret is caught too. */
const NEEDLES = [...Object.values(SECRETS), 'test-bot-token', '7f3c9a1b2d', 'discord-token-x9y8z7', 'SECRET0123456789'];

beforeAll(() => ensureBuilt(), 120_000);
const cleanups: (() => Promise<unknown>)[] = [];
let child: Child | undefined;
afterEach(async () => {
  if (child && child.process.exitCode === null) child.process.kill('SIGKILL');
  child = undefined;
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('secrets', () => {
  it('are in no log line and no reply while the model server, Slack, Discord and the store fail', async () => {
    const llm = await startFakeOpenAI();
    cleanups.push(() => llm.close());
    // An error body that quotes the credentials it was sent, as a misconfigured proxy may.
    llm.chat = (request) => ({ kind: 'status', status: 500, message: `bad key ${String(request.headers.authorization)}` });

    const slack = await new FakeSlack().start();
    cleanups.push(() => slack.close());
    const proxy = await FaultProxy.start(`http://127.0.0.1:${slack.port}`);
    cleanups.push(() => proxy.close());
    proxy.when(
      (r) => slackMethod(r) === 'chat.update',
      (r) => ({
        kind: 'status',
        status: 500,
        body: JSON.stringify({ ok: false, error: `internal_error for ${String(r.headers.authorization)}` }),
      }),
      10,
    );

    const discord = await FakeDiscord.start();
    cleanups.push(() => discord.close());
    const general = discord.textChannel('general');

    const dir = mkdtempSync(join(tmpdir(), 'sanad-secrets-'));
    const notADir = join(dir, 'data-is-a-file');
    writeFileSync(notADir, 'the state store cannot open here');
    child = sanad(
      ['start'],
      {
        PORT: '0',
        HOST: '127.0.0.1',
        SANAD_LOG_LEVEL: 'debug',
        SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE,
        SANAD_DATA_DIR: notADir,
        SANAD_ANSWER_MODE: 'llm',
        OPENAI_BASE_URL: llm.url,
        OPENAI_API_KEY: SECRETS.openai,
        SANAD_CHAT_MODEL: 'fake-chat',
        SANAD_LLM_DEADLINE_MS: '2000',
        SLACK_BOT_TOKEN: SECRETS.slackBot,
        SLACK_SIGNING_SECRET: SECRETS.slackSigning,
        SLACK_API_URL: `${proxy.url}/api/`,
        DISCORD_TOKEN: SECRETS.discord,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_GUILD_ID: discord.guildId,
        DISCORD_API_URL: discord.apiUrl,
      },
      dir,
    );
    const [, url] = await child.waitFor(/sanad web chat: (http:\S+)/, 30_000);
    await child.waitFor(/sanad discord: connected/, 30_000);

    // Web: the model fails, the answer falls back.
    const web = await fetch(new URL('/api/ask', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: QUESTIONS[0] }),
    });
    const webBody = await web.text();
    // A bad request, to make the server explain itself.
    const bad = await (
      await fetch(new URL('/api/ask', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"question":' })
    ).text();

    // Slack: a signed mention at the shared port, and one signed with a wrong secret.
    const ts = slack.nextTs();
    slack.addUserMessage({ channel: 'C1', ts, user: 'U1', text: `<@${BOT.userId}> ${QUESTIONS[0]}` });
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: BOT.team,
      api_app_id: 'A1',
      event_id: 'EvSecret',
      event_time: Math.floor(Date.now() / 1000),
      event: { type: 'app_mention', user: 'U1', text: `<@${BOT.userId}> ${QUESTIONS[0]}`, ts, channel: 'C1', event_ts: ts },
    });
    const events = new URL('/slack/events', url);
    expect(
      (
        await fetch(events, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signedHeaders(SECRETS.slackSigning, body) },
          body,
        })
      ).status,
    ).toBe(200);
    const forged = await fetch(events, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders('wrong', body) },
      body,
    });
    expect(forged.status).toBe(401);
    const forgedBody = await forged.text();

    // Discord: the first reply post fails with a 500, the rest go through.
    discord.failNext('POST', /\/channels\/\d+\/messages$/, 500);
    const q1 = discord.post({
      channel: general,
      author: discord.user('alice'),
      content: `<@${discord.bot.id}> ${QUESTIONS[0]}`,
      mentions: [discord.bot],
    });
    const q2 = discord.post({
      channel: general,
      author: discord.user('bob'),
      content: `<@${discord.bot.id}> ${QUESTIONS[1]}`,
      mentions: [discord.bot],
    });

    expect(await until(() => slack.botMessages().length > 0 && proxy.count((r) => slackMethod(r) === 'chat.update') > 0, 20_000)).toBe(
      true,
    );
    await until(() => discord.botMessages().some((m) => m.message_reference?.message_id === q2.id && m.embeds.length > 0), 20_000);
    // Slack's client retries the failing update (3 retries, backing off). The Slack reply is done
    // once an update got through or, the retries spent, the answer was posted in the thread.
    const running = child;
    const slackReplied = () =>
      proxy.seen.some((r) => slackMethod(r) === 'chat.update' && r.fault === 'forward') ||
      (/chat\.update failed/.test(running.stdout() + running.stderr()) && slack.botMessages().length >= 2);
    expect(await until(slackReplied, 20_000)).toBe(true);

    child.process.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);

    const replies = [
      webBody,
      bad,
      forgedBody,
      ...slack.messages.flatMap((m) => m.versions.map((v) => v.text + visibleText(v))),
      ...slack.responses.map((r) => JSON.stringify(r.body)),
      ...discord.botMessages().map((m) => discordText(m) + JSON.stringify(m.embeds)),
    ];
    const printed = (child.stdout() + child.stderr()).split('\n');
    // The faults did happen, so there was something to leak.
    expect(llm.chatRequests().length).toBeGreaterThan(0);
    expect(printed.some((l) => /state store/.test(l))).toBe(true);
    expect(proxy.seen.some((r) => r.fault === 'status')).toBe(true);
    expect(discord.requests.some((r) => r.method === 'POST' && r.path.endsWith('/messages'))).toBe(true);
    expect(printed.length).toBeGreaterThan(10);
    expect(q1.id).toBeTruthy();

    const leaks = [...printed.map((l) => ['log', l] as const), ...replies.map((r) => ['reply', r] as const)].filter(([, text]) =>
      NEEDLES.some((n) => text.includes(n)),
    );
    expect(leaks).toEqual([]);
  }, 60_000);
});
