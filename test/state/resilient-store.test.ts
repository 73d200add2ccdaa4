import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/ports.js';
import type { QuestionRecord, SharedRateLimits } from '../../src/core/state.js';
import { openStateStore, ResilientStore, SqliteStateStore, type SanadStore } from '../../src/state/index.js';

interface Line {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}
function recordingLogger(lines: Line[] = []): Logger & { lines: Line[] } {
  const make = (): Logger => ({
    debug: (message, fields) => lines.push({ level: 'debug', message, fields }),
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
    child: () => make(),
  });
  return Object.assign(make(), { lines }) satisfies Logger;
}

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

function file(): string {
  return join(mkdtempSync(join(tmpdir(), 'sanad-resilient-')), 'sanad.db');
}
const q: QuestionRecord = {
  platform: 'slack',
  channel: 'C1',
  user: 'U1',
  question: 'سؤال؟',
  answer: 'جواب',
  abstained: false,
  citations: [],
  at: new Date('2026-03-28T10:00:00Z'),
};
const errors = (logger: { lines: Line[] }) => logger.lines.filter((l) => l.level === 'error');

describe('ResilientStore', () => {
  it('a read-only database: logs once per cause, keeps answering, still drops re-deliveries in memory', async () => {
    const path = file();
    await new SqliteStateStore({ file: path }).close(); // create and migrate
    const readOnly = new SqliteStateStore({ file: path, readonly: true });
    cleanup.push(() => readOnly.close());
    const logger = recordingLogger();
    const store = new ResilientStore(readOnly, logger);

    expect(await store.claimEvent('ev1')).toBe(true); // answered, not dropped
    expect(await store.claimEvent('ev1')).toBe(false); // a retry of the same event is still deduped
    expect(await store.claimEvent('ev2')).toBe(true);
    await store.recordQuestion(q);
    await store.recordQuestion(q);
    // Feedback not saved is said, not swallowed: the adapters tell the person (issue 14, item 6).
    await expect(store.recordFeedback({ ...q, vote: 'up' })).rejects.toThrow(/feedback could not be saved/);
    expect(store.healthy).toBe(false);
    expect(errors(logger)).toHaveLength(1);
    expect(errors(logger)[0]!.fields).toMatchObject({ code: 'SQLITE_READONLY', operation: 'claimEvent' });
    // Reads still work on a read-only file.
    expect((await store.questionStats('slack', 'C1', new Date(0), new Date('2030-01-01'))).asked).toBe(0);
  });

  it('a database locked by another connection: SQLITE_BUSY is logged once, then recovery is logged', async () => {
    const path = file();
    const sqlite = new SqliteStateStore({ file: path, busyTimeoutMs: 20 });
    cleanup.push(() => sqlite.close());
    const other = new Database(path);
    cleanup.push(() => other.open && other.close());
    other.exec('BEGIN EXCLUSIVE');
    const logger = recordingLogger();
    const store = new ResilientStore(sqlite, logger);

    expect(await store.claimEvent('ev1')).toBe(true);
    await store.recordQuestion(q);
    const claim = await store.claimBriefing({
      key: 'k',
      platform: 'slack',
      channel: 'C1',
      day: '2026-03-29',
      owner: 'A',
      at: q.at,
      leaseMs: 1000,
    });
    expect(claim).toEqual({ status: 'claimed', attempt: 1 }); // falls back to an in-memory claim
    expect(
      (await store.claimBriefing({ key: 'k', platform: 'slack', channel: 'C1', day: '2026-03-29', owner: 'B', at: q.at, leaseMs: 1000 }))
        .status,
    ).toBe('busy');
    expect(errors(logger).map((l) => l.fields?.code)).toEqual(['SQLITE_BUSY']);

    other.exec('ROLLBACK');
    await store.recordQuestion(q);
    expect(store.healthy).toBe(true);
    expect(logger.lines.some((l) => l.message.includes('works again'))).toBe(true);
    expect((await sqlite.questionStats('slack', 'C1', new Date(0), new Date('2030-01-01'))).asked).toBe(1);
    // ev1 was only remembered in memory while the store was down; a late retry is still dropped.
    expect(await store.claimEvent('ev1')).toBe(false);
  });

  it('events answered while the store failed are written to it once it works again: another replica then drops their retries', async () => {
    const path = file();
    const sqlite = new SqliteStateStore({ file: path, busyTimeoutMs: 20 });
    cleanup.push(() => sqlite.close());
    const other = new Database(path);
    cleanup.push(() => other.open && other.close());
    const logger = recordingLogger();
    const store = new ResilientStore(sqlite, logger, { shared: true });
    // A second replica on the same store (never down itself).
    const peer = new SqliteStateStore({ file: path, busyTimeoutMs: 20 });
    cleanup.push(() => peer.close());

    other.exec('BEGIN EXCLUSIVE');
    expect(await store.claimEvent('slack:ev1', q.at)).toBe(true);
    expect(await store.claimEvent('slack:ev2', q.at)).toBe(true);
    expect(await store.claimEvent('slack:ev1', q.at)).toBe(false);
    other.exec('ROLLBACK');

    expect(await store.claimEvent('slack:ev3', q.at)).toBe(true); // the first write that works
    await expect.poll(() => logger.lines.some((l) => l.message.includes('events answered while it failed')), { timeout: 5000 }).toBe(true);
    expect(await peer.claimEvent('slack:ev1')).toBe(false);
    expect(await peer.claimEvent('slack:ev2')).toBe(false);
    expect(await store.claimEvent('slack:ev2')).toBe(false);
    expect(await peer.claimEvent('slack:ev4')).toBe(true);
  });

  it('a full disk (SQLITE_FULL) drops the write, logs once and the bot goes on', async () => {
    const sqlite = new SqliteStateStore({ file: file() });
    cleanup.push(() => sqlite.close());
    // Cap the file at its current size: the next pages cannot be allocated, as on a full disk.
    const pages = sqlite.db.pragma('page_count', { simple: true }) as number;
    sqlite.db.pragma(`max_page_count = ${pages}`);
    const logger = recordingLogger();
    const store = new ResilientStore(sqlite, logger);
    const long = { ...q, answer: 'x'.repeat(50_000) };
    for (let i = 0; i < 5; i++) await store.recordQuestion(long);
    expect(errors(logger)).toHaveLength(1);
    expect(errors(logger)[0]!.fields?.code).toBe('SQLITE_FULL');
    expect(await store.claimEvent('after-full')).toBe(true);
  });

  it('openStateStore over a data folder that cannot be created still gives a working store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-blocked-'));
    writeFileSync(join(dir, 'data'), 'a file where the folder should be');
    const logger = recordingLogger();
    const { store, sqlite } = await openStateStore({ dataDir: join(dir, 'data'), logger, retentionDays: 30 });
    expect(sqlite).toBeNull();
    expect(await store.claimEvent('e')).toBe(true);
    expect(await store.claimEvent('e')).toBe(false);
    await store.recordQuestion(q);
    expect((await store.questionStats('slack', 'C1', new Date(0), new Date())).asked).toBe(0);
    // One line for the failed open, one for the first use; not one per call.
    expect(errors(logger)).toHaveLength(2);
  });

  it('openStateStore uses the data folder it is given and purges past the retention window at open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-data-'));
    const first = await openStateStore({ dataDir: dir, logger: recordingLogger(), retentionDays: 30 });
    expect(first.dataDir).toBe(dir);
    await first.store.recordQuestion({ ...q, at: new Date('2026-01-01T00:00:00Z') });
    await first.store.recordQuestion({ ...q, at: new Date('2026-03-27T00:00:00Z') });
    await first.store.close();
    const second = await openStateStore({
      dataDir: dir,
      logger: recordingLogger(),
      retentionDays: 30,
      now: new Date('2026-03-28T00:00:00Z'),
    });
    cleanup.push(() => second.store.close());
    expect((await second.store.questionStats('slack', 'C1', new Date(0), new Date('2030-01-01'))).asked).toBe(1);
  });

  it('a store whose calls reject later (a server database gone away): every method resolves to its fallback, none rejects but feedback (the person is told)', async () => {
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' });
    const rejecting = new Proxy({} as SanadStore, {
      get: () => () => new Promise((_, reject) => setTimeout(() => reject(lost), 1)),
    });
    const logger = recordingLogger();
    const store = new ResilientStore(rejecting, logger);
    const request = { key: 'k', platform: 'slack', channel: 'C1', day: '2026-03-29', owner: 'A', at: q.at, leaseMs: 1000 };
    expect(await store.claimEvent('ev')).toBe(true);
    expect(await store.claimEvent('ev')).toBe(false);
    await expect(store.recordQuestion(q)).resolves.toBeUndefined();
    await expect(store.recordFeedback({ ...q, vote: 'down' })).rejects.toMatchObject({ code: 'feedback_not_saved' });
    expect(await store.questionStats('slack', 'C1', new Date(0), new Date())).toMatchObject({ asked: 0 });
    expect(await store.claimBriefing(request)).toEqual({ status: 'claimed', attempt: 1 });
    expect(await store.completeBriefing('k', 'A', { state: 'posted', messageId: 'm', at: q.at })).toBe(true);
    expect((await store.claimBriefing({ ...request, owner: 'B' })).status).toBe('done');
    expect(await store.briefingHistory('slack', 'C1', 5)).toEqual([]);
    expect(await store.purge(q.at)).toEqual({ events: 0, questions: 0, feedback: 0, briefings: 0, documents: 0 });
    await expect(store.close()).resolves.toBeUndefined();
    expect(store.healthy).toBe(false);
    expect(errors(logger).map((l) => l.fields?.code)).toEqual(['ECONNRESET']);
  });

  it('a shared store (replicas) down: a briefing claim is busy, not taken in memory; rate limits count in this process', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const rejecting = new Proxy({} as SanadStore & SharedRateLimits, { get: () => () => Promise.reject(down) });
    const store = new ResilientStore(rejecting, recordingLogger(), { shared: true });
    const request = { key: 'k', platform: 'slack', channel: 'C1', day: '2026-03-29', owner: 'A', at: q.at, leaseMs: 1000 };
    // Every replica would claim in its own memory and post: wait for the database instead.
    expect(await store.claimBriefing(request)).toEqual({ status: 'busy', retryAt: new Date(q.at.getTime() + 60_000) });
    const checks = [{ key: 'user:U1', limit: 2 }];
    expect((await store.takeRate(checks, 60_000, q.at)).ok).toBe(true);
    expect((await store.takeRate(checks, 60_000, q.at)).ok).toBe(true);
    expect(await store.takeRate(checks, 60_000, q.at)).toEqual({ ok: false, retryAfterMs: 60_000 });
  });

  it('a shared store down: a Discord lease is unavailable (asked again in 2 s), unless this is the sole replica; a Slack lease is taken in memory', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const rejecting = new Proxy({} as SanadStore, { get: () => () => Promise.reject(down) });
    const lease = { key: 'discord:message:1', owner: 'A', at: q.at, leaseMs: 20_000, everyReplica: true };
    // Each replica received the message: a lease in its own memory would have every one answer it.
    const shared = new ResilientStore(rejecting, recordingLogger(), { shared: true });
    expect(await shared.claimLease(lease)).toEqual({ status: 'unavailable', retryAt: new Date(q.at.getTime() + 2000) });
    // A Slack request reached this replica only: answered on a lease in memory.
    expect(await shared.claimLease({ ...lease, key: 'slack:event:Ev1', everyReplica: undefined, payload: '{}' })).toEqual({
      status: 'claimed',
      attempt: 1,
    });
    expect(await shared.unfinishedWork('slack:', q.at, new Date(0), 10)).toEqual([]);
    // SANAD_REPLICAS=1: nobody else has it; answer on a lease in memory, re-deliveries still dropped.
    const sole = new ResilientStore(rejecting, recordingLogger(), { shared: true, soleReplica: true });
    expect(await sole.claimLease(lease)).toEqual({ status: 'claimed', attempt: 1 });
    expect((await sole.claimLease({ ...lease, owner: 'B' })).status).toBe('busy');
  });

  it('a lease taken in memory during an outage is renewed and completed in memory, even once the store is back', async () => {
    let up = false;
    const asked: string[] = [];
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    // Once back, the store knows nothing of a lease it never saw, as PostgreSQL would.
    const flaky = new Proxy({} as SanadStore, {
      get: (_, name) => () => {
        asked.push(String(name));
        return up ? Promise.resolve(false) : Promise.reject(down);
      },
    });
    const logger = recordingLogger();
    const store = new ResilientStore(flaky, logger, { shared: true });
    const lease = { key: 'slack:event:Ev1', owner: 'A', at: q.at, leaseMs: 20_000, payload: '{}' };
    expect(await store.claimLease(lease)).toEqual({ status: 'claimed', attempt: 1 });
    expect(await store.renewLease(lease)).toBe(true);
    up = true;
    asked.length = 0;
    expect(await store.renewLease({ ...lease, at: new Date(q.at.getTime() + 5000) })).toBe(true);
    expect(await store.completeLease(lease.key, lease.owner, new Date(q.at.getTime() + 6000))).toBe(true);
    expect(asked).toEqual([]);
    // Another owner's lease, or one already done, is still the store's to answer.
    expect(await store.renewLease({ ...lease, owner: 'B' })).toBe(false);
    expect(await store.completeLease(lease.key, lease.owner, q.at)).toBe(false);
    expect(asked).toEqual(['renewLease', 'completeLease']);
  });
});
