import { afterEach, describe, expect, it } from 'vitest';
import { BriefingRunner, type RunOutcome } from '../../src/briefing/runner.js';
import { BriefingScheduler } from '../../src/briefing/scheduler.js';
import type { BriefingConfig } from '../../src/config/file.js';
import type { SqliteStateStore } from '../../src/state/sqlite.js';
import { article } from './helpers.js';
import { dbFile, FakeClock, openStore, parisBriefing, quietLogger, RecordingPoster } from './fakes.js';

const ART = article();
const stores: SqliteStateStore[] = [];
const schedulers: BriefingScheduler[] = [];
afterEach(async () => {
  for (const s of schedulers.splice(0)) s.stop();
  for (const s of stores.splice(0)) await s.close();
});

function setup(options: {
  file?: string;
  clock: FakeClock;
  poster: RecordingPoster;
  briefings?: BriefingConfig[];
  owner?: string;
  graceHours?: number;
}) {
  const store = openStore(options.file ?? dbFile());
  stores.push(store);
  const outcomes: RunOutcome[] = [];
  const runner = new BriefingRunner({
    store,
    documents: () => [ART],
    posters: { slack: options.poster, discord: options.poster },
    logger: quietLogger,
    clock: options.clock,
    ...(options.owner ? { owner: options.owner } : {}),
  });
  const scheduler = new BriefingScheduler({
    runner,
    briefings: options.briefings ?? [parisBriefing()],
    logger: quietLogger,
    clock: options.clock,
    timers: options.clock,
    ...(options.graceHours !== undefined ? { graceHours: options.graceHours } : {}),
    onOutcome: (_c, o) => outcomes.push(o),
  });
  schedulers.push(scheduler);
  return { store, runner, scheduler, outcomes };
}

