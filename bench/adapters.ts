/**
 * Section 5: the adapters end to end against the local fakes the adapter tests use (fake Slack
 * Web API + signed Events API requests to real Bolt; fake Discord gateway + REST to the real
 * discord.js client), answering with the real assistant over the article. One question at a
 * time, then 50 at once (50 users in 50 channels, rate limits lifted): time from sending the
 * event to the final answer being posted.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createAssistant, type SanadAssistant } from '../src/core/index.js';
import { summarise, type Timing } from './lib/stats.js';
import { table } from './lib/table.js';
import type { SectionOptions, SectionResult } from './sections.js';

const QUESTION = 'من هو سفير فرنسا لدى الأمم المتحدة؟';
const CONCURRENT = 50;
const NO_LIMIT = { perUserPerMinute: 1_000_000, perChannelPerMinute: 1_000_000 };

interface Driver {
  /** Sends one question as the platform would and resolves when the final answer is posted. */
  ask(i: number): Promise<number>;
  close(): Promise<void>;
}

async function until(probe: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the answer to be posted');
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function slackDriver(assistant: SanadAssistant): Promise<Driver> {
  const { SlackTestBed } = await import('../test/slack/helpers/testbed.js');
  const { isProgress } = await import('../test/slack/helpers/flatten.js');
  const bed = await SlackTestBed.start({ assistant, settings: { rateLimit: NO_LIMIT } });
  return {
    async ask(i) {
      const t0 = performance.now();
      // a signed Events API request to Bolt's HTTP receiver; resolves on Bolt's ack
      const ts = await bed.mention(QUESTION, { channel: `C${(i % CONCURRENT) + 1}`, user: `U${i + 1}` });
      await until(() => bed.fake.botMessages().some((m) => m.thread_ts === ts && !isProgress(m)));
      return performance.now() - t0;
    },
    close: () => bed.close(),
  };
}

async function discordDriver(assistant: SanadAssistant): Promise<Driver> {
  const { FakeDiscord } = await import('../test/discord/fake-discord.js');
  const { startBot } = await import('../test/discord/helpers.js');
  const fake = await FakeDiscord.start();
  const bot = await startBot(fake, { assistant, settings: { rateLimit: NO_LIMIT } });
  return {
    async ask(i) {
      const channel = fake.textChannel(`general-${i % CONCURRENT}`);
      const author = fake.user(`user-${i}`);
      const t0 = performance.now();
      // MESSAGE_CREATE over the gateway; the reply comes back over REST
      const posted = fake.post({ channel, author, content: `<@${fake.bot.id}> ${QUESTION}`, mentions: [fake.bot] });
      await until(() =>
        fake
          .botMessages()
          .some((m) => (m.message_reference?.message_id === posted.id || m.channel_id === posted.id) && m.embeds.length > 0),
      );
      return performance.now() - t0;
    },
    close: async () => {
      await bot.stop();
      await fake.close();
    },
  };
}

interface AdapterRow {
  platform: string;
  concurrency: number;
  latency: Timing;
  answersPerSecond: number;
}

async function drive(platform: string, driver: Driver, quick: boolean, log: (line: string) => void): Promise<AdapterRow[]> {
  let next = 0;
  for (let i = 0; i < 3; i++) await driver.ask(next++); // warm-up
  log(`section 5: ${platform}, one at a time`);
  const single: number[] = [];
  const t1 = performance.now();
  for (let i = 0; i < (quick ? 10 : 40); i++) single.push(await driver.ask(next++));
  const singleRate = (single.length / (performance.now() - t1)) * 1000;
  log(`section 5: ${platform}, ${CONCURRENT} at once`);
  const burst: number[] = [];
  let burstMs = 0;
  for (let round = 0; round < (quick ? 1 : 3); round++) {
    const t0 = performance.now();
    const base = next;
    next += CONCURRENT;
    burst.push(...(await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => driver.ask(base + i)))));
    burstMs += performance.now() - t0;
  }
  return [
    { platform, concurrency: 1, latency: summarise(single), answersPerSecond: singleRate },
    { platform, concurrency: CONCURRENT, latency: summarise(burst), answersPerSecond: (burst.length / burstMs) * 1000 },
  ];
}

export async function runAdapters(options: SectionOptions): Promise<SectionResult> {
  const slackReady = existsSync(path.resolve('test/slack/helpers/testbed.ts')) && existsSync(path.resolve('src/adapters/slack/index.ts'));
  const discordReady = existsSync(path.resolve('test/discord/helpers.ts')) && existsSync(path.resolve('src/adapters/discord/index.ts'));
  const rows: AdapterRow[] = [];
  const notes: string[] = [];
  const assistant = await createAssistant({ knowledgeDir: path.resolve('knowledge'), cacheDir: null });
  try {
    for (const [platform, ready, make] of [
      ['Slack (HTTP events)', slackReady, slackDriver],
      ['Discord (gateway)', discordReady, discordDriver],
    ] as const) {
      if (!ready) {
        notes.push(`${platform}: not yet available (its adapter or test fakes are not in the tree).`);
        continue;
      }
      const driver = await make(assistant);
      try {
        rows.push(...(await drive(platform, driver, options.quick, options.log)));
      } finally {
        await driver.close();
      }
    }
  } finally {
    await assistant.close();
  }
  const text = table(
    '5. Adapters: event in to final answer posted, against local fakes (ms)',
    ['platform', 'concurrent', 'answers', 'p50', 'p95', 'p99', 'max', 'answers/s'],
    rows.map((r) => [
      r.platform,
      r.concurrency,
      r.latency.runs,
      r.latency.p50,
      r.latency.p95,
      r.latency.p99,
      r.latency.max,
      r.answersPerSecond,
    ]),
    [
      'Slack: a signed app_mention POSTed to Bolt, until chat.update leaves the final answer in the thread (fake Web API on 127.0.0.1).',
      'Discord: MESSAGE_CREATE over the fake gateway, until the reply with its embed is created over REST.',
      'The bot, the fake platform and the real assistant (article, offline) share this one process; 50 at once = 50 users in 50 channels.',
      ...notes,
    ],
  );
  return { text, data: { question: QUESTION, rows, notes } };
}
