/**
 * Briefings that cannot be posted (no token for their platform) are said so in the log, and
 * every configured briefing is shown in the web chat's #briefing (item 10).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createBriefingProvider } from '../../src/briefing/provider.js';
import { logUnscheduledBriefings, notPostedReason } from '../../src/briefing/readiness.js';
import { BriefingRunner } from '../../src/briefing/runner.js';
import { parseConfigText } from '../../src/config/file.js';
import type { Logger } from '../../src/core/ports.js';
import type { SqliteStateStore } from '../../src/state/sqlite.js';
import { article } from './helpers.js';
import { dbFile, FakeClock, openStore, quietLogger } from './fakes.js';

const CONFIG = parseConfigText(
  `
channels:
  - platform: slack
    id: C0123SECURITY
    name: "#security"
    briefing: { cron: "0 8 * * 1-5", timezone: Europe/Paris, whenQuiet: highlights }
  - platform: discord
    id: "112233445566778899"
    language: en
    briefing: { cron: "0 9 * * *", timezone: Asia/Riyadh, whenQuiet: highlights }
  - platform: web
    id: lobby
    briefing: { cron: "0 7 * * *", whenQuiet: highlights }
`,
  'sanad.config.yaml',
);

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const make = (): Logger => ({
    debug: (m) => lines.push(`DEBUG ${m}`),
    info: (m) => lines.push(`INFO ${m}`),
    warn: (m) => lines.push(`WARN ${m}`),
    error: (m) => lines.push(`ERROR ${m}`),
    child: () => make(),
  });
  return Object.assign(make(), { lines });
}

const stores: SqliteStateStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

describe('why a briefing is not posted', () => {
  it('is no token for its platform, or being a web briefing', () => {
    const [slack, discord, web] = CONFIG.briefings;
    expect(notPostedReason(slack!, [])).toBe('not_connected');
    expect(notPostedReason(slack!, ['slack'])).toBeNull();
    expect(notPostedReason(discord!, ['slack'])).toBe('not_connected');
    expect(notPostedReason(web!, ['slack', 'discord'])).toBe('web_only');
  });

  it('is logged for each briefing sanad start will not post, naming what to set', () => {
    const logger = recordingLogger();
    logUnscheduledBriefings(logger, CONFIG.briefings, [], true);
    expect(logger.lines).toEqual([
      "WARN briefing slack:C0123SECURITY (#security) not scheduled: no Slack token is set. Set SLACK_BOT_TOKEN (with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET for the bot to run) to post it; the web chat's #briefing shows it meanwhile.",
      "WARN briefing discord:112233445566778899 not scheduled: no Discord token is set. Set DISCORD_TOKEN and DISCORD_APPLICATION_ID to post it; the web chat's #briefing shows it meanwhile.",
      'INFO briefing web:lobby is for the web chat: shown in #briefing, never posted',
    ]);
    const connected = recordingLogger();
    logUnscheduledBriefings(connected, CONFIG.briefings.slice(0, 2), ['slack', 'discord'], false);
    expect(connected.lines).toEqual([]);
  });
});

describe('the web chat lists every configured briefing', () => {
  it('with the web one first, each with its schedule and why it is not posted', async () => {
    const store = openStore(dbFile());
    stores.push(store);
    const clock = new FakeClock('2026-03-29T10:00:00Z');
    const runner = new BriefingRunner({ store, documents: () => [article()], posters: {}, logger: quietLogger, clock });
    const provider = createBriefingProvider({
      runner,
      store,
      briefings: CONFIG.briefings,
      connected: ['discord'],
      logger: quietLogger,
      clock,
    });
    expect(provider.channels()).toEqual([
      { key: 'web:lobby', platform: 'web', label: 'lobby', cron: '0 7 * * *', timezone: 'UTC', notPosted: 'web_only' },
      {
        key: 'slack:C0123SECURITY',
        platform: 'slack',
        label: '#security',
        cron: '0 8 * * 1-5',
        timezone: 'Europe/Paris',
        notPosted: 'not_connected',
      },
      {
        key: 'discord:112233445566778899',
        platform: 'discord',
        label: '112233445566778899',
        cron: '0 9 * * *',
        timezone: 'Asia/Riyadh',
        notPosted: null,
      },
    ]);
    // Each channel's own briefing: the Discord one is in English, the default one in Arabic.
    expect((await provider.today('discord:112233445566778899'))!.title).toBe('Daily briefing · 2026-03-29');
    expect((await provider.today())!.channel).toBe('lobby');
    expect((await provider.today('slack:C0123SECURITY'))!.channel).toBe('#security');
    expect(await provider.today('slack:NOPE')).toBeNull();
    expect(await provider.history('slack:NOPE')).toEqual([]);
  });

  it('shows one briefing over all the knowledge when none is configured', async () => {
    const store = openStore(dbFile());
    stores.push(store);
    const clock = new FakeClock('2026-03-29T10:00:00Z');
    const runner = new BriefingRunner({ store, documents: () => [article()], posters: {}, logger: quietLogger, clock });
    const provider = createBriefingProvider({ runner, store, briefings: [], logger: quietLogger, clock });
    expect(provider.channels().map((c) => [c.key, c.notPosted])).toEqual([['web:web', 'web_only']]);
    expect(await provider.today()).not.toBeNull();
  });
});
