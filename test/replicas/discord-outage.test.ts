/**
 * Discord messages arriving while PostgreSQL is down. Every replica on one token receives every
 * message, and none can see the others' leases: a lease in each replica's memory would have each
 * answer it. So the replicas keep the message and answer nothing until the database is back;
 * then one of them claims it and answers it, once. With SANAD_REPLICAS=1 a replica knows nobody
 * else has the message and answers during the outage. On a PostgreSQL server of the test's own
 * (stopped with `pg_ctl stop -m fast`, started again); skipped where its binaries are missing,
 * except under CI=true. Answer on the in-memory lease instead (resilient.ts: `claimLease`'s
 * fallback) and the first test fails: two replies per message.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord, type FakeMessage } from '../discord/fake-discord.js';
import { PRIVATE_PG_MISSING, PrivatePostgres, SKIP_PRIVATE_PG } from '../helpers/private-pg.js';
import { ensureBuilt, type Child } from '../reliability/helpers/child.js';
import { QUESTIONS } from '../reliability/helpers/load.js';
import { until } from '../reliability/helpers/stats.js';
import { startDiscordReplica } from './helpers/replicas.js';

beforeAll(() => ensureBuilt(), 120_000);

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const WAITING = /the state store is unavailable: this work waits for it/g;

async function setup(replicaCount: number, env: Record<string, string> = {}) {
  const server = await PrivatePostgres.create();
  cleanups.push(() => server.destroy());
  const fake = await FakeDiscord.start();
  fake.multiSession = true;
  cleanups.push(() => fake.close());
  const replicas: Child[] = [];
  cleanups.push(async () => {
    for (const r of replicas) if (r.process.exitCode === null && r.process.signalCode === null) r.process.kill('SIGTERM');
    await Promise.all(replicas.map((r) => r.exited));
  });
  for (let i = 0; i < replicaCount; i++) replicas.push(await startDiscordReplica(fake, 'sanad', { DATABASE_URL: server.url, ...env }));
  const channel = fake.textChannel('general');
  const alice = fake.user('alice');
  const ask = (n: number) => fake.post({ channel, author: alice, content: `<@${fake.bot.id}> ${QUESTIONS[n]}`, mentions: [fake.bot] });
  const repliesTo = (m: FakeMessage) => fake.botMessages().filter((b) => b.message_reference?.message_id === m.id);
  const logs = () => replicas.map((r, i) => `--- replica ${i}\n${(r.stdout() + r.stderr()).slice(-4000)}`).join('\n');
  return { server, fake, replicas, ask, repliesTo, logs };
}

describe.skipIf(SKIP_PRIVATE_PG)('Discord messages while PostgreSQL is unreachable', () => {
  it('has PostgreSQL 15 binaries (under CI=true this test never skips)', () => {
    expect(PRIVATE_PG_MISSING).toBeNull();
  });

  it('two replicas on one token: nothing answered during the outage, each message answered once after it', async () => {
    const { server, fake, replicas, ask, repliesTo, logs } = await setup(2);
    const before = ask(0);
    expect(await until(() => repliesTo(before).length > 0, 30_000)).toBe(true);

    await server.stop('fast');
    const during = [ask(1), ask(2)];
    // Both received both and keep them (each logs that they wait for the database), or answered them.
    const waiting = (r: Child) => (r.stderr().match(WAITING) ?? []).length;
    const answered = () => during.map((m) => repliesTo(m).length);
    await until(() => replicas.every((r) => waiting(r) >= 2) || answered().some((n) => n > 1), 30_000);
    await new Promise((r) => setTimeout(r, 3000)); // a few retries, still down
    expect(answered(), logs()).toEqual([0, 0]);
    expect(replicas.map(waiting)).toEqual([2, 2]);

    await server.start();
    expect(await until(() => during.every((m) => repliesTo(m).length > 0), 60_000), logs()).toBe(true);
    // Long enough for the other replica to claim each too, if it were going to (it retries every 2 s).
    await new Promise((r) => setTimeout(r, 5000));
    expect(
      [before, ...during].map((m) => repliesTo(m).length),
      logs(),
    ).toEqual([1, 1, 1]);
    expect(fake.botMessages()).toHaveLength(3);
    expect(replicas.every((r) => r.process.exitCode === null)).toBe(true);
  }, 180_000);

  it('SANAD_REPLICAS=1: the sole replica answers during the outage', async () => {
    const { server, ask, repliesTo, replicas, logs } = await setup(1, { SANAD_REPLICAS: '1' });
    await server.stop('fast');
    const during = ask(3);
    expect(await until(() => repliesTo(during).length > 0, 30_000), logs()).toBe(true);
    expect(replicas[0]!.stderr()).not.toMatch(WAITING);
    await server.start();
    await new Promise((r) => setTimeout(r, 3000));
    expect(repliesTo(during)).toHaveLength(1);
  }, 120_000);
});
