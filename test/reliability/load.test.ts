/**
 * Load, bounded for the suite (npm run soak runs the long version): signed Slack events at the
 * HTTP endpoint, Discord messages through the fake gateway, and web chat questions, all
 * answered by the real assistant over knowledge/. Every event is acknowledged (200) and every
 * distinct question gets exactly one answer, re-deliveries included, nothing lost. No wall-clock
 * limit decides a pass here: on a shared machine under load that measures the machine. Ack and
 * answer times are reported by `npm run soak` (goal: every Slack ack within 3 s).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAssistant, type SanadAssistant } from '../../src/core/index.js';
import { FakeDiscord } from '../discord/fake-discord.js';
import { startBot, type RunningBot } from '../discord/helpers.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { recording, startWeb, type Running } from '../web/helpers.js';
import { discordLoad, slackLoad, webLoad } from './helpers/load.js';
import { SlackRig } from './helpers/slack.js';

const UNLIMITED = { rateLimit: { perUserPerMinute: 0, perChannelPerMinute: 0 } };

let assistant: SanadAssistant;
beforeAll(async () => {
  assistant = await createAssistant({ knowledgeDir: ARTICLE_KNOWLEDGE, cacheDir: null });
});
afterAll(async () => {
  await assistant?.close();
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

describe('load through each adapter (bounded)', () => {
  it('Slack: 200 signed events 50 at a time, re-deliveries included: every one acked 200, one answer per event id, no error', async () => {
    const counted = recording(assistant);
    const rig = await SlackRig.start({ assistant: counted, settings: UNLIMITED });
    cleanups.push(() => rig.close());
    // timeoutMs only bounds the wait for answers on a loaded machine; how fast acks come is
    // measured by `npm run soak`, not asserted here (a shared CI machine may be slow).
    const result = await slackLoad(rig, { total: 200, concurrency: 50, redeliverEvery: 5, channels: 4, users: 40, timeoutMs: 120_000 });
    expect(result.distinct).toBe(160);
    expect(result.badAcks).toBe(0);
    expect(result.unanswered).toBe(0);
    expect(result.doubled).toBe(0);
    // Each distinct event reached the core once: the 40 re-deliveries were dropped at the door.
    expect(counted.calls).toHaveLength(160);
    expect(rig.logs.filter((l) => / (ERROR|WARN) /.test(l))).toEqual([]);
  }, 240_000);

  it('Discord: 200 gateway messages 50 at a time, re-dispatches included: one answer per message, no error', async () => {
    const fake = await FakeDiscord.start();
    cleanups.push(() => fake.close());
    const counted = recording(assistant);
    const bot: RunningBot = await startBot(fake, { assistant: counted, settings: { ...UNLIMITED, placement: 'channel' } });
    cleanups.push(() => bot.stop());
    const result = await discordLoad(fake, bot, {
      total: 200,
      concurrency: 50,
      redeliverEvery: 5,
      channels: 4,
      users: 40,
      timeoutMs: 120_000,
    });
    expect(result.distinct).toBe(160);
    expect(result.unanswered).toBe(0);
    expect(result.doubled).toBe(0);
    expect(counted.calls).toHaveLength(160);
    expect(bot.logs.filter((l) => / (ERROR|WARN) /.test(l))).toEqual([]);
  }, 240_000);

  it('web chat: 200 POST /api/ask 50 at a time: every one answered with 200, each recorded once', async () => {
    const web: Running = await startWeb({ assistant });
    cleanups.push(() => web.stop());
    const result = await webLoad(web.url, { total: 200, concurrency: 50 });
    expect(result.badAcks).toBe(0);
    expect(result.unanswered).toBe(0);
    expect(result.answers.filter((a) => a.abstained === false)).toHaveLength(100);
    expect(result.answers.filter((a) => a.abstained === true)).toHaveLength(100);
    expect(web.store.questions).toHaveLength(200);
  }, 240_000);
});
