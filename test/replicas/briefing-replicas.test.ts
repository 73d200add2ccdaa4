/**
 * The daily briefing across replicas sharing one PostgreSQL schema (real processes, fake Slack):
 * - three replicas posting the same channel's briefing at once: one post;
 * - a replica killed -9 in the middle of the post (Slack has it, the replica never heard back),
 *   another taking over: busy within the lease, then it finds the post and records it. One post.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../slack/helpers/fake-slack.js';
import { ensureBuilt, sanad, type Child } from '../reliability/helpers/child.js';
import { briefingCrashProxy, briefingsIn, writeBriefingConfig } from '../reliability/helpers/briefing-crash.js';
import { slackMethod } from '../reliability/helpers/fault-proxy.js';
import { until } from '../reliability/helpers/stats.js';
import { PG_URL, SKIP_PG, dropSchema, testSchema } from '../state/pg-env.js';
import { replicaEnv } from './helpers/replicas.js';
import { processJanitor } from '../reliability/helpers/janitor.js';

beforeAll(() => ensureBuilt(), 120_000);

const { children, cleanups } = processJanitor();

function briefingReplica(schema: string, slackApiUrl: string): (args?: string[]) => Child {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-brief-replica-'));
  const config = writeBriefingConfig(dir);
  const env = replicaEnv(dir, schema, slackApiUrl, { SANAD_CONFIG: config });
  return () => {
    const child = sanad(['briefing', '--channel', 'C0BRIEF', '--post'], env, dir);
    children.push(child);
    return child;
  };
}

describe.skipIf(SKIP_PG)('the daily briefing with replicas on one PostgreSQL', () => {
  it('three replicas posting at once: one briefing', async () => {
    const slack = await new FakeSlack().start();
    cleanups.push(() => slack.close());
    const schema = testSchema();
    cleanups.push(() => dropSchema(schema));
    const run = briefingReplica(schema, slack.apiUrl);
    const replicas = [run(), run(), run()];
    const exits = await Promise.all(replicas.map((r) => r.exited));
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0]);
    expect(briefingsIn(slack)).toHaveLength(1);
  });

  it('a replica killed mid-post, another taking over: busy within the lease, then the post is found and recorded, never doubled', async () => {
    const slack = await new FakeSlack().start();
    cleanups.push(() => slack.close());
    const proxy = await briefingCrashProxy(slack);
    const schema = testSchema();
    cleanups.push(() => dropSchema(schema));
    const briefings = () => briefingsIn(slack);
    const replicaA = briefingReplica(schema, `${proxy.url}/api/`);
    const replicaB = briefingReplica(schema, `${proxy.url}/api/`);

    const first = replicaA();
    expect(await until(() => briefings().length === 1, 30_000)).toBe(true);
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    // Another replica at once: the dead one's claim still holds in the shared database.
    const second = replicaB();
    expect((await second.exited).code).toBe(0);
    expect(second.stdout()).toMatch(/not posting it twice/);

    // The lease (2 minutes) runs out: moved back in the database rather than waited for.
    const db = new pg.Client({ connectionString: PG_URL });
    await db.connect();
    await db.query(`UPDATE "${schema}".briefings SET claimed_at = claimed_at - 180000`);
    const third = replicaB();
    expect((await third.exited).code).toBe(0);
    expect(third.stdout()).toMatch(/had already been posted; recorded it/);
    const { rows } = await db.query<{ state: string; attempts: number }>(`SELECT state, attempts FROM "${schema}".briefings`);
    await db.end();
    expect(rows).toEqual([{ state: 'posted', attempts: 2 }]);

    const fourth = replicaA();
    expect((await fourth.exited).code).toBe(0);
    expect(fourth.stdout()).toMatch(/already posted or skipped/);
    expect(briefings()).toHaveLength(1);
    expect(proxy.count((r) => slackMethod(r) === 'chat.postMessage')).toBe(1);
  });
});
