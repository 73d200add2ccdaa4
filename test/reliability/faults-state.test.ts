/**
 * The SQLite state store fails under a running bot: read-only file, a lock held by another
 * connection, a full disk. Questions through the real Slack adapter are still answered, each
 * cause is logged once, re-deliveries are still dropped, and a briefing is not posted twice.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BriefingRunner } from '../../src/briefing/runner.js';
import { createAssistant, createLogger, type SanadAssistant } from '../../src/core/index.js';
import { ResilientStore, SqliteStateStore } from '../../src/state/index.js';
import { parisBriefing, RecordingPoster } from '../briefing/fakes.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { QUESTIONS } from './helpers/load.js';
import { SlackRig } from './helpers/slack.js';
import { until } from './helpers/stats.js';

let assistant: SanadAssistant;
beforeAll(async () => {
  assistant = await createAssistant({ knowledgeDir: ARTICLE_KNOWLEDGE, cacheDir: null });
});
afterAll(async () => {
  await assistant?.close();
});
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function dbFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'sanad-faults-')), 'sanad.db');
}

function logged(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }) };
}

type Broken = { sqlite: SqliteStateStore; code: string };
const causes: [string, () => Promise<Broken>][] = [
  [
    'read-only',
    async () => {
      const file = dbFile();
      await new SqliteStateStore({ file }).close();
      const sqlite = new SqliteStateStore({ file, readonly: true });
      cleanups.push(() => sqlite.close());
      return { sqlite, code: 'SQLITE_READONLY' };
    },
  ],
  [
    'locked by another connection',
    async () => {
      const file = dbFile();
      const sqlite = new SqliteStateStore({ file, busyTimeoutMs: 20 });
      const other = new Database(file);
      other.exec('BEGIN EXCLUSIVE');
      cleanups.push(() => sqlite.close());
      cleanups.push(() => other.close());
      return { sqlite, code: 'SQLITE_BUSY' };
    },
  ],
  [
    'on a full disk',
    async () => {
      const sqlite = new SqliteStateStore({ file: dbFile() });
      cleanups.push(() => sqlite.close());
      // Cap the file at its current size: no new page can be allocated, as on a full disk.
      sqlite.db.pragma(`max_page_count = ${sqlite.db.pragma('page_count', { simple: true }) as number}`);
      return { sqlite, code: 'SQLITE_FULL' };
    },
  ],
];

describe('the state store fails while Slack questions arrive', () => {
  it.each(causes)('%s: every question answered, the cause logged once, re-deliveries still dropped', async (_name, breakIt) => {
    const { sqlite, code } = await breakIt();
    const state = logged();
    const store = new ResilientStore(sqlite, state.logger);
    const rig = await SlackRig.start({ assistant, store });
    cleanups.push(() => rig.close());
    const sent: { ts: string; eventId: string }[] = [];
    // Long questions make each record bigger than a page, so a full disk shows on the first write.
    for (let i = 0; i < 6; i++) sent.push(await rig.mention(`${QUESTIONS[i % 2]} ${'؟'.repeat(i === 0 ? 3000 : 1)}`, { user: `U${i}` }));
    const again = await rig.mention(QUESTIONS[0]!, { eventId: sent[1]!.eventId, ts: sent[1]!.ts, retryNum: 1 });
    expect(again.status).toBe(200);
    expect(await until(() => rig.answered(sent), 10_000)).toBe(true);
    expect(await until(() => rig.ignoredRedeliveries(sent[1]!.eventId) === 1, 10_000)).toBe(true);
    for (const s of sent) expect(rig.repliesTo(s.ts)).toHaveLength(1);
    const failures = state.lines.filter((l) => l.includes('state store failed'));
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure).toContain(code);
    // Logged once per cause until the store works again. On a full disk a small write (an event id)
    // still fits where a big one (the long question, in its Slack work lease and in the question
    // log) does not, so the store can fail, work, and fail again: never twice without working between.
    const story = state.lines.filter((l) => /state store (failed|works again)/.test(l)).map((l) => (l.includes('failed') ? 'F' : 'W'));
    expect(story.join('')).not.toContain('FF');
    expect(rig.logs.filter((l) => / ERROR /.test(l))).toEqual([]);
  });
});

describe('the state store fails around a briefing', () => {
  it('locked while posting: posted once; once the lock is gone neither the same process nor a restarted one posts it again', async () => {
    const file = dbFile();
    const sqlite = new SqliteStateStore({ file, busyTimeoutMs: 20 });
    cleanups.push(() => sqlite.close());
    const other = new Database(file);
    cleanups.push(() => other.open && other.close());
    const state = logged();
    const store = new ResilientStore(sqlite, state.logger);
    const poster = new RecordingPoster({ findable: true });
    const documents = () => assistant.documents();
    const runner = new BriefingRunner({ store, documents, posters: { slack: poster }, logger: state.logger });
    const config = parisBriefing({ whenQuiet: 'highlights' });
    const at = new Date();

    other.exec('BEGIN EXCLUSIVE');
    expect((await runner.run(config, at)).status).toBe('posted');
    expect((await runner.run(config, at)).status).not.toBe('posted'); // the scheduler's retry, still locked
    other.exec('ROLLBACK');
    other.close();

    const again = await runner.run(config, at); // same process, store back
    expect(again.status).not.toBe('posted');
    const restarted = new BriefingRunner({
      store: new ResilientStore(new SqliteStateStore({ file }), state.logger),
      documents,
      posters: { slack: poster },
      logger: state.logger,
    });
    const afterRestart = await restarted.run(config, at);
    expect(afterRestart.status).not.toBe('posted');
    expect(poster.posts).toHaveLength(1);
    expect(state.lines.filter((l) => l.includes('state store failed'))).toHaveLength(1);
  });
});
