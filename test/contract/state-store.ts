/**
 * The state store contract: what every `SanadStore` (SQLite, PostgreSQL) must do, run by each
 * implementation's test file. `connect()` opens another connection to the same database, as a
 * second process (a replica) would: the exactly-once promises are checked across two of them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { QuestionRecord } from '../../src/core/state.js';
import type { SanadStore } from '../../src/state/types.js';

export interface StateStoreBed {
  /** A new connection to this test's database. */
  connect(): Promise<SanadStore>;
  /** Removes the database (after every connection is closed). */
  destroy(): Promise<void>;
}

const T0 = new Date('2026-03-28T10:00:00Z');
const at = (h: number) => new Date(T0.getTime() + h * 3_600_000);

function question(overrides: Partial<QuestionRecord> = {}): QuestionRecord {
  return {
    platform: 'slack',
    channel: 'C1',
    user: 'U1',
    question: 'من هو سفير فرنسا لدى الأمم المتحدة؟',
    answer: 'فرنسوا ديلاتر [1]',
    abstained: false,
    citations: [{ document: 'a.txt', paragraph: 2, paragraphId: 'a.txt#x' }],
    at: T0,
    ...overrides,
  };
}

export function stateStoreContract(name: string, makeBed: () => Promise<StateStoreBed>, options: { skip?: boolean } = {}): void {
  describe.skipIf(options.skip)(`state store contract: ${name}`, () => {
    let bed: StateStoreBed | null = null;
    const open: SanadStore[] = [];
    async function connect(): Promise<SanadStore> {
      bed ??= await makeBed();
      const store = await bed.connect();
      open.push(store);
      return store;
    }
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close();
      await bed?.destroy();
      bed = null;
    });

    it('claims an event once, across two connections, even when they race', async () => {
      const [a, b] = [await connect(), await connect()];
      expect(await a.claimEvent('slack:Ev1', T0)).toBe(true);
      expect(await b.claimEvent('slack:Ev1', T0)).toBe(false);
      expect(await a.claimEvent('slack:Ev1', T0)).toBe(false);
      const race = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claimEvent('slack:Ev2', T0)));
      expect(race.filter(Boolean)).toHaveLength(1);
    });

    it('leases a message to one replica; the others see it busy until it runs out, then one takes it over; done is final', async () => {
      const [a, b] = [await connect(), await connect()];
      const lease = { key: 'discord:message:1', leaseMs: 20_000 };
      const later = (ms: number) => new Date(T0.getTime() + ms);
      expect(await a.claimLease({ ...lease, owner: 'A', at: T0 })).toEqual({ status: 'claimed', attempt: 1 });
      expect(await b.claimLease({ ...lease, owner: 'B', at: later(1000) })).toEqual({ status: 'busy', expiresAt: later(20_000) });
      // Its own holder does not claim it twice (a replayed gateway event while answering).
      expect((await a.claimLease({ ...lease, owner: 'A', at: later(1000) })).status).toBe('busy');
      // Renewed while answering: still busy past the first expiry.
      expect(await a.renewLease({ ...lease, owner: 'A', at: later(15_000) })).toBe(true);
      expect(await b.claimLease({ ...lease, owner: 'B', at: later(21_000) })).toEqual({ status: 'busy', expiresAt: later(35_000) });
      expect(await b.renewLease({ ...lease, owner: 'B', at: later(21_000) })).toBe(false);
      // The holder dies: after the lease, one of two racing replicas takes it over.
      const race = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).claimLease({ ...lease, owner: `R${i}`, at: later(36_000) })),
      );
      expect(race.filter((c) => c.status === 'claimed')).toEqual([{ status: 'claimed', attempt: 2 }]);
      const taker = `R${race.findIndex((c) => c.status === 'claimed')}`;
      // The dead holder's late completion does not count; the taker's does, and ends the lease for good.
      expect(await a.completeLease(lease.key, 'A', later(37_000))).toBe(false);
      expect(await b.completeLease(lease.key, taker, later(38_000))).toBe(true);
      expect(await a.claimLease({ ...lease, owner: 'A', at: later(600_000) })).toEqual({ status: 'done' });
      expect(await b.renewLease({ ...lease, owner: taker, at: later(600_000) })).toBe(false);
      expect(await a.claimLease({ ...lease, key: 'discord:message:2', owner: 'A', at: T0 })).toEqual({ status: 'claimed', attempt: 1 });
    });

    it('counts questions, declines and votes per channel and time range, from every connection', async () => {
      const [a, b] = [await connect(), await connect()];
      await a.recordQuestion(question({ at: at(0) }));
      await b.recordQuestion(question({ question: 'من فاز بكأس العالم 2018؟', answer: '', abstained: true, at: at(1) }));
      await a.recordQuestion(question({ question: 'من فاز بكأس العالم 2018؟', answer: '', abstained: true, at: at(2) }));
      await b.recordQuestion(question({ question: 'ما عاصمة كندا؟', answer: '', abstained: true, at: at(3) }));
      await a.recordQuestion(question({ channel: 'C2', at: at(1) }));
      await a.recordQuestion(question({ at: at(30) })); // the next day
      const vote = (store: SanadStore, v: 'up' | 'down', h: number, channel = 'C1') =>
        store.recordFeedback({ platform: 'slack', channel, user: 'U2', vote: v, question: 'q', answer: 'a', citations: [], at: at(h) });
      await vote(a, 'up', 1);
      await vote(b, 'up', 2);
      await vote(b, 'down', 3);
      await vote(a, 'down', 3, 'C2');
      const expected = {
        asked: 4,
        answered: 1,
        declined: 3,
        up: 2,
        down: 1,
        declinedQuestions: ['من فاز بكأس العالم 2018؟', 'ما عاصمة كندا؟'],
      };
      expect(await a.questionStats('slack', 'C1', T0, at(24))).toEqual(expected);
      expect(await b.questionStats('slack', 'C1', T0, at(24))).toEqual(expected);
      expect((await a.questionStats('discord', 'C1', T0, at(24))).asked).toBe(0);
    });

    it('keeps no secret: a token pasted into a question is redacted before it is stored', async () => {
      const s = await connect();
      await s.recordQuestion(question({ question: 'is xoxb-1234-5678-abcdefghij my token?', abstained: true }));
      const [kept] = (await s.questionStats('slack', 'C1', new Date(0), at(1))).declinedQuestions;
      expect(kept).toContain('[redacted]');
      expect(kept).not.toContain('abcdefghij');
    });

    it('claims a briefing exactly once across two connections; only the holder completes it', async () => {
      const [a, b] = [await connect(), await connect()];
      const request = { key: 'slack:C1:2026-03-29', platform: 'slack', channel: 'C1', day: '2026-03-29', at: T0, leaseMs: 60_000 };
      expect(await a.claimBriefing({ ...request, owner: 'A' })).toEqual({ status: 'claimed', attempt: 1 });
      expect(await b.claimBriefing({ ...request, owner: 'B' })).toEqual({ status: 'busy', retryAt: new Date(T0.getTime() + 60_000) });
      expect(await b.completeBriefing(request.key, 'B', { state: 'posted', messageId: 'x', at: T0 })).toBe(false);
      expect(await a.completeBriefing(request.key, 'A', { state: 'posted', messageId: '1711.0001', content: '{}', at: T0 })).toBe(true);
      const done = await b.claimBriefing({ ...request, owner: 'B', at: new Date(T0.getTime() + 120_000) });
      expect(done.status).toBe('done');
      expect(done.status === 'done' && done.entry.messageId).toBe('1711.0001');
      expect(await b.briefing(request.key)).toMatchObject({ state: 'posted', owner: 'A', attempts: 1, postedAt: T0, content: '{}' });
    });

    it('ten replicas racing for one briefing: one claim', async () => {
      const stores = [await connect(), await connect()];
      const request = { key: 'slack:C9:2026-03-29', platform: 'slack', channel: 'C9', day: '2026-03-29', at: T0, leaseMs: 60_000 };
      const claims = await Promise.all(Array.from({ length: 10 }, (_, i) => stores[i % 2]!.claimBriefing({ ...request, owner: `R${i}` })));
      expect(claims.filter((c) => c.status === 'claimed')).toHaveLength(1);
      expect(claims.filter((c) => c.status === 'busy')).toHaveLength(9);
    });

    it('lets another owner take over an abandoned claim after the lease, counting the attempt; a released claim is free at once', async () => {
      const [a, b] = [await connect(), await connect()];
      const request = { key: 'k', platform: 'slack', channel: 'C1', day: '2026-03-29', leaseMs: 60_000 };
      await a.claimBriefing({ ...request, owner: 'A', at: T0 });
      expect((await b.claimBriefing({ ...request, owner: 'B', at: new Date(T0.getTime() + 59_000) })).status).toBe('busy');
      expect(await b.claimBriefing({ ...request, owner: 'B', at: new Date(T0.getTime() + 61_000) })).toEqual({
        status: 'claimed',
        attempt: 2,
      });
      expect(await a.completeBriefing('k', 'A', { state: 'posted', messageId: 'late', at: T0 })).toBe(false);
      await b.releaseBriefing('k', 'B');
      expect(await a.claimBriefing({ ...request, owner: 'C', at: new Date(T0.getTime() + 62_000) })).toEqual({
        status: 'claimed',
        attempt: 3,
      });
    });

    it('finds the last briefing before a day and the posted history, newest first', async () => {
      const s = await connect();
      const claim = { platform: 'slack', channel: 'C1', owner: 'A', leaseMs: 1000 };
      for (const [day, state] of [
        ['2026-03-26', 'posted'],
        ['2026-03-27', 'skipped'],
        ['2026-03-28', 'posted'],
      ] as const) {
        const when = new Date(`${day}T07:00:00Z`);
        await s.claimBriefing({ ...claim, key: `slack:C1:${day}`, day, at: when });
        await s.completeBriefing(`slack:C1:${day}`, 'A', { state, messageId: state === 'posted' ? day : null, at: when });
      }
      expect((await s.lastBriefing('slack', 'C1', new Date('2026-03-28T00:00:00Z')))?.day).toBe('2026-03-27');
      expect((await s.lastBriefing('slack', 'C1'))?.day).toBe('2026-03-28');
      expect(await s.lastBriefing('slack', 'C2')).toBeNull();
      expect((await s.briefingHistory('slack', 'C1', 5)).map((e) => e.day)).toEqual(['2026-03-28', '2026-03-26']);
      expect(await s.briefing('nope')).toBeNull();
    });

    it('keeps a knowledge log: added, changed, removed, and what changed since a time', async () => {
      const s = await connect();
      const doc = (document: string, hash: string) => ({ document, collection: 'main', title: document, hash });
      const t1 = new Date('2026-03-01T00:00:00Z');
      const t2 = new Date('2026-03-02T00:00:00Z');
      const t3 = new Date('2026-03-03T00:00:00Z');
      expect(await s.recordDocuments([doc('a.txt', 'h1'), doc('b.txt', 'h2')], t1)).toEqual({
        added: ['a.txt', 'b.txt'],
        changed: [],
        removed: [],
      });
      expect(await s.recordDocuments([doc('a.txt', 'h1'), doc('b.txt', 'h2b'), doc('c.txt', 'h3')], t2)).toEqual({
        added: ['c.txt'],
        changed: ['b.txt'],
        removed: [],
      });
      expect(await s.recordDocuments([doc('a.txt', 'h1'), doc('c.txt', 'h3')], t3)).toEqual({ added: [], changed: [], removed: ['b.txt'] });
      expect((await s.knowledgeChangedSince(t1)).map((d) => d.document)).toEqual(['c.txt']);
      const [c] = await s.knowledgeChangedSince(t1);
      expect(c!.firstSeen).toEqual(t2);
      expect((await s.knowledgeChangedSince(new Date(0))).map((d) => d.document)).toEqual(['a.txt', 'c.txt']);
      // b.txt back: added again.
      expect(await s.recordDocuments([doc('a.txt', 'h1'), doc('b.txt', 'h2b'), doc('c.txt', 'h3')], t3)).toEqual({
        added: ['b.txt'],
        changed: [],
        removed: [],
      });
    });

    it('keeps the work with its lease until done: another connection finds it once the lease runs out, and takes it over', async () => {
      const [a, b] = [await connect(), await connect()];
      const later = (ms: number) => new Date(T0.getTime() + ms);
      const lease = { leaseMs: 20_000, at: T0 };
      const body = JSON.stringify({ event_id: 'Ev1', event: { type: 'app_mention', text: 'من هو سفير فرنسا؟' } });
      await a.claimLease({ ...lease, key: 'slack:event:Ev1', owner: 'A', payload: body });
      await a.claimLease({ ...lease, key: 'slack:event:Ev2', owner: 'A', at: later(1), payload: '{"n":2}' });
      await a.claimLease({ ...lease, key: 'slack:event:Ev3', owner: 'A', at: later(2), payload: '{"n":3}' });
      await a.claimLease({ ...lease, key: 'discord:message:1', owner: 'A' }); // no payload: never listed
      expect(await a.completeLease('slack:event:Ev3', 'A', later(5))).toBe(true);
      const since = new Date(T0.getTime() - 60_000);
      // Still leased: nothing to take over.
      expect(await b.unfinishedWork('slack:', later(19_000), since, 10)).toEqual([]);
      // A renews Ev2 and dies holding Ev1: only Ev1 is found, with its body; Ev3 is done.
      expect(await a.renewLease({ key: 'slack:event:Ev2', owner: 'A', at: later(10_000), leaseMs: 20_000 })).toBe(true);
      expect(await b.unfinishedWork('slack:', later(21_000), since, 10)).toEqual([{ key: 'slack:event:Ev1', payload: body }]);
      expect(await b.unfinishedWork('discord:', later(21_000), since, 10)).toEqual([]);
      expect(await b.unfinishedWork('slack:', later(21_000), later(0), 10)).toEqual([]); // first leased before `since`: too old
      // Past Ev2's lease too: oldest first, at most `limit`.
      expect((await b.unfinishedWork('slack:', later(31_000), since, 1)).map((w) => w.key)).toEqual(['slack:event:Ev1']);
      expect((await b.unfinishedWork('slack:', later(31_000), since, 10)).map((w) => w.key)).toEqual([
        'slack:event:Ev1',
        'slack:event:Ev2',
      ]);
      // B takes Ev1 over (attempt 2): leased again, not listed until B's lease runs out; done, never again, and its body is dropped.
      expect(await b.claimLease({ key: 'slack:event:Ev1', owner: 'B', at: later(31_000), leaseMs: 20_000 })).toEqual({
        status: 'claimed',
        attempt: 2,
      });
      expect((await a.unfinishedWork('slack:', later(32_000), since, 10)).map((w) => w.key)).toEqual(['slack:event:Ev2']);
      expect(await b.completeLease('slack:event:Ev1', 'B', later(33_000))).toBe(true);
      expect((await a.unfinishedWork('slack:', later(600_000), since, 10)).map((w) => w.key)).toEqual(['slack:event:Ev2']);
    });

    it('purges rows older than the retention window but keeps open claims', async () => {
      const s = await connect();
      const old = new Date('2026-01-01T00:00:00Z');
      const recent = new Date('2026-03-20T00:00:00Z');
      await s.claimEvent('old', old);
      await s.claimEvent('new', recent);
      await s.claimLease({ key: 'lease-old', owner: 'A', at: old, leaseMs: 1000 });
      await s.claimLease({ key: 'lease-new', owner: 'A', at: recent, leaseMs: 1000 });
      await s.recordQuestion(question({ at: old }));
      await s.recordQuestion(question({ at: recent }));
      await s.recordFeedback({
        platform: 'slack',
        channel: 'C1',
        user: 'U',
        vote: 'up',
        question: 'q',
        answer: 'a',
        citations: [],
        at: old,
      });
      const claim = { platform: 'slack', channel: 'C1', owner: 'A', leaseMs: 1000 };
      await s.claimBriefing({ ...claim, key: 'posted-old', day: '2026-01-01', at: old });
      await s.completeBriefing('posted-old', 'A', { state: 'posted', messageId: '1', at: old });
      await s.claimBriefing({ ...claim, key: 'claimed-old', day: '2026-01-01', at: old });
      await s.recordDocuments([{ document: 'gone.txt', collection: 'main', title: 'g', hash: 'h' }], old);
      await s.recordDocuments([], old);

      expect(await s.purge(new Date('2026-03-01T00:00:00Z'))).toEqual({ events: 2, questions: 1, feedback: 1, briefings: 1, documents: 1 });
      expect((await s.claimLease({ key: 'lease-new', owner: 'B', at: recent, leaseMs: 1000 })).status).toBe('busy');
      expect(await s.claimEvent('old', recent)).toBe(true); // forgotten, so claimable again
      expect(await s.claimEvent('new', recent)).toBe(false);
      expect((await s.briefing('claimed-old'))?.state).toBe('claimed');
      expect(await s.briefing('posted-old')).toBeNull();
      expect((await s.questionStats('slack', 'C1', new Date(0), new Date('2030-01-01'))).asked).toBe(1);
    });
  });
}
