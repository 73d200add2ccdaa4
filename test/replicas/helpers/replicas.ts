/**
 * Several real `sanad start` processes (replicas) sharing one PostgreSQL schema, in front of one
 * fake Slack: what a team behind a load balancer runs. Events are signed as Slack signs them and
 * sent to the replica a test picks (a load balancer's choice, or a retry landing elsewhere).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FakeDiscord } from '../../discord/fake-discord.js';
import { ARTICLE_KNOWLEDGE } from '../../fixtures/knowledge.js';
import { BOT, FakeSlack, TOKENS, type StoredMessage } from '../../slack/helpers/fake-slack.js';
import { eventCallback } from '../../slack/helpers/envelope.js';
import { isProgress } from '../../slack/helpers/flatten.js';
import { signedHeaders } from '../../slack/helpers/sign.js';
import { PG_URL } from '../../state/pg-env.js';
import { ensureBuilt, sanad, type Child } from '../../reliability/helpers/child.js';

export const SIGNING_SECRET = 'test-signing-secret-REPLICAS';

export interface Replica {
  child: Child;
  port: number;
}

/** What every replica has: its own data folder, the article knowledge, the shared database. */
function sharedEnv(dir: string, schema: string): Record<string, string> {
  return {
    SANAD_DATA_DIR: join(dir, 'data'),
    SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE,
    SANAD_LOG_LEVEL: 'info',
    DATABASE_URL: PG_URL,
    SANAD_DATABASE_SCHEMA: schema,
  };
}

/** The environment of a Slack replica (HTTP events on a free port). */
export function replicaEnv(dir: string, schema: string, slackApiUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: TOKENS.bot,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slackApiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    ...sharedEnv(dir, schema),
    ...extra,
  };
}

/** Starts `count` replicas at once (their migrations race too) on `schema`; `env` adds to or overrides their environment. */
export async function startReplicas(
  count: number,
  schema: string,
  fake: FakeSlack,
  config: Record<string, unknown> = {},
  env: Record<string, string> = {},
): Promise<Replica[]> {
  ensureBuilt();
  return Promise.all(
    Array.from({ length: count }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sanad-replica-'));
      writeFileSync(join(dir, 'sanad.config.json'), JSON.stringify(config));
      const child = sanad(['start'], replicaEnv(dir, schema, fake.apiUrl, { SANAD_CONFIG: join(dir, 'sanad.config.json'), ...env }), dir);
      const [, port] = await child.waitFor(/sanad web chat: http:\/\/127\.0\.0\.1:(\d+)\//, 60_000);
      return { child, port: Number(port) };
    }),
  );
}

export async function stopReplicas(replicas: Replica[]): Promise<void> {
  for (const { child } of replicas) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGTERM');
  await Promise.all(replicas.map((r) => r.child.exited));
}

let seq = 0;
/** A person's mention of the bot, as the fake Slack's history holds it; not yet delivered. */
export function mention(
  fake: FakeSlack,
  text: string,
  options: { channel?: string; user?: string } = {},
): { event: Record<string, unknown>; ts: string; eventId: string } {
  const channel = options.channel ?? 'C1';
  const user = options.user ?? 'U1';
  const ts = fake.nextTs();
  const full = `<@${BOT.userId}> ${text}`;
  fake.addUserMessage({ channel, ts, user, text: full });
  return { event: { type: 'app_mention', user, text: full, ts, channel }, ts, eventId: `EvRep${process.pid}x${++seq}` };
}

/** Delivers a signed event callback to one replica; `retryNum` marks Slack's re-delivery. */
export async function deliver(replica: Replica, event: Record<string, unknown>, eventId: string, retryNum?: number): Promise<number> {
  const body = JSON.stringify(eventCallback(event, eventId));
  const retry: Record<string, string> = retryNum ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' } : {};
  const response = await fetch(`http://127.0.0.1:${replica.port}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(SIGNING_SECRET, body), ...retry },
    body,
  });
  await response.text();
  return response.status;
}

/** The bot's final (not in-progress) messages in the thread of `ts`. */
export function answersIn(fake: FakeSlack, ts: string, channel = 'C1'): StoredMessage[] {
  return fake.botMessages().filter((m) => m.channel === channel && m.thread_ts === ts && !isProgress(m));
}

/** A `sanad start` on the fake Discord with the shared database; resolves once its gateway is ready. */
export async function startDiscordReplica(fake: FakeDiscord, schema: string, extra: Record<string, string> = {}): Promise<Child> {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'sanad-discord-replica-'));
  const child = sanad(
    ['start'],
    {
      DISCORD_TOKEN: 'fake-discord-token-REPLICAS',
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      SANAD_WEB: 'off',
      ...sharedEnv(dir, schema),
      ...extra,
    },
    dir,
  );
  await child.waitFor(/sanad discord: connected/, 60_000);
  return child;
}
