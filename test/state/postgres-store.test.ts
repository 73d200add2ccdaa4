/**
 * What only the PostgreSQL store has to show: migrations safe when replicas start together,
 * rate limits shared by replicas, a lost connection replaced, a clear error when the server is
 * out of reach. The common promises are in the state contract suite.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/ports.js';
import { PG_MIGRATIONS, PostgresStateStore, ResilientStore, openStateStore } from '../../src/state/index.js';
import { PG_URL, SKIP_PG, dropSchema, testSchema } from './pg-env.js';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quiet };
const stores: PostgresStateStore[] = [];
const schemas: string[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});
async function open(schema: string, options: Partial<Parameters<typeof PostgresStateStore.open>[0]> = {}): Promise<PostgresStateStore> {
  const store = await PostgresStateStore.open({ url: PG_URL, schema, ...options });
  stores.push(store);
  return store;
}
function fresh(): string {
  const schema = testSchema();
  schemas.push(schema);
  return schema;
}

describe.skipIf(SKIP_PG)('PostgresStateStore', () => {
  it('five replicas starting at once on an empty database: the schema is made once, all start', async () => {
    const schema = fresh();
    const opened = await Promise.all(Array.from({ length: 5 }, () => open(schema)));
    expect(opened).toHaveLength(5);
    const { rows } = await opened[0]!.pool.query<{ version: number }>('SELECT version FROM sanad_schema');
    expect(rows).toEqual([{ version: PG_MIGRATIONS.length }]);
    expect(await opened[1]!.claimEvent('e')).toBe(true);
    expect(await opened[4]!.claimEvent('e')).toBe(false);
  });

  it('refuses a schema from a newer sanad, naming the database but not the password', async () => {
    const schema = fresh();
    const first = await open(schema);
    await first.pool.query('UPDATE sanad_schema SET version = 99');
    const withPassword = new URL(PG_URL);
    withPassword.password = 's3cret-pw'; // trust auth ignores it; the message must not show it
    const error = await PostgresStateStore.open({ url: withPassword.href, schema }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/newer than this sanad knows/);
    expect((error as Error).message).not.toContain('s3cret');
  });

  it('a server out of reach at start: a clear error naming the address and DATABASE_URL', async () => {
    const started = openStateStore({
      dataDir: 'data',
      retentionDays: 30,
      logger: quiet,
      database: { url: 'postgres://sanad:pw-secret@127.0.0.1:1/nowhere', schema: 'public' },
    });
    await expect(started).rejects.toMatchObject({ code: 'state_unavailable', message: expect.stringContaining('127.0.0.1:1/nowhere') });
    await expect(started).rejects.toMatchObject({ hint: expect.stringContaining('DATABASE_URL') });
    await expect(started).rejects.not.toMatchObject({ message: expect.stringContaining('pw-secret') });
  });

  it('rate limits are shared by replicas: a sliding window counted in the database', async () => {
    const schema = fresh();
    const [a, b] = [await open(schema), await open(schema)];
    const t = (s: number) => new Date(Date.UTC(2026, 2, 28, 10, 0, s));
    const checks = [
      { key: 'slack:user:U1', limit: 3 },
      { key: 'slack:channel:C1', limit: 10 },
    ];
    expect(await a.takeRate(checks, 60_000, t(0))).toEqual({ ok: true });
    expect(await b.takeRate(checks, 60_000, t(10))).toEqual({ ok: true });
    expect(await a.takeRate(checks, 60_000, t(20))).toEqual({ ok: true });
    // The fourth question in the minute, whichever replica gets it, is refused until the first leaves the window.
    expect(await b.takeRate(checks, 60_000, t(30))).toEqual({ ok: false, retryAfterMs: 30_000 });
    expect(await a.takeRate(checks, 60_000, t(30))).toEqual({ ok: false, retryAfterMs: 30_000 });
    // A refused question used up nothing: another user in the channel still asks.
    expect(
      await b.takeRate(
        [
          { key: 'slack:user:U2', limit: 3 },
          { key: 'slack:channel:C1', limit: 10 },
        ],
        60_000,
        t(31),
      ),
    ).toEqual({ ok: true });
    expect(await a.takeRate(checks, 60_000, t(61))).toEqual({ ok: true });
    // Racing replicas cannot overshoot: 10 at once against a limit of 4.
    const race = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).takeRate([{ key: 'k', limit: 4 }], 60_000, t(100))),
    );
    expect(race.filter((v) => v.ok)).toHaveLength(4);
  });

  it('a connection killed by the server (a restart) is replaced: the next calls work and nothing is claimed twice', async () => {
    const schema = fresh();
    const app = `sanad-test-${schema}`;
    const lost: string[] = [];
    const inner = await open(schema, { applicationName: app, onIdleError: (e) => lost.push(e.message) });
    const store = new ResilientStore(inner, quiet, { shared: true });
    expect(await store.claimEvent('before')).toBe(true);
    await inner.recordQuestion({
      platform: 'slack',
      channel: 'C1',
      user: 'U',
      question: 'q',
      answer: 'a',
      abstained: false,
      citations: [],
      at: new Date(),
    });
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const killed = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [app]);
    await admin.end();
    expect(killed.rowCount).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(lost.length).toBeGreaterThan(0);
    // The pool opens new connections: the claims made before are still there, new ones are made once.
    expect(await store.claimEvent('before')).toBe(false);
    expect(await store.claimEvent('after')).toBe(true);
    expect(await store.claimEvent('after')).toBe(false);
    expect(store.healthy).toBe(true);
  });
});
