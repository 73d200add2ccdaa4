/**
 * The PostgreSQL store's pool while its server restarts again and again (`pg_ctl stop -m fast`,
 * start) under a saturated pool: calls fail (the resilient wrapper answers those) and no error
 * event ever goes unheard. Before every connection got its own 'error' listener
 * (ListeningClient), this ended the process within a few restarts: pg-pool hands an idle
 * connection to a waiting `pool.connect()` with no listener until the caller's next microtask,
 * and the server's FATAL 57P01 could arrive in the same packet as the previous query's end.
 * Runs on a private server (test/helpers/private-pg.ts), never the shared one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresStateStore } from '../../src/state/index.js';
import { PRIVATE_PG_MISSING, PrivatePostgres, SKIP_PRIVATE_PG } from '../helpers/private-pg.js';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** Restarts, and callers more than the pool has connections (so some always wait for one). */
const RESTARTS = 12;
const CALLERS = 30;

describe.skipIf(SKIP_PRIVATE_PG)('the PostgreSQL store while its server restarts under load', () => {
  it('has PostgreSQL 15 binaries (under CI=true this test never skips)', () => {
    expect(PRIVATE_PG_MISSING).toBeNull();
  });

  it(`${RESTARTS} restarts with ${CALLERS} callers: calls fail and succeed again, and no error goes unheard`, async () => {
    const server = await PrivatePostgres.create();
    cleanups.push(() => server.destroy());
    const store = await PostgresStateStore.open({ url: server.url, schema: 'restarts' });
    cleanups.push(() => store.close());

    // An 'error' emitted with no listener throws out of a socket callback: uncaught, here.
    const uncaught: Error[] = [];
    const onUncaught = (error: Error) => uncaught.push(error);
    process.prependListener('uncaughtException', onUncaught);
    cleanups.push(() => process.removeListener('uncaughtException', onUncaught));

    let stop = false;
    let ok = 0;
    let failed = 0;
    const caller = async (i: number) => {
      for (let n = 0; !stop; n++) {
        const at = new Date();
        const calls = [
          () => store.claimEvent(`e${i}:${n}`, at),
          () => store.takeRate([{ key: `u${i % 3}`, limit: 1_000_000 }], 60_000, at), // a transaction: pool.connect()
          () => store.claimLease({ key: `l${i}:${n}`, owner: 'me', at, leaseMs: 1000 }),
          () => store.questionStats('slack', 'C1', new Date(0), at),
        ];
        await calls[n % calls.length]!().then(
          () => ok++,
          () => failed++,
        );
        if (n % 5 === 4) await new Promise((r) => setTimeout(r, 2));
      }
    };
    const callers = Array.from({ length: CALLERS }, (_, i) => caller(i));
    try {
      for (let r = 0; r < RESTARTS && uncaught.length === 0; r++) {
        const okBefore = ok;
        // Each stop finds calls completing: wait until some did since the last start.
        await waitUntil(() => ok > okBefore + 20 || uncaught.length > 0);
        await server.stop('fast');
        await server.start();
      }
    } finally {
      stop = true;
      await Promise.all(callers);
    }

    expect(uncaught.map((e) => e.message)).toEqual([]);
    expect(failed).toBeGreaterThan(0); // the restarts were felt
    // And it works again after the last one.
    expect(await store.claimEvent('after-the-restarts')).toBe(true);
  }, 240_000);
});

/** Polls `check` every 10 ms, at most 30 s (bounded; a stuck pool fails the test's expectations instead). */
async function waitUntil(check: () => boolean): Promise<void> {
  for (let i = 0; i < 3000 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
}
