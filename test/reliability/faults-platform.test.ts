/**
 * Faults outside the bot, end to end through the adapters and the real assistant:
 * - the language model server hangs, fails, rate-limits past the deadline, sends garbage or
 *   resets: the asker still gets the cited extractive answer, with a notice, by the deadline
 *   (test/llm covers each fault at the answerer; here it is what the person in Slack, Discord
 *   and the web chat sees);
 * - Slack's Web API answers 429 with Retry-After, or 500: retried, the answer shown exactly once;
 * - the Discord gateway connection drops without warning: resumed, nothing lost or doubled.
 */
import type { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAssistant, message, type SanadAssistant } from '../../src/core/index.js';
import { createLlmAnswerer } from '../../src/openai/answerer.js';
import { defaultPromptsDir, loadPrompts } from '../../src/core/llm/prompts.js';
import { FakeDiscord, type FakeMessage } from '../discord/fake-discord.js';
import { scriptedAssistant, startBot, visibleText as discordText } from '../discord/helpers.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { startFakeOpenAI, type ChatBehaviour, type FakeOpenAI } from '../llm/fake-openai.js';
import { recordingLogger, testConfig } from '../llm/helpers.js';
import { visibleText } from '../slack/helpers/flatten.js';
import { startWeb } from '../web/helpers.js';
import { slackMethod } from './helpers/fault-proxy.js';
import { QUESTIONS } from './helpers/load.js';
import { SlackRig } from './helpers/slack.js';
import { until } from './helpers/stats.js';

const DEADLINE_MS = 1500;
const AMBASSADOR = 'ديلاتر';

let llmServer: FakeOpenAI;
let llmAssistant: SanadAssistant;
beforeAll(async () => {
  llmServer = await startFakeOpenAI();
  const prompts = await loadPrompts(defaultPromptsDir());
  const llm = createLlmAnswerer(testConfig(llmServer.url, { deadlineMs: DEADLINE_MS, maxRetries: 1 }), {
    logger: recordingLogger(),
    prompts,
  });
  llmAssistant = await createAssistant({ knowledgeDir: ARTICLE_KNOWLEDGE, llm, cacheDir: null, deadlineMs: DEADLINE_MS });
});
afterAll(async () => {
  await llmAssistant?.close();
  await llmServer?.close();
});
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

const FAULTS: [string, ChatBehaviour][] = [
  ['hangs', { kind: 'hang' }],
  ['answers 500', { kind: 'status', status: 500, message: 'upstream exploded at /srv/model.py:12' }],
  ['answers 429 with a Retry-After past the deadline', { kind: 'status', status: 429, headers: { 'retry-after': '60' } }],
  ['sends malformed JSON', { kind: 'raw', body: '{"choices": [ {"message": ' }],
  ['resets the connection', { kind: 'reset' }],
  ['stalls mid-stream', { kind: 'stall', text: 'France ambassador is', after: 2 }],
];

describe('the language model server misbehaves: fallback answers by the deadline', () => {
  it.each(FAULTS)(
    'Slack: when it %s, the cited extractive answer with a notice',
    async (_name, behaviour) => {
      llmServer.chat = () => behaviour;
      const rig = await SlackRig.start({ assistant: llmAssistant });
      cleanups.push(() => rig.close());
      const sent = await rig.mention(QUESTIONS[0]!);
      expect(sent.status).toBe(200);
      // The model never gives a usable answer, so an answer can only come from the deadline's
      // fallback; how soon is for `npm run soak` to measure, not for a loaded test machine.
      expect(await until(() => rig.answered([sent]), 60_000)).toBe(true);
      const [reply] = rig.repliesTo(sent.ts);
      const text = visibleText(reply!);
      expect(text).toContain(AMBASSADOR);
      expect(text).toContain('¶2');
      expect([message('modelUnavailable', 'ar'), message('unverified', 'ar')].some((notice) => text.includes(notice))).toBe(true);
      expect(text).not.toMatch(/\/srv\/|\.py:|Error:|at \w+ \(/);
      expect(rig.logs.filter((l) => / ERROR /.test(l))).toEqual([]);
    },
    120_000,
  );

  it('Discord: when it hangs, the cited extractive answer by the deadline', async () => {
    llmServer.chat = () => ({ kind: 'hang' });
    const fake = await FakeDiscord.start();
    cleanups.push(() => fake.close());
    const bot = await startBot(fake, { assistant: llmAssistant, settings: { placement: 'channel' } });
    cleanups.push(() => bot.stop());
    const question = fake.post({
      channel: fake.textChannel('general'),
      author: fake.user('alice'),
      content: `<@${fake.bot.id}> ${QUESTIONS[0]}`,
      mentions: [fake.bot],
    });
    const reply = await fake.waitFor(
      () => fake.botMessages().find((m) => m.message_reference?.message_id === question.id && m.embeds.length > 0),
      60_000,
      'the answer',
    );
    expect(discordText(reply)).toContain(AMBASSADOR);
  }, 120_000);

  it('web chat: when it answers 500 or hangs, POST /api/ask returns the extractive answer by the deadline', async () => {
    const web = await startWeb({ assistant: llmAssistant });
    cleanups.push(() => web.stop());
    for (const behaviour of [{ kind: 'status', status: 500 }, { kind: 'hang' }] as ChatBehaviour[]) {
      llmServer.chat = () => behaviour;
      const res = await fetch(new URL('/api/ask', web.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ question: QUESTIONS[0] }),
      });
      const answer = (await res.json()) as {
        mode: string;
        fallbackReason?: string;
        answer: string;
        notice?: string;
        citations: { paragraph: number }[];
      };
      expect(res.status).toBe(200);
      expect(answer).toMatchObject({ mode: 'extractive', fallbackReason: expect.any(String) });
      expect(answer.notice).toBeTruthy();
      expect(answer.answer).toContain(AMBASSADOR);
      expect(answer.citations[0]!.paragraph).toBe(2);
    }
  }, 120_000);
});

