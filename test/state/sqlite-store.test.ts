import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { QuestionRecord } from '../../src/core/state.js';
import { MIGRATIONS, SqliteStateStore } from '../../src/state/index.js';

const open: SqliteStateStore[] = [];
function store(file: string, options: Partial<ConstructorParameters<typeof SqliteStateStore>[0]> = {}): SqliteStateStore {
  const s = new SqliteStateStore({ file, busyTimeoutMs: 50, ...options });
  open.push(s);
  return s;
}
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

function dbFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'sanad-state-')), 'sanad.db');
}

const T0 = new Date('2026-03-28T10:00:00Z');
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

describe('SqliteStateStore on a real file', () => {
  it('migrates a new file to the latest schema with WAL, and reopening keeps the data', async () => {
    const file = dbFile();
    const s = store(file);
    expect(s.schemaVersion).toBe(MIGRATIONS.length);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(await s.claimEvent('slack:Ev1', T0)).toBe(true);
    await s.close();
    const again = store(file);
    expect(await again.claimEvent('slack:Ev1', T0)).toBe(false);
    expect(await again.claimEvent('slack:Ev2', T0)).toBe(true);
  });

  it('upgrades a version-1 database in place, keeping its rows', async () => {
    const file = dbFile();
    const v1 = store(file, { migrations: MIGRATIONS.slice(0, 1) });
    expect(v1.schemaVersion).toBe(1);
    await v1.recordQuestion(question());
    expect(() => v1.db.prepare('SELECT * FROM documents').all()).toThrow(/no such table/);
    await v1.close();
    const latest = store(file);
    expect(latest.schemaVersion).toBe(MIGRATIONS.length);
    expect((await latest.questionStats('slack', 'C1', new Date(0), new Date('2030-01-01'))).asked).toBe(1);
    const indexes = latest.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'questions_channel_at'").all();
    expect(indexes).toHaveLength(1);
  });

  it('refuses a database from a newer sanad', async () => {
    const file = dbFile();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => store(file)).toThrow(/newer than this sanad knows/);
  });

  it('counts questions, declines and votes per channel and time range, listing declined questions', async () => {
    const s = store(dbFile());
    const at = (h: number) => new Date(T0.getTime() + h * 3_600_000);
    await s.recordQuestion(question({ at: at(0) }));
    await s.recordQuestion(question({ question: 'من فاز بكأس العالم 2018؟', answer: '', abstained: true, at: at(1) }));
    await s.recordQuestion(question({ question: 'من فاز بكأس العالم 2018؟', answer: '', abstained: true, at: at(2) }));
    await s.recordQuestion(question({ question: 'ما عاصمة كندا؟', answer: '', abstained: true, at: at(3) }));
    await s.recordQuestion(question({ channel: 'C2', at: at(1) }));
    await s.recordQuestion(question({ at: at(30) })); // the next day
    const vote = (v: 'up' | 'down', h: number, channel = 'C1') =>
      s.recordFeedback({ platform: 'slack', channel, user: 'U2', vote: v, question: 'q', answer: 'a', citations: [], at: at(h) });
    await vote('up', 1);
    await vote('up', 2);
    await vote('down', 3);
    await vote('down', 3, 'C2');
    const stats = await s.questionStats('slack', 'C1', T0, at(24));
    expect(stats).toEqual({
      asked: 4,
      answered: 1,
      declined: 3,
      up: 2,
      down: 1,
      declinedQuestions: ['من فاز بكأس العالم 2018؟', 'ما عاصمة كندا؟'],
    });
    expect((await s.questionStats('discord', 'C1', T0, at(24))).asked).toBe(0);
  });

  it('stores no secrets: a token pasted into a question is redacted', async () => {
    const s = store(dbFile());
    await s.recordQuestion(question({ question: 'is xoxb-1234-5678-abcdefghij my token?', abstained: true }));
    const raw = JSON.stringify(s.db.prepare('SELECT * FROM questions').all());
    expect(raw).not.toContain('abcdefghij');
    expect(raw).toContain('[redacted]');
    const columns = s.db
      .prepare("SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'")
      .all() as { c: string }[];
    expect(columns.map((c) => c.c).filter((c) => /token|secret|key_|password/i.test(c))).toEqual([]);
  });

  it('claims a briefing exactly once across two connections to the same file', async () => {
    const file = dbFile();
    const a = store(file);
    const b = store(file);
    const request = { key: 'slack:C1:2026-03-29', platform: 'slack', channel: 'C1', day: '2026-03-29', at: T0, leaseMs: 60_000 };
    expect(await a.claimBriefing({ ...request, owner: 'A' })).toEqual({ status: 'claimed', attempt: 1 });
    const busy = await b.claimBriefing({ ...request, owner: 'B' });
    expect(busy).toEqual({ status: 'busy', retryAt: new Date(T0.getTime() + 60_000) });
    // B cannot complete A's claim.
    expect(await b.completeBriefing(request.key, 'B', { state: 'posted', messageId: 'x', at: T0 })).toBe(false);
    expect(await a.completeBriefing(request.key, 'A', { state: 'posted', messageId: '1711.0001', content: '{}', at: T0 })).toBe(true);
    const done = await b.claimBriefing({ ...request, owner: 'B', at: new Date(T0.getTime() + 120_000) });
    expect(done.status).toBe('done');
    expect(done.status === 'done' && done.entry.messageId).toBe('1711.0001');
  });

  it('lets another owner take over an abandoned claim after the lease, counting the attempt', async () => {
    const s = store(dbFile());
    const request = { key: 'k', platform: 'slack', channel: 'C1', day: '2026-03-29', leaseMs: 60_000 };
    await s.claimBriefing({ ...request, owner: 'A', at: T0 });
    expect((await s.claimBriefing({ ...request, owner: 'B', at: new Date(T0.getTime() + 59_000) })).status).toBe('busy');
    expect(await s.claimBriefing({ ...request, owner: 'B', at: new Date(T0.getTime() + 61_000) })).toEqual({
      status: 'claimed',
      attempt: 2,
    });
    // A released claim is free at once.
    await s.releaseBriefing('k', 'B');
    expect(await s.claimBriefing({ ...request, owner: 'C', at: new Date(T0.getTime() + 62_000) })).toEqual({
      status: 'claimed',
      attempt: 3,
    });
  });

  it('keeps a knowledge log: added, changed, removed, and what changed since a time', async () => {
    const s = store(dbFile());
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
  });

  it('purges rows older than the retention window but keeps open claims', async () => {
    const s = store(dbFile());
    const old = new Date('2026-01-01T00:00:00Z');
    const recent = new Date('2026-03-20T00:00:00Z');
    await s.claimEvent('old', old);
    await s.claimEvent('new', recent);
    await s.recordQuestion(question({ at: old }));
    await s.recordQuestion(question({ at: recent }));
    await s.recordFeedback({ platform: 'slack', channel: 'C1', user: 'U', vote: 'up', question: 'q', answer: 'a', citations: [], at: old });
    const claim = { platform: 'slack', channel: 'C1', owner: 'A', leaseMs: 1000 };
    await s.claimBriefing({ ...claim, key: 'posted-old', day: '2026-01-01', at: old });
    await s.completeBriefing('posted-old', 'A', { state: 'posted', messageId: '1', at: old });
    await s.claimBriefing({ ...claim, key: 'claimed-old', day: '2026-01-01', at: old });
    await s.recordDocuments([{ document: 'gone.txt', collection: 'main', title: 'g', hash: 'h' }], old);
    await s.recordDocuments([], old);

    const cutoff = new Date('2026-03-01T00:00:00Z');
    expect(await s.purge(cutoff)).toEqual({ events: 1, questions: 1, feedback: 1, briefings: 1, documents: 1 });
    expect(await s.claimEvent('old', recent)).toBe(true); // forgotten, so claimable again
    expect(await s.claimEvent('new', recent)).toBe(false);
    expect((await s.briefing('claimed-old'))?.state).toBe('claimed');
    expect(await s.briefing('posted-old')).toBeNull();
    expect((await s.questionStats('slack', 'C1', new Date(0), new Date('2030-01-01'))).asked).toBe(1);
  });

  it('open() creates the data folder, and fails with a SanadError when the folder is a file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-data-'));
    const s = SqliteStateStore.open(join(dir, 'nested', 'data'));
    open.push(s);
    expect(s.file).toBe(join(dir, 'nested', 'data', 'sanad.db'));
    writeFileSync(join(dir, 'blocked'), 'not a folder');
    expect(() => SqliteStateStore.open(join(dir, 'blocked'))).toThrow(/cannot be created/);
  });
});
