/**
 * A Slack replica `kill -9`ed after acknowledging a mention and an `/ask` but before answering
 * them (the model has not answered yet). Slack never sends them again, and the other replica never
 * received them: only the work kept in the shared database with its lease lets the other replica
 * answer them, once each, after the dead one's lease runs out. Without the stored work (remove the
 * poll in src/adapters/slack/work.ts) neither is ever answered and this test fails. On SQLite the
 * same holds for one process restarted on its data folder.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, taskOf, type FakeOpenAI, type RecordedRequest } from '../llm/fake-openai.js';
import { BOT, FakeSlack } from '../slack/helpers/fake-slack.js';
import { ensureBuilt, sanad, type Child } from '../reliability/helpers/child.js';
import { QUESTIONS } from '../reliability/helpers/load.js';
import { until } from '../reliability/helpers/stats.js';
import { SKIP_PG, dropSchema, testSchema } from '../state/pg-env.js';
import { signedHeaders } from '../slack/helpers/sign.js';
import { SIGNING_SECRET, answersIn, deliver, mention, replicaEnv, startReplicas, stopReplicas, type Replica } from './helpers/replicas.js';

beforeAll(() => ensureBuilt(), 120_000);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const DEAD_KEY = 'sk-test-replicaA-0123456789';
const LIVE_KEY = 'sk-test-replicaB-0123456789';

function llmEnv(llm: FakeOpenAI, key: string): Record<string, string> {
  return {
    SANAD_ANSWER_MODE: 'llm',
    OPENAI_BASE_URL: llm.url,
    OPENAI_API_KEY: key,
    SANAD_CHAT_MODEL: 'fake-chat',
    SANAD_LLM_DEADLINE_MS: '60000',
  };
}

/** A model that never answers the replica about to die, and answers the other one. */
async function model(): Promise<{ llm: FakeOpenAI; answersFrom: (key: string) => RecordedRequest[] }> {
  const llm = await startFakeOpenAI();
  cleanups.push(() => llm.close());
  llm.chat = (request) => {
    if (taskOf(request) !== 'answer') return { kind: 'status', status: 400 };
    if (String(request.headers.authorization).includes(DEAD_KEY)) return { kind: 'hang' };
    return { kind: 'reply', text: 'سفير فرنسا لدى الأمم المتحدة هو فرنسوا ديلاتر [1].' };
  };
  const answersFrom = (key: string) =>
    llm.chatRequests().filter((r) => taskOf(r) === 'answer' && String(r.headers.authorization).includes(key));
  return { llm, answersFrom };
}