describe('BriefingScheduler with a fake clock', () => {
  it('posts at 08:00 Paris time every day across the spring DST change (2026-03-29)', async () => {
    const clock = new FakeClock('2026-03-27T20:00:00Z'); // 12 h after the last 08:00: beyond the grace window
    const poster = new RecordingPoster();
    const { scheduler, store } = setup({ clock, poster });
    scheduler.start();
    expect(scheduler.nextRuns()[0]!.at).toEqual(new Date('2026-03-28T07:00:00Z')); // UTC+1
    const times: string[] = [];
    for (const to of ['2026-03-28T12:00:00Z', '2026-03-29T12:00:00Z', '2026-03-30T12:00:00Z']) {
      await clock.advanceTo(to, [scheduler]);
      times.push((await store.briefing(`slack:C1:${to.slice(0, 10)}`))!.postedAt!.toISOString());
    }
    // 08:00 local is 07:00Z before the change and 06:00Z after it.
    expect(times).toEqual(['2026-03-28T07:00:00.000Z', '2026-03-29T06:00:00.000Z', '2026-03-30T06:00:00.000Z']);
    expect(poster.posts.map((p) => p.rendered.day)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    // The first briefing brings the article; later ones, with nothing new, its highlights.
    expect(poster.posts[0]!.rendered.markdown).toContain('جهود فرنسا في مكافحة الإرهاب');
    expect(poster.posts[1]!.rendered.markdown).toContain('أبرز ما في المعرفة');
    expect(poster.posts[0]!.rendered.slack!.blocks.length).toBeGreaterThan(2);
  });

  it('a 02:30 briefing runs once on both DST days: at 03:00 when 02:30 is skipped, once when it repeats', async () => {
    const clock = new FakeClock('2026-03-28T12:00:00Z');
    const poster = new RecordingPoster();
    const { scheduler, store } = setup({ clock, poster, briefings: [parisBriefing({ cron: '30 2 * * *' })] });
    scheduler.start();
    await clock.advanceTo('2026-03-29T12:00:00Z', [scheduler]);
    expect((await store.briefing('slack:C1:2026-03-29'))!.postedAt).toEqual(new Date('2026-03-29T01:00:00Z')); // 03:00 CEST
    scheduler.stop();

    const autumn = new FakeClock('2026-10-24T12:00:00Z');
    const second = setup({ clock: autumn, poster, briefings: [parisBriefing({ cron: '30 2 * * *', channel: 'C2' })] });
    second.scheduler.start();
    await autumn.advanceTo('2026-10-25T12:00:00Z', [second.scheduler]);
    const october = poster.posts.filter((p) => p.channel === 'C2');
    expect(october.map((p) => p.rendered.day)).toEqual(['2026-10-25']);
    expect((await second.store.briefing('slack:C2:2026-10-25'))!.postedAt).toEqual(new Date('2026-10-25T00:30:00Z')); // the first 02:30, CEST
  });

  it('two schedulers on the same database firing at once post once', async () => {
    const file = dbFile();
    const clock = new FakeClock('2026-03-28T06:59:00Z');
    const poster = new RecordingPoster({ delayMs: 5 });
    const a = setup({ file, clock, poster, owner: 'A' });
    const b = setup({ file, clock, poster, owner: 'B' });
    a.scheduler.start();
    b.scheduler.start();
    await clock.advanceTo('2026-03-28T09:00:00Z', [a.scheduler, b.scheduler]);
    expect(poster.posts).toHaveLength(1);
    const statuses = [...a.outcomes, ...b.outcomes].map((o) => o.status).sort();
    expect(statuses).toContain('posted');
    expect(statuses.filter((s) => s === 'posted')).toHaveLength(1);
  });

  it('a restart after posting does not post again; a restart after missing it posts it within the grace window', async () => {
    const file = dbFile();
    const poster = new RecordingPoster();
    const clock = new FakeClock('2026-03-28T06:00:00Z');
    const first = setup({ file, clock, poster, owner: 'A' });
    first.scheduler.start();
    await clock.advanceTo('2026-03-28T07:30:00Z', [first.scheduler]);
    expect(poster.posts).toHaveLength(1);
    first.scheduler.stop(); // "restart"

    const restarted = setup({ file, clock, poster, owner: 'B' });
    restarted.scheduler.start();
    await clock.advanceTo('2026-03-28T08:00:00Z', [restarted.scheduler]);
    expect(poster.posts).toHaveLength(1);
    expect(restarted.outcomes.map((o) => o.status)).toEqual(['done']);
    restarted.scheduler.stop();

    // Down over the next 08:00; back at 10:30 (2.5 h late, within 6 h): posted at start.
    const late = new FakeClock('2026-03-29T08:30:00Z');
    const third = setup({ file, clock: late, poster, owner: 'C' });
    third.scheduler.start();
    await late.advanceTo('2026-03-29T08:31:00Z', [third.scheduler]);
    expect(poster.posts.map((p) => p.rendered.day)).toEqual(['2026-03-28', '2026-03-29']);
  });

  it('a briefing missed by more than the grace window is not posted late', async () => {
    const clock = new FakeClock('2026-03-28T14:00:00Z'); // 08:00Z was 7 h ago
    const poster = new RecordingPoster();
    const { scheduler } = setup({ clock, poster, graceHours: 6 });
    scheduler.start();
    await clock.advanceTo('2026-03-28T15:00:00Z', [scheduler]);
    expect(poster.posts).toHaveLength(0);
    await clock.advanceTo('2026-03-29T07:00:00Z', [scheduler]);
    expect(poster.posts.map((p) => p.rendered.day)).toEqual(['2026-03-29']);
  });

  it('a crash after claiming: with findPosted the earlier post is recorded, not repeated', async () => {
    const file = dbFile();
    const poster = new RecordingPoster({ findable: true });
    // The crashed process claimed and posted, but died before recording it.
    const crashed = openStore(file);
    stores.push(crashed);
    await crashed.claimBriefing({
      key: 'slack:C1:2026-03-28',
      platform: 'slack',
      channel: 'C1',
      day: '2026-03-28',
      owner: 'dead',
      at: new Date('2026-03-28T07:00:00Z'),
      leaseMs: 120_000,
    });
    poster.posts.push({ channel: 'C1', rendered: { key: 'slack:C1:2026-03-28', day: '2026-03-28', markdown: 'x' } });

    const clock = new FakeClock('2026-03-28T07:01:00Z'); // still inside the dead claim's lease
    const { scheduler, outcomes, store } = setup({ file, clock, poster, owner: 'B' });
    scheduler.start();
    await clock.advanceTo('2026-03-28T07:10:00Z', [scheduler]);
    expect(outcomes.map((o) => o.status)).toEqual(['busy', 'recovered']);
    expect(poster.posts).toHaveLength(1);
    expect(await store.briefing('slack:C1:2026-03-28')).toMatchObject({ state: 'posted', messageId: 'm1', attempts: 2 });
  });

  it('a crash after claiming: without findPosted it is posted again, once', async () => {
    const file = dbFile();
    const poster = new RecordingPoster();
    const crashed = openStore(file);
    stores.push(crashed);
    await crashed.claimBriefing({
      key: 'slack:C1:2026-03-28',
      platform: 'slack',
      channel: 'C1',
      day: '2026-03-28',
      owner: 'dead',
      at: new Date('2026-03-28T07:00:00Z'),
      leaseMs: 120_000,
    });
    const clock = new FakeClock('2026-03-28T07:30:00Z');
    const { scheduler, store } = setup({ file, clock, poster, owner: 'B' });
    scheduler.start();
    await clock.advanceTo('2026-03-28T08:00:00Z', [scheduler]);
    expect(poster.posts).toHaveLength(1);
    expect(await store.briefing('slack:C1:2026-03-28')).toMatchObject({ state: 'posted', attempts: 2 });
  });

  it('a failed post is retried later the same day and posted once', async () => {
    const clock = new FakeClock('2026-03-28T06:59:00Z');
    const poster = new RecordingPoster();
    poster.failNext = 2;
    const { scheduler, outcomes } = setup({ clock, poster });
    scheduler.start();
    await clock.advanceTo('2026-03-28T08:00:00Z', [scheduler]);
    expect(outcomes.map((o) => o.status)).toEqual(['failed', 'failed', 'posted']);
    expect(poster.posts).toHaveLength(1);
  });

  it('whenQuiet skip with nothing new records a skip and posts nothing', async () => {
    const file = dbFile();
    const clock = new FakeClock('2026-03-28T06:59:00Z');
    const poster = new RecordingPoster();
    const { scheduler, store } = setup({ file, clock, poster, briefings: [parisBriefing({ whenQuiet: 'skip' })] });
    scheduler.start();
    await clock.advanceTo('2026-03-29T07:00:00Z', [scheduler]);
    // Day one has the article (new); day two nothing new and no questions: skipped.
    expect(poster.posts.map((p) => p.rendered.day)).toEqual(['2026-03-28']);
    expect((await store.briefing('slack:C1:2026-03-29'))!.state).toBe('skipped');
  });
});
