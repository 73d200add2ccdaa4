/**
 * PostgreSQL lost under load, as a server restart looks from the replicas: every connection of
 * theirs is terminated while events flow. Answering goes on, the pools reconnect, every event is
 * answered once, and claims made before the loss still hold (a late retry is dropped).
 */
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../slack/helpers/fake-slack.js';
import { ensureBuilt } from '../reliability/helpers/child.js';
import { QUESTIONS } from '../reliability/helpers/load.js';
import { until } from '../reliability/helpers/stats.js';
import { PG_URL, SKIP_PG, dropSchema, testSchema } from '../state/pg-env.js';
import { answersIn, deliver, mention, startReplicas, stopReplicas, type Replica } from './helpers/replicas.js';

beforeAll(() => ensureBuilt(), 120_000);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function terminateConnections(schema: string): Promise<number> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    const result = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
      `sanad/${schema}`,
    ]);
    return result.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

describe.skipIf(SKIP_PG)('replicas when PostgreSQL drops every connection under load', () => {
  it('answering goes on, each event is answered once, earlier claims still hold', async () => {
    const fake = await new FakeSlack().start();
    cleanups.push(() => fake.close());
    const schema = testSchema();
    cleanups.push(() => dropSchema(schema));
    const replicas = await startReplicas(2, schema, fake, {
      defaults: { rateLimit: { perUserPerMinute: 1000, perChannelPerMinute: 1000 } },
    });
    cleanups.push(() => stopReplicas(replicas));

    const sent: ReturnType<typeof mention>[] = [];
    const send = async (count: number) => {
      const batch = Array.from({ length: count }, (_, i) =>
        mention(fake, QUESTIONS[i % QUESTIONS.length]!, { user: `U${sent.length + i}` }),
      );
      sent.push(...batch);
      const statuses = await Promise.all(batch.map((m, i) => deliver(replicas[i % 2] as Replica, m.event, m.eventId)));
      expect(statuses.every((s) => s === 200)).toBe(true);
    };
    await send(20);
    expect(await until(() => sent.every((m) => answersIn(fake, m.ts).length > 0), 60_000)).toBe(true);

    // The "restart": while the next batch is in flight, every connection of both replicas goes.
    const during = send(20);
    const killed = await terminateConnections(schema);
    await during;
    await send(20);
    expect(killed).toBeGreaterThan(0);
    expect(await until(() => sent.every((m) => answersIn(fake, m.ts).length > 0), 60_000)).toBe(true);

    // Slack's late retries of the first batch, each to the replica that did not answer it: dropped.
    const firstBatch = sent.slice(0, 20);
    await Promise.all(firstBatch.map((m, i) => deliver(replicas[(i + 1) % 2] as Replica, m.event, m.eventId, 1)));
    expect(
      await until(
        () => replicas.map((r) => (r.child.stderr().match(/ignored a re-delivered event/g) ?? []).length).reduce((a, b) => a + b, 0) >= 20,
        15_000,
      ),
    ).toBe(true);

    const perThread = sent.map((m) => fake.botMessages().filter((b) => b.channel === 'C1' && b.thread_ts === m.ts).length);
    expect(perThread.every((n) => n === 1)).toBe(true);
    // The pools came back: both replicas said so, or never noticed (no call failed on them).
    for (const r of replicas) {
      const failed = /state store failed/.test(r.child.stderr());
      if (failed) expect(r.child.stderr()).toMatch(/state store works again/);
    }
  });
});