let seq = 0;
/** `/ask` as Slack sends it to one replica; returns the response_url's name. */
async function ask(fake: FakeSlack, replica: Replica, text: string): Promise<string> {
  const name = `takeover${++seq}`;
  const fields = { team_id: BOT.team, channel_id: 'C1', user_id: 'U2', command: '/ask', text, api_app_id: 'A1' };
  const body = new URLSearchParams({ ...fields, response_url: fake.responseUrl(name), trigger_id: `trigger-${name}-${process.pid}` });
  const response = await fetch(`http://127.0.0.1:${replica.port}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...signedHeaders(SIGNING_SECRET, body.toString()) },
    body: body.toString(),
  });
  await response.text();
  expect(response.status).toBe(200);
  return name;
}

const killed = async (child: Child) => {
  child.process.kill('SIGKILL');
  expect((await child.exited).signal).toBe('SIGKILL');
};

const ANSWERED_FOR_DEAD = /answered a Slack request whose replica died before answering it/g;

describe.skipIf(SKIP_PG)('a Slack replica dying after the acknowledgement, before the answer', () => {
  it('another replica answers the acknowledged mention and /ask, once each', async () => {
    const fake = await new FakeSlack().start();
    cleanups.push(() => fake.close());
    const { llm, answersFrom } = await model();
    const schema = testSchema();
    cleanups.push(() => dropSchema(schema));
    const replicas: Replica[] = [];
    cleanups.push(() => stopReplicas(replicas));
    for (const key of [DEAD_KEY, LIVE_KEY]) replicas.push(...(await startReplicas(1, schema, fake, {}, llmEnv(llm, key))));
    const [dying, survivor] = replicas as [Replica, Replica];

    const m = mention(fake, QUESTIONS[0]!);
    expect(await deliver(dying, m.event, m.eventId)).toBe(200);
    const name = await ask(fake, dying, QUESTIONS[0]!);
    // Both acknowledged; the dying replica is waiting on the model for both when it is killed.
    const dyingLog = () => dying.child.stdout() + dying.child.stderr();
    expect(await until(() => answersFrom(DEAD_KEY).length >= 2, 60_000), dyingLog()).toBe(true);
    await killed(dying.child);
    expect(answersIn(fake, m.ts)).toHaveLength(0);

    // Its leases (20 s) run out; the survivor finds the stored requests and answers them.
    const responsesTo = () => fake.responses.filter((r) => r.path.endsWith(`/${name}`));
    const log = () => survivor.child.stdout() + survivor.child.stderr();
    expect(await until(() => answersIn(fake, m.ts).length > 0 && responsesTo().length > 0, 90_000), log()).toBe(true);
    expect(answersFrom(LIVE_KEY)).toHaveLength(2);
    expect(JSON.stringify(answersIn(fake, m.ts))).toContain('ديلاتر');
    expect(JSON.stringify(responsesTo())).toContain('ديلاتر');
    // Logged once the lease is marked done, just after the answer went out.
    expect(await until(() => (log().match(ANSWERED_FOR_DEAD) ?? []).length === 2, 10_000), log()).toBe(true);
    // Past another lease and a few polls: nothing answered twice.
    await new Promise((r) => setTimeout(r, 12_000));
    expect(answersIn(fake, m.ts)).toHaveLength(1);
    expect(responsesTo()).toHaveLength(1);
    expect(answersFrom(LIVE_KEY)).toHaveLength(2);
  }, 240_000);
});

describe('one process on SQLite killed before answering', () => {
  it('restarted on the same data folder, it answers the acknowledged mention once', async () => {
    ensureBuilt();
    const fake = await new FakeSlack().start();
    cleanups.push(() => fake.close());
    const { llm, answersFrom } = await model();
    const dir = mkdtempSync(join(tmpdir(), 'sanad-sqlite-resume-'));
    writeFileSync(join(dir, 'sanad.config.json'), '{}');
    const start = async (key: string): Promise<Replica> => {
      const env = replicaEnv(dir, 'unused', fake.apiUrl, { SANAD_CONFIG: join(dir, 'sanad.config.json'), ...llmEnv(llm, key) });
      delete env.DATABASE_URL;
      delete env.SANAD_DATABASE_SCHEMA;
      const child = sanad(['start'], env, dir);
      cleanups.push(async () => {
        if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGTERM');
        await child.exited;
      });
      const [, port] = await child.waitFor(/sanad web chat: http:\/\/127\.0\.0\.1:(\d+)\//, 60_000);
      return { child, port: Number(port) };
    };
    const first = await start(DEAD_KEY);
    const m = mention(fake, QUESTIONS[1]!);
    expect(await deliver(first, m.event, m.eventId)).toBe(200);
    expect(await until(() => answersFrom(DEAD_KEY).length >= 1, 60_000), first.child.stdout() + first.child.stderr()).toBe(true);
    await killed(first.child);

    const restarted = await start(LIVE_KEY);
    const log = () => restarted.child.stdout() + restarted.child.stderr();
    expect(await until(() => answersIn(fake, m.ts).length > 0, 90_000), log()).toBe(true);
    expect(await until(() => (log().match(ANSWERED_FOR_DEAD) ?? []).length === 1, 10_000), log()).toBe(true);
    await new Promise((r) => setTimeout(r, 8000));
    expect(answersIn(fake, m.ts)).toHaveLength(1);
    expect(answersFrom(LIVE_KEY)).toHaveLength(1);
  }, 240_000);
});
