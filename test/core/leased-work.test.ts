/**
 * LeasedWork over the in-process leases, two "replicas" sharing them, on fake timers: who does the
 * work, renewal while working, take-over after the holder stops, and the bounds on what is watched.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeasedWork, MemoryLeases, silentLogger, type LeaseClaim, type WorkLeases } from '../../src/core/index.js';

const clock = { now: () => new Date() };
const LEASE = 1000;

function replica(leases: WorkLeases, owner: string, options: { watchForMs?: number; maxWatched?: number } = {}) {
  const started: Promise<void>[] = [];
  const work = new LeasedWork({
    leases,
    owner,
    clock,
    logger: silentLogger,
    leaseMs: LEASE,
    start: (w) => void started.push(w()),
    ...options,
  });
  return { work, started };
}

/** Work that finishes when told to (or never, like a process killed mid-way). */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  const calls: string[] = [];
  const task = (who: string) => async () => {
    calls.push(who);
    await done;
  };
  return { open, calls, task };
}

beforeEach(() => vi.useFakeTimers({ now: new Date('2026-03-28T10:00:00Z') }));
afterEach(() => vi.useRealTimers());

describe('LeasedWork', () => {
  it('both alive: the holder renews its lease through a long answer; the other never does the work', async () => {
    const leases = new MemoryLeases();
    const [a, b] = [replica(leases, 'A'), replica(leases, 'B')];
    const g = gate();
    const running = a.work.run('m1', g.task('A'));
    await b.work.run('m1', g.task('B'));
    expect(b.work.watching).toBe(1);
    await vi.advanceTimersByTimeAsync(10 * LEASE); // ten leases long: renewed all along
    g.open();
    await running;
    await vi.advanceTimersByTimeAsync(2 * LEASE);
    expect(g.calls).toEqual(['A']);
    expect(b.work.watching).toBe(0); // found done, forgotten
  });

  it('the holder stops renewing (dies): the watcher takes the work over after the lease, once', async () => {
    const leases = new MemoryLeases();
    const [a, b] = [replica(leases, 'A'), replica(leases, 'B')];
    const g = gate();
    void a.work.run('m1', g.task('A'));
    await b.work.run('m1', g.task('B'));
    a.work.stop();
    vi.spyOn(leases, 'renewLease').mockResolvedValue(false); // A is dead: no more renewals
    await vi.advanceTimersByTimeAsync(LEASE / 2);
    expect(g.calls).toEqual(['A']);
    await vi.advanceTimersByTimeAsync(LEASE);
    expect(g.calls).toEqual(['A', 'B']);
    expect(b.started).toHaveLength(1);
  });

  it('forgets work older than watchForMs, and keeps at most maxWatched keys', async () => {
    const leases = new MemoryLeases();
    const a = replica(leases, 'A');
    const b = replica(leases, 'B', { watchForMs: 2.5 * LEASE, maxWatched: 3 });
    const g = gate();
    for (const key of ['m1', 'm2', 'm3', 'm4', 'm5']) void a.work.run(key, g.task('A'));
    for (const key of ['m1', 'm2', 'm3', 'm4', 'm5']) await b.work.run(key, g.task('B'));
    expect(b.work.watching).toBe(3);
    await vi.advanceTimersByTimeAsync(5 * LEASE); // A renews: B looks again at each expiry, then gives up
    expect(b.work.watching).toBe(0);
    expect(g.calls.filter((c) => c === 'B')).toHaveLength(0);
  });

  describe('the shared leases unavailable (database down)', () => {
    /** Leases shared by two replicas that answer `unavailable` while `down`, as ResilientStore does on PostgreSQL. */
    function outage() {
      const shared = new MemoryLeases();
      const state = { down: true, probes: 0 };
      const leases: WorkLeases = {
        claimLease: async (request): Promise<LeaseClaim> => {
          state.probes++;
          return state.down ? { status: 'unavailable', retryAt: new Date(request.at.getTime() + 200) } : shared.claimLease(request);
        },
        renewLease: (request) => shared.renewLease(request),
        completeLease: (key, owner) => shared.completeLease(key, owner),
      };
      return { leases, state };
    }

    it('nobody does the work while it is down; once it is back, exactly one replica does each, in arrival order', async () => {
      const { leases, state } = outage();
      const [a, b] = [replica(leases, 'A'), replica(leases, 'B')];
      const done: string[] = [];
      const task = (who: string, key: string) => async () => void done.push(`${key}:${who}`);
      for (const key of ['m1', 'm2', 'm3']) {
        await a.work.run(key, task('A', key));
        await b.work.run(key, task('B', key));
      }
      expect([a.work.waiting, b.work.waiting]).toEqual([3, 3]);
      state.probes = 0;
      await vi.advanceTimersByTimeAsync(2000); // ten retries each
      expect(done).toEqual([]);
      expect(state.probes).toBeLessThanOrEqual(2 * 10); // one probe per retry, not one per waiting key
      state.down = false;
      await vi.advanceTimersByTimeAsync(300);
      await Promise.all([...a.started, ...b.started]);
      expect(done.map((d) => d.split(':')[0])).toEqual(['m1', 'm2', 'm3']);
      expect([a.work.waiting, b.work.waiting]).toEqual([0, 0]);
      await vi.advanceTimersByTimeAsync(5 * LEASE); // the loser looks again, finds each done
      expect(done).toHaveLength(3);
    });

    it('drops work that waited longer than watchForMs, and keeps at most maxWatched keys waiting', async () => {
      const { leases, state } = outage();
      const a = replica(leases, 'A', { watchForMs: 10 * LEASE, maxWatched: 2 });
      const done: string[] = [];
      for (const key of ['m1', 'm2', 'm3']) await a.work.run(key, async () => void done.push(key));
      expect(a.work.waiting).toBe(2); // m1 dropped: too many waiting
      await vi.advanceTimersByTimeAsync(8 * LEASE);
      await a.work.run('m4', async () => void done.push('m4')); // m2 dropped
      await vi.advanceTimersByTimeAsync(3 * LEASE); // m3 is now older than watchForMs
      state.down = false;
      await vi.advanceTimersByTimeAsync(300);
      await Promise.all(a.started);
      expect(done).toEqual(['m4']);
      expect(a.work.waiting).toBe(0);
    });
  });
});
