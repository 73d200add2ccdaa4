import { afterEach, describe, expect, it } from 'vitest';
import type { BriefingProvider } from '../../src/adapters/web/types.js';
import { runBriefingCommand } from '../../src/briefing/command.js';
import { createBriefingProvider } from '../../src/briefing/provider.js';
import { BriefingRunner } from '../../src/briefing/runner.js';
import { parseConfigText } from '../../src/config/file.js';
import type { KnowledgeDocument } from '../../src/core/knowledge/types.js';
import { SanadError } from '../../src/core/errors.js';
import type { SqliteStateStore } from '../../src/state/sqlite.js';
import { addedNote, article } from './helpers.js';
import { dbFile, FakeClock, openStore, quietLogger, RecordingPoster } from './fakes.js';

const CONFIG = parseConfigText(
  `
channels:
  - platform: slack
    id: C0NEWS
    name: "#news"
    briefing: { cron: "0 8 * * *", timezone: Asia/Riyadh, whenQuiet: skip }
  - platform: discord
    id: "1122"
    collections: [security]
    briefing: { cron: "0 9 * * 1-5", timezone: Europe/Paris, whenQuiet: highlights, language: en }
`,
  'sanad.config.yaml',
);

const stores: SqliteStateStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

function setup(documents: KnowledgeDocument[]) {
  const store = openStore(dbFile());
  stores.push(store);
  const clock = new FakeClock('2026-03-29T10:00:00Z');
  const poster = new RecordingPoster();
  const docs = [...documents];
  const runner = new BriefingRunner({ store, documents: () => docs, posters: { slack: poster }, logger: quietLogger, clock });
  return { store, clock, poster, runner, docs };
}

describe('runBriefingCommand', () => {
  it('prints the briefing as markdown without posting, and as JSON', async () => {
    const { runner, poster, clock } = setup([article()]);
    const md = await runBriefingCommand({ channel: 'C0NEWS' }, { config: CONFIG, runner, clock });
    expect(md.exitCode).toBe(0);
    expect(md.output).toContain('# الموجز اليومي · 2026-03-29');
    expect(md.output).toMatch(/«.+» \(جهود فرنسا في مكافحة الإرهاب داخليا وعلى المستوى الأممي · ¶\d+/);
    expect(poster.posts).toHaveLength(0);
    const json = await runBriefingCommand({ channel: 'slack:C0NEWS', date: '2026-03-28', json: true }, { config: CONFIG, runner });
    const parsed = JSON.parse(json.output) as { key: string; briefing: { date: string; documents: unknown[] } };
    expect(parsed.key).toBe('slack:C0NEWS:2026-03-28');
    expect(parsed.briefing.date).toBe('2026-03-28');
  });

  it('--post posts once; a second --post the same day does not post again', async () => {
    const { runner, poster, clock } = setup([article()]);
    const first = await runBriefingCommand({ channel: '#news', post: true }, { config: CONFIG, runner, clock });
    expect(first).toEqual({ exitCode: 0, output: 'Posted the briefing slack:C0NEWS:2026-03-29.' });
    const again = await runBriefingCommand({ channel: 'C0NEWS', post: true }, { config: CONFIG, runner, clock });
    expect(again.output).toContain('not posting it twice');
    expect(poster.posts).toHaveLength(1);
    // No Discord poster was given: say so, exit 1.
    const discord = await runBriefingCommand({ channel: '1122', post: true }, { config: CONFIG, runner, clock });
    expect(discord.exitCode).toBe(1);
    expect(discord.output).toContain('no discord token');
  });

  it('rejects an unknown channel (listing the configured ones) and a bad date', async () => {
    const { runner } = setup([article()]);
    const unknown = await runBriefingCommand({ channel: 'C404' }, { config: CONFIG, runner }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(SanadError);
    expect((unknown as SanadError).hint).toContain('slack:C0NEWS (#news), discord:1122');
    await expect(runBriefingCommand({ channel: 'C0NEWS', date: '2026-02-30' }, { config: CONFIG, runner })).rejects.toThrow(/YYYY-MM-DD/);
  });

  it('a document added while running shows up in the next briefing, and only in its collections', async () => {
    const { runner, docs, clock } = setup([article()]);
    await runBriefingCommand({ channel: 'C0NEWS', post: true }, { config: CONFIG, runner, clock });
    await clock.advanceTo('2026-03-30T06:00:00Z');
    docs.push(addedNote()); // dropped into knowledge/security/ while the bot runs
    const news = await runBriefingCommand({ channel: 'C0NEWS', json: true }, { config: CONFIG, runner, clock });
    const all = JSON.parse(news.output) as {
      briefing: { documents: { document: string; status: string; points: { quote: string; paragraph: number }[] }[] };
    };
    // The article was in yesterday's briefing: only the runbook is new.
    expect(all.briefing.documents.map((d) => [d.document, d.status])).toEqual([['security/incident-response.md', 'new']]);
    const note = addedNote();
    for (const p of all.briefing.documents[0]!.points) expect(note.paragraphs[p.paragraph - 1]!.text).toContain(p.quote);

    const security = await runBriefingCommand({ channel: '1122' }, { config: CONFIG, runner, clock });
    expect(security.output).toContain('# Daily briefing · 2026-03-30');
    expect(security.output).toContain('Incident response runbook');
    expect(security.output).not.toContain('جهود فرنسا');
  });
});

describe('web briefing provider', () => {
  it('gives today on demand and the posted history, as BriefingViews', async () => {
    const { runner, store, clock } = setup([article()]);
    const briefing = CONFIG.briefings[0]!;
    const provider = createBriefingProvider({
      runner,
      store,
      briefings: [briefing],
      logger: quietLogger,
      clock,
    }) satisfies BriefingProvider;
    expect(await provider.history()).toEqual([]);
    const today = await provider.today();
    expect(today!.channel).toBe('#news');
    expect(today!.citations.length).toBeGreaterThanOrEqual(3);
    await runner.run(briefing, clock.now());
    const history = await provider.history();
    expect(history).toHaveLength(1);
    expect(history[0]!.date).toBe('2026-03-29');
    expect(history[0]!.text).toContain('[1]');
  });
});
