/**
 * A real PostgreSQL restart under load: two replicas answering Slack events on a PostgreSQL server
 * of the test's own (the machine's shared server is never touched), events sent to them without a
 * pause while the server is stopped with `pg_ctl stop -m fast` and started again. Both replicas
 * live on; every acknowledged event is answered exactly once; they reconnect (events after the
 * restart are claimed in the database again), and late retries sent to the other replica are
 * dropped, including those of events answered while the database was down. Skipped, loudly, where
 * PostgreSQL 15's binaries are missing, except under CI=true.
 */
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../slack/helpers/fake-slack.js';
import { ensureBuilt } from '../reliability/helpers/child.js';
import { QUESTIONS } from '../reliability/helpers/load.js';
import { until } from '../reliability/helpers/stats.js';
import { PRIVATE_PG_MISSING, PrivatePostgres, SKIP_PRIVATE_PG } from '../helpers/private-pg.js';
import { answersIn, deliver, mention, startReplicas, stopReplicas, type Replica } from './helpers/replicas.js';

beforeAll(() => ensureBuilt(), 120_000);

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const SCHEMA = 'sanad';
/** Bounds: events in all, and between two deliveries (the stream never pauses for the restart). */
const MAX_EVENTS = 1000;
const GAP_MS = 40;

type Phase = 'before' | 'stopping' | 'down' | 'starting' | 'after' | 'final';
interface Sent {
  m: ReturnType<typeof mention>;
  replica: number;
  phase: Phase;
  /** The HTTP status of the acknowledgement, or why there was none. */
  ack?: number | string;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

const alive = (r: Replica) => r.child.process.exitCode === null && r.child.process.signalCode === null;
const count = (r: Replica, pattern: RegExp) => (r.child.stderr().match(new RegExp(pattern.source, 'g')) ?? []).length;

/** What a failure prints: each replica's state and the end of its log (a crash's stack is there). */
function report(replicas: Replica[]): string {
  return replicas
    .map(
      (r, i) =>
        `--- replica ${i}: exit ${r.child.process.exitCode} signal ${r.child.process.signalCode}\n${(r.child.stdout() + r.child.stderr()).slice(-6000)}`,
    )
    .join('\n');
}

describe.skipIf(SKIP_PRIVATE_PG)('two replicas while their PostgreSQL server restarts (pg_ctl stop -m fast, start)', () => {
  it('has PostgreSQL 15 binaries (under CI=true this test never skips)', () => {
    expect(PRIVATE_PG_MISSING).toBeNull();
  });

  it('both live on, answer each acknowledged event once, reconnect, and drop late retries', async () => {
    const server = await PrivatePostgres.create();
    cleanups.push(() => server.destroy());
    const fake = await new FakeSlack().start();
    cleanups.push(() => fake.close());
    const replicas = await startReplicas(
      2,
      SCHEMA,
      fake,
      { defaults: { rateLimit: { perUserPerMinute: 1000, perChannelPerMinute: 1000 } } },
      { DATABASE_URL: server.url },
    );
    cleanups.push(() => stopReplicas(replicas));
    const check = (ok: boolean, what: string) => expect(ok, `${what}\n${report(replicas)}`).toBe(true);

    // A steady stream of events, round-robin over the replicas, each labelled with the phase it was sent in.
    const sent: Sent[] = [];
    const inFlight: Promise<void>[] = [];
    let phase: Phase = 'before';
    let stop = false;
    const sending = (async () => {
      while (!stop && sent.length < MAX_EVENTS) {
        const n = sent.length;
        const entry: Sent = { m: mention(fake, QUESTIONS[n % QUESTIONS.length]!, { user: `U${n}` }), replica: n % 2, phase };
        sent.push(entry);
        inFlight.push(
          deliver(replicas[entry.replica]!, entry.m.event, entry.m.eventId).then(
            (status) => void (entry.ack = status),
            (error: Error) => void (entry.ack = error.message),
          ),
        );
        await new Promise((r) => setTimeout(r, GAP_MS));
      }
    })();
    const sentIn = (p: Phase) => sent.filter((s) => s.phase === p).length;

    check(await until(() => sentIn('before') >= 20, 60_000), 'the first events were sent');
    phase = 'stopping';
    await server.stop('fast');
    phase = 'down';
    // Down until each replica has answered events sent while it was down (their claims failed), and logged it.
    const answeredDown = (i: number) =>
      sent.filter((s) => s.phase === 'down' && s.replica === i && answersIn(fake, s.m.ts).length > 0).length;
    check(
      await until(() => replicas.every((r, i) => answeredDown(i) >= 3 && count(r, /state store failed/) > 0), 60_000),
      'both replicas answered while the database was down',
    );
    // Both are failing now (no call can succeed while it is down), so each logs its recovery once, after the start.
    const recovered = replicas.map((r) => count(r, /state store works again/));
    phase = 'starting';
    await server.start();
    phase = 'after';
    check(
      await until(() => replicas.every((r, i) => count(r, /state store works again/) > recovered[i]!), 60_000),
      'both replicas reconnected',
    );
    phase = 'final';
    check(await until(() => sentIn('final') >= 20, 60_000), 'events were sent after the reconnection');
    stop = true;
    await sending;
    await Promise.all(inFlight);
    expect(sent.length).toBeLessThan(MAX_EVENTS);

    // Both alive, every event acknowledged, and each answered exactly once (nothing doubled, nothing lost).
    check(replicas.every(alive), 'both replicas are still running');
    const unacked = sent.filter((s) => s.ack !== 200).map((s) => `${s.phase}: ${s.ack}`);
    expect(unacked, report(replicas)).toEqual([]);
    check(await until(() => sent.every((s) => answersIn(fake, s.m.ts).length > 0), 120_000), 'every acknowledged event was answered');
    const replies = (s: Sent) => fake.botMessages().filter((b) => b.channel === 'C1' && b.thread_ts === s.m.ts).length;
    expect(sent.filter((s) => replies(s) !== 1).map((s) => `${s.phase} ${s.m.eventId}: ${replies(s)}`)).toEqual([]);

    // They reconnected: what was sent after both said so is claimed in the database.
    const final = sent.filter((s) => s.phase === 'final').map((s) => `slack:${s.m.eventId}`);
    const claimed = await query<{ key: string }>(server.url, `SELECT key FROM ${SCHEMA}.events WHERE key = ANY($1)`, [final]);
    expect(claimed.map((r) => r.key).sort()).toEqual([...final].sort());

    // Slack's late retries, each to the replica that did not answer: dropped, from before, during and after the outage.
    const retried = sent.filter((s) => s.phase === 'before' || s.phase === 'down' || s.phase === 'final');
    const droppedBefore = replicas.map((r) => count(r, /ignored a re-delivered event/));
    const statuses = await Promise.all(retried.map((s) => deliver(replicas[1 - s.replica]!, s.m.event, s.m.eventId, 1)));
    expect(statuses.every((s) => s === 200)).toBe(true);
    const dropped = () => replicas.reduce((sum, r, i) => sum + count(r, /ignored a re-delivered event/) - droppedBefore[i]!, 0);
    check(await until(() => dropped() >= retried.length, 20_000), `all ${retried.length} late retries dropped (dropped ${dropped()})`);
    expect(sent.filter((s) => replies(s) !== 1).map((s) => `${s.phase} ${s.m.eventId}: ${replies(s)}`)).toEqual([]);
    check(replicas.every(alive), 'both replicas are still running after the retries');
  }, 300_000);
});