describe("Slack's Web API fails for a moment", () => {
  it('429 with Retry-After on the first post and the first update: waited out, the answer shown exactly once', async () => {
    const assistant = await createAssistant({ knowledgeDir: ARTICLE_KNOWLEDGE, cacheDir: null });
    cleanups.push(() => assistant.close());
    const rig = await SlackRig.start({ assistant, proxy: true });
    cleanups.push(() => rig.close());
    const proxy = rig.proxy!;
    const limited = {
      kind: 'status',
      status: 429,
      headers: { 'retry-after': '1' },
      body: JSON.stringify({ ok: false, error: 'ratelimited' }),
    } as const;
    proxy.when((r) => slackMethod(r) === 'chat.postMessage', limited, 1);
    proxy.when((r) => slackMethod(r) === 'chat.update', limited, 1);
    const sent = await rig.mention(QUESTIONS[0]!);
    expect(await until(() => rig.answered([sent]), 60_000)).toBe(true);
    // The answer is recorded once its last update went through: nothing is still on its way.
    expect(await until(() => rig.recordedQuestions() === 1, 10_000)).toBe(true);
    const posts = proxy.seen.filter((r) => slackMethod(r) === 'chat.postMessage');
    expect(posts.map((p) => p.fault)).toEqual(['status', 'forward']);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(900); // Retry-After: 1 was honoured
    expect(proxy.seen.filter((r) => slackMethod(r) === 'chat.update').map((p) => p.fault)).toEqual(['status', 'forward']);
    const replies = rig.repliesTo(sent.ts);
    expect(replies).toHaveLength(1);
    expect(visibleText(replies[0]!)).toContain(AMBASSADOR);
  }, 120_000);

  it('a 500 on the update is retried, not turned into a second message', async () => {
    const assistant = await createAssistant({ knowledgeDir: ARTICLE_KNOWLEDGE, cacheDir: null });
    cleanups.push(() => assistant.close());
    const rig = await SlackRig.start({ assistant, proxy: true });
    cleanups.push(() => rig.close());
    rig.proxy!.when((r) => slackMethod(r) === 'chat.update', { kind: 'status', status: 500, body: 'oops' }, 1);
    const sent = await rig.mention(QUESTIONS[0]!);
    expect(await until(() => rig.answered([sent]), 60_000)).toBe(true);
    expect(await until(() => rig.recordedQuestions() === 1, 10_000)).toBe(true);
    expect(rig.repliesTo(sent.ts)).toHaveLength(1);
    expect(rig.proxy!.count((r) => slackMethod(r) === 'chat.postMessage')).toBe(1);
  }, 120_000);
});

describe('the Discord gateway drops the connection without warning', () => {
  it('resumes the session; questions sent while it was away are answered once, earlier ones not again', async () => {
    const fake = await FakeDiscord.start();
    cleanups.push(() => fake.close());
    const assistant = scriptedAssistant();
    const bot = await startBot(fake, { assistant, settings: { placement: 'channel' } });
    cleanups.push(() => bot.stop());
    const general = fake.textChannel('general');
    const ask = (text: string) =>
      fake.post({ channel: general, author: fake.user('alice'), content: `<@${fake.bot.id}> ${text}`, mentions: [fake.bot] });
    const answered = (m: FakeMessage) => fake.botMessages().filter((r) => r.message_reference?.message_id === m.id && r.embeds.length > 0);
    const before = ask('سؤال قبل الانقطاع؟');
    await fake.waitFor(() => answered(before).length === 1, 8000, 'the first answer');

    // The TCP connection dies (no close frame, no RECONNECT): what Discord calls a zombied connection.
    const session = (fake as unknown as { session: { socket: WebSocket | null } }).session;
    session.socket!.terminate();
    await fake.waitFor(() => session.socket === null, 2000, 'the drop');
    const during = [ask('سؤال أثناء الانقطاع ١؟'), ask('سؤال أثناء الانقطاع ٢؟'), ask('سؤال أثناء الانقطاع ٣؟')];

    await fake.waitFor(() => during.every((m) => answered(m).length === 1), 15_000, 'answers to what was sent while away');
    const after = ask('سؤال بعد العودة؟');
    await fake.waitFor(() => answered(after).length === 1, 8000, 'the answer after the resume');
    await bot.stop(); // waits for the answers in flight: nothing more is posted after it
    for (const m of [before, ...during, after]) expect(answered(m)).toHaveLength(1);
    expect(assistant.calls).toHaveLength(5);
    const resumed = fake.connections[1]!;
    expect(resumed.opcodes).toContain(6); // RESUME
    expect(resumed.opcodes).not.toContain(2); // not a new IDENTIFY
    expect(fake.connections).toHaveLength(2);
  }, 120_000);
});
