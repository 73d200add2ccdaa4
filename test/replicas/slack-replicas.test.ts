/**
 * Two real `sanad start` replicas sharing one PostgreSQL schema, behind a "load balancer" that
 * is the test choosing where each request goes, against one fake Slack:
 * - the same event delivered to both (Slack's retry landing on the other replica) is answered once;
 * - a user's rate limit holds across replicas (not ×2);
 * - the question log is one log: both replicas' questions are in it.
 */
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../slack/helpers/fake-slack.js';
import { ensureBuilt } from '../reliability/helpers/child.js';
import { until } from '../reliability/helpers/stats.js';
import { QUESTIONS } from '../reliability/helpers/load.js';
import { PG_URL, SKIP_PG, dropSchema, testSchema } from '../state/pg-env.js';
import { answersIn, deliver, mention, startReplicas, stopReplicas, type Replica } from './helpers/replicas.js';

beforeAll(() => ensureBuilt(), 120_000);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setup(config: Record<string, unknown> = {}): Promise<{ fake: FakeSlack; replicas: Replica[]; schema: string }> {
  const fake = await new FakeSlack().start();
  cleanups.push(() => fake.close());
  const schema = testSchema();
  cleanups.push(() => dropSchema(schema));
  const replicas = await startReplicas(2, schema, fake, config);
  cleanups.push(() => stopReplicas(replicas));
  return { fake, replicas, schema };
}

describe.skipIf(SKIP_PG)('two replicas on one PostgreSQL (Slack HTTP events)', () => {
  it('the same event delivered to both replicas at once is answered exactly once', async () => {
    const { fake, replicas } = await setup();
    const [a, b] = replicas as [Replica, Replica];
    for (let i = 0; i < 3; i++) {
      const m = mention(fake, QUESTIONS[i % QUESTIONS.length]!);
      // The first delivery and Slack's retry race to two different replicas.
      const statuses = await Promise.all([deliver(a, m.event, m.eventId), deliver(b, m.event, m.eventId, 1)]);
      expect(statuses).toEqual([200, 200]);
      expect(await until(() => answersIn(fake, m.ts).length >= 1, 30_000)).toBe(true);
      // Whichever lost the claim says so in its log: by then it has decided not to answer.
      const decided = await until(
        () => replicas.some((r) => r.child.stderr().includes(m.eventId) && /ignored a re-delivered event/.test(r.child.stderr())),
        15_000,
      );
      const inThread = fake.botMessages().filter((msg) => msg.channel === 'C1' && msg.thread_ts === m.ts);
      expect(inThread).toHaveLength(1);
      expect(decided).toBe(true);
    }
  });

  it('a user rate limit of 2 a minute holds across both replicas, and both log to one question log', async () => {
    const { fake, replicas, schema } = await setup({ defaults: { rateLimit: { perUserPerMinute: 2, perChannelPerMinute: 100 } } });
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const replica = replicas[i % 2]!;
      const m = mention(fake, QUESTIONS[i % QUESTIONS.length]!, { user: 'U7' });
      expect(await deliver(replica, m.event, m.eventId)).toBe(200);
      const before = fake.callsTo('chat.postEphemeral').length;
      const settled = await until(() => answersIn(fake, m.ts).length > 0 || fake.callsTo('chat.postEphemeral').length > before, 30_000);
      expect(settled).toBe(true);
      outcomes.push(answersIn(fake, m.ts).length > 0 ? 'answered' : 'limited');
    }
    // Counted per replica, all four would be answered (2 + 2).
    expect(outcomes).toEqual(['answered', 'answered', 'limited', 'limited']);

    const db = new pg.Client({ connectionString: PG_URL });
    await db.connect();
    try {
      const logged = async () =>
        (await db.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM "${schema}".questions WHERE user_id = 'U7'`)).rows[0]!.n;
      let n = await logged();
      for (const deadline = Date.now() + 10_000; n < 2 && Date.now() < deadline; n = await logged())
        await new Promise((r) => setTimeout(r, 100));
      expect(n).toBe(2); // one answered by each replica, in one log
    } finally {
      await db.end();
    }
  });
});
