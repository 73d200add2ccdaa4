/**
 * Per-user and per-channel rate limits hold under concurrent load: in each of two channels 15
 * people ask 3 questions each, 50 requests in flight. With 2 per person and 20 per channel a
 * minute, exactly 20 per channel are answered and everyone else gets the friendly message
 * instead, never an answer beyond their limit. A limit of 0 means no limit on every platform.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAssistant, type SanadAssistant } from '../../src/core/index.js';
import { FakeDiscord, type FakeMessage } from '../discord/fake-discord.js';
import { startBot, visibleText as discordText } from '../discord/helpers.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { recording } from '../web/helpers.js';
import { QUESTIONS } from './helpers/load.js';
import { SlackRig } from './helpers/slack.js';
import { pool, until } from './helpers/stats.js';

const LIMITS = { rateLimit: { perUserPerMinute: 2, perChannelPerMinute: 20 } };
const RATE_LIMITED = /أسئلة كثيرة في وقت قصير/;

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

/** 2 channels × 15 users × 3 questions, interleaved so every user's questions arrive close together. */
function plan(): { channel: number; user: number }[] {
  const out: { channel: number; user: number }[] = [];
  for (let round = 0; round < 3; round++)
    for (let channel = 0; channel < 2; channel++) for (let user = 0; user < 15; user++) out.push({ channel, user });
  return out;
}

describe('rate limits under load', () => {
  it('Slack: 90 concurrent mentions, 2/user and 20/channel a minute: 40 answered, 50 told to wait privately', async () => {
    const counted = recording(assistant);
    const rig = await SlackRig.start({ assistant: counted, settings: LIMITS });
    cleanups.push(() => rig.close());
    const sent: { ts: string; channel: string; user: string }[] = [];
    const acks = await pool(
      plan().map(({ channel, user }) => async () => {
        const c = `C${channel + 1}`;
        const u = `U${channel + 1}x${user + 1}`;
        const d = await rig.mention(QUESTIONS[0]!, { channel: c, user: u });
        sent.push({ ts: d.ts, channel: c, user: u });
        return d;
      }),
      50,
    );
    // Every mention acknowledged; how fast is `npm run soak`'s to report, not this test's.
    expect(acks.every((a) => a.status === 200)).toBe(true);
    await until(
      () =>
        counted.calls.length + rig.ephemerals().length >= 90 && rig.answered(sent.filter((s) => rig.repliesTo(s.ts, s.channel).length > 0)),
      120_000,
    );
    // Every answer that was begun has been posted and recorded: nothing is still on its way.
    expect(await until(() => rig.recordedQuestions() === counted.calls.length, 10_000)).toBe(true);
    expect(counted.calls).toHaveLength(40);
    const ephemerals = rig.ephemerals();
    expect(ephemerals).toHaveLength(50);
    expect(ephemerals.every((e) => RATE_LIMITED.test(String(e.text)))).toBe(true);
    const answered = sent.filter((s) => rig.repliesTo(s.ts, s.channel).length > 0);
    expect(answered).toHaveLength(40);
    for (const channel of ['C1', 'C2']) expect(answered.filter((s) => s.channel === channel)).toHaveLength(20);
    const perUser = new Map<string, number>();
    for (const s of answered) perUser.set(s.user, (perUser.get(s.user) ?? 0) + 1);
    expect(Math.max(...perUser.values())).toBeLessThanOrEqual(2);
    // Nobody limited got an answer as well: each question has either an answer or the notice.
    expect(answered.length + ephemerals.length).toBe(90);
  }, 240_000);

  it('Discord: the same 90 concurrent mentions: 40 answered, 50 friendly notices, none beyond a limit', async () => {
    const fake = await FakeDiscord.start();
    cleanups.push(() => fake.close());
    const counted = recording(assistant);
    const bot = await startBot(fake, { assistant: counted, settings: { ...LIMITS, placement: 'channel' } });
    cleanups.push(() => bot.stop());
    const channels = [fake.textChannel('one'), fake.textChannel('two')];
    const posted: { message: FakeMessage; user: number; channel: number }[] = [];
    for (const { channel, user } of plan()) {
      const author = fake.user(`u${channel}-${user}`);
      posted.push({
        message: fake.post({ channel: channels[channel]!, author, content: `<@${fake.bot.id}> ${QUESTIONS[0]}`, mentions: [fake.bot] }),
        user,
        channel,
      });
    }
    const replyOf = (m: FakeMessage) => fake.botMessages().filter((r) => r.message_reference?.message_id === m.id && r.embeds.length > 0);
    await until(() => posted.every((p) => replyOf(p.message).length > 0), 120_000);
    await bot.stop(); // waits for the answers in flight: nothing more is posted after it
    const replies = posted.map((p) => ({ ...p, replies: replyOf(p.message) }));
    expect(replies.every((r) => r.replies.length === 1)).toBe(true);
    const limited = replies.filter((r) => RATE_LIMITED.test(discordText(r.replies[0]!)));
    const answered = replies.filter((r) => !RATE_LIMITED.test(discordText(r.replies[0]!)));
    expect(counted.calls).toHaveLength(40);
    expect(answered).toHaveLength(40);
    expect(limited).toHaveLength(50);
    for (const channel of [0, 1]) expect(answered.filter((r) => r.channel === channel)).toHaveLength(20);
    const perUser = new Map<string, number>();
    for (const r of answered) perUser.set(`${r.channel}-${r.user}`, (perUser.get(`${r.channel}-${r.user}`) ?? 0) + 1);
    expect(Math.max(...perUser.values())).toBeLessThanOrEqual(2);
  }, 240_000);

  it('Slack: a limit of 0 means no limit (as on Discord and in docs/channels.md), not "never answer"', async () => {
    const counted = recording(assistant);
    const rig = await SlackRig.start({ assistant: counted, settings: { rateLimit: { perUserPerMinute: 0, perChannelPerMinute: 0 } } });
    cleanups.push(() => rig.close());
    const sent: { ts: string }[] = [];
    for (let i = 0; i < 8; i++) sent.push(await rig.mention(QUESTIONS[0]!, { user: 'U1' }));
    expect(await until(() => rig.answered(sent), 60_000)).toBe(true);
    expect(rig.ephemerals()).toHaveLength(0);
    expect(counted.calls).toHaveLength(8);
  }, 240_000);
});
