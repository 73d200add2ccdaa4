/**
 * A real PostgreSQL restart under load: a replica answering Slack events on a PostgreSQL server
 * of the test's own (the machine's shared server is never touched), stopped with
 * `pg_ctl stop -m fast` while events are in flight, events arriving while it is down, then
 * started again. Every acknowledged event is answered exactly once; the replica reconnects (the
 * events after the restart are claimed in the database again), and late retries of events claimed
 * before and after the restart are dropped. Skipped, loudly, where PostgreSQL 15's binaries are
 * missing, except under CI=true.
 */
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../slack/helpers/fake-slack.js';
import { ensureBuilt } from '../reliability/helpers/child.js';
import { QUESTIONS } from '../reliability/helpers/load.js';
import { until } from '../reliability/helpers/stats.js';
import { PRIVATE_PG_MISSING, PrivatePostgres, SKIP_PRIVATE_PG } from './helpers/private-pg.js';
import { answersIn, deliver, mention, startReplicas, stopReplicas } from './helpers/replicas.js';

beforeAll(() => ensureBuilt(), 120_000);

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const SCHEMA = 'sanad';

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(SKIP_PRIVATE_PG)('a replica while its PostgreSQL server restarts (pg_ctl stop -m fast, start)', () => {
  it('has PostgreSQL 15 binaries (under CI=true this test never skips)', () => {
    expect(PRIVATE_PG_MISSING).toBeNull();
  });

  it('answers on, reconnects, answers each acknowledged event once, and drops late retries', async () => {
    const server = await PrivatePostgres.create();
    cleanups.push(() => server.destroy());
    const fake = await new FakeSlack().start();
    cleanups.push(() => fake.close());
    const [replica] = await startReplicas(1, SCHEMA, fake, { defaults: { rateLimit: { perUserPerMinute: 1000, perChannelPerMinute: 1000 } } }, { DATABASE_URL: server.url });
    cleanups.push(() => stopReplicas([replica!]));

    const sent: ReturnType<typeof mention>[] = [];
    const send = async (count: number) => {
      const batch = Array.from({ length: count }, (_, i) => mention(fake, QUESTIONS[(sent.length + i) % QUESTIONS.length]!, { user: `U${sent.length + i}` }));
      sent.push(...batch);
      const statuses = await Promise.all(batch.map((m) => deliver(replica!, m.event, m.eventId)));
      expect(statuses.every((s) => s === 200)).toBe(true);
      return batch;
    };
    const allAnswered = () => sent.every((m) => answersIn(fake, m.ts).length > 0);

    const before = await send(20);
    expect(await until(allAnswered, 60_000)).toBe(true);

    // The restart: stopped while a batch is in flight, more events while it is down, started again.
    const during = send(20);
    await server.stop('fast');
    await send(10);
    await server.start();
    await during;
    const after = await send(20);
    expect(await until(allAnswered, 90_000)).toBe(true);

    // Each acknowledged event answered exactly once (one reply in its thread, nothing doubled).
    const perThread = sent.map((m) => fake.botMessages().filter((b) => b.channel === 'C1' && b.thread_ts === m.ts).length);
    expect(perThread.filter((n) => n !== 1)).toEqual([]);
    // It noticed the outage and came back: the events after the restart are claimed in the database.
    const log = replica!.child.stderr();
    expect(log).toMatch(/state store failed/);
    expect(log).toMatch(/state store works again/);
    const claimed = await query<{ key: string }>(server.url, `SELECT key FROM ${SCHEMA}.events WHERE key = ANY($1)`, [after.map((m) => `slack:${m.eventId}`)]);
    expect(claimed).toHaveLength(after.length);
    // What was claimed before the restart survived it: Slack's late retries of both batches are dropped.
    const dropped = () => (replica!.child.stderr().match(/ignored a re-delivered event/g) ?? []).length;
    const droppedBefore = dropped();
    const retried = [...before, ...after];
    const statuses = await Promise.all(retried.map((m) => deliver(replica!, m.event, m.eventId, 1)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(await until(() => dropped() - droppedBefore >= retried.length, 15_000)).toBe(true);
    expect(sent.map((m) => fake.botMessages().filter((b) => b.channel === 'C1' && b.thread_ts === m.ts).length).filter((n) => n !== 1)).toEqual([]);
  }, 240_000);
});
