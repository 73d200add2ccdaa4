/**
 * The real discord.js client, driven by the adapter, against the fake Discord on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { limitViolations } from '../../src/platforms/index.js';
import { MemoryStateStore } from '../../src/core/state.js';
import type { StateStore } from '../../src/core/state.js';
import { FakeDiscord } from './fake-discord.js';
import type { FakeMessage } from './fake-discord.js';
import { answerFor, citation, couldPing, customIds, scriptedAssistant, startBot, visibleText } from './helpers.js';
import type { RunningBot } from './helpers.js';

let fake: FakeDiscord;
let bot: RunningBot | undefined;

afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  await fake?.close();
});

const QUESTION = 'من هو سفير فرنسا لدى الأمم المتحدة؟';

function mention(channel = fake.textChannel('general'), text = QUESTION, author = fake.user('alice')): FakeMessage {
  return fake.post({ channel, author, content: `<@${fake.bot.id}> ${text}`, mentions: [fake.bot] });
}

/** Bot messages that are final (have embeds), once `count` exist. */
async function finalReplies(count: number, timeoutMs = 8000): Promise<FakeMessage[]> {
  return fake.waitFor(
    () => {
      const done = fake.botMessages().filter((m) => m.embeds.length > 0);
      return done.length >= count ? done : undefined;
    },
    timeoutMs,
    `${count} final replies`,
  );
}

describe('discord adapter against a fake Discord', () => {
  it('connects with JSON and no compression, and registers /ask in the guild', async () => {
    fake = await FakeDiscord.start();
    bot = await startBot(fake, { assistant: scriptedAssistant() });
    const first = fake.connections[0]!;
    const query = new URLSearchParams(first.url.split('?')[1]);
    expect(first.url.startsWith('/gateway?')).toBe(true);
    expect(query.get('encoding')).toBe('json');
    expect(query.has('compress')).toBe(false);
    expect(first.opcodes[0]).toBe(2);
    expect(fake.requests.some((r) => r.method === 'GET' && r.path === '/gateway/bot')).toBe(true);
    // The client heartbeats (first one after a random jitter within the 1 s interval) and gets ACKs.
    await fake.waitFor(() => fake.heartbeats >= 1, 5000, 'a heartbeat');
    expect(fake.connections).toHaveLength(1);
    const registered = fake.registeredCommands[0]!;
    expect(registered.path).toBe(`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);
    expect((registered.body as { name: string; options: { name: string }[] }[])[0]!.options.map((o) => o.name)).toEqual([
      'question',
      'private',
    ]);
  });

  it('replies to a mention with a cited embed that pings no one, records the question, and skips typing when the answer is instant', async () => {
    fake = await FakeDiscord.start();
    const assistant = scriptedAssistant();
    bot = await startBot(fake, { assistant, settings: { placement: 'channel' } });
    const question = mention();
    const [reply] = await finalReplies(1);
    expect(reply!.channel_id).toBe(question.channel_id);
    expect(reply!.message_reference?.message_id).toBe(question.id);
    expect(visibleText(reply!)).toContain('ديلاتر');
    expect(visibleText(reply!)).toMatch(/¶2/);
    expect(reply!.sentAllowedMentions).toEqual([{ parse: [], replied_user: false }]);
    expect(couldPing(reply!)).toBe(false);
    expect(fake.typing).toHaveLength(0);
    expect(assistant.calls[0]!.question).toBe(QUESTION);
    // The question is recorded just after the answer is posted.
    const store = bot.store as MemoryStateStore;
    await fake.waitFor(() => store.questions.length > 0, 5000, 'the question recorded');
    expect(store.questions).toHaveLength(1);
    expect(store.questions[0]).toMatchObject({
      platform: 'discord',
      channel: question.channel_id,
      user: question.author.id,
      question: QUESTION,
      abstained: false,
    });
  });

  it('shows typing while a slower answer is being written', async () => {
    fake = await FakeDiscord.start();
    bot = await startBot(fake, {
      assistant: scriptedAssistant({ deltas: ['a', 'b', 'c'], gapMs: 200 }),
      settings: { placement: 'channel' },
    });
    const question = mention();
    await finalReplies(1);
    expect(fake.typing.map((t) => t.channel)).toContain(question.channel_id);
  });

  it('starts a thread per question when the channel places answers in threads, and follows up in it', async () => {
    fake = await FakeDiscord.start();
    const assistant = scriptedAssistant();
    bot = await startBot(fake, { assistant, settings: { placement: 'thread' } });
    const question = mention(fake.textChannel('C2'), 'ما هي عملية شمال؟');
    const [reply] = await finalReplies(1);
    const thread = fake.channels.get(reply!.channel_id)!;
    expect(thread.type).toBe(11);
    expect(thread.id).toBe(question.id);
    expect(thread.parent_id).toBe(question.channel_id);
    expect(thread.name).toBe('ما هي عملية شمال؟');

    mention(thread, 'ومتى حدث ذلك؟', question.author);
    const replies = await finalReplies(2);
    expect(replies[1]!.channel_id).toBe(thread.id);
    expect(assistant.calls[1]!.options?.conversation).toEqual([
      { role: 'user', text: 'ما هي عملية شمال؟' },
      { role: 'assistant', text: 'سفير فرنسا لدى الأمم المتحدة هو فرنسوا ديلاتر [1].' },
    ]);
    // Only one thread: the follow-up is answered inside it.
    expect([...fake.channels.values()].filter((c) => c.type === 11)).toHaveLength(1);

    // /ask inside the thread also takes the thread as the conversation.
    fake.slashAsk({ channel: thread, user: question.author, question: 'ومن قادها؟' });
    await finalReplies(3);
    expect(assistant.calls[2]!.options?.conversation?.[0]).toEqual({ role: 'user', text: 'ما هي عملية شمال؟' });
    expect(assistant.calls[2]!.options?.conversation?.length).toBeGreaterThanOrEqual(4);
  });

  it('falls back to a reply when the thread cannot be created', async () => {
    fake = await FakeDiscord.start();
    bot = await startBot(fake, { assistant: scriptedAssistant(), settings: { placement: 'thread' } });
    fake.failNext('POST', /\/threads$/, 403);
    const question = mention();
    const [reply] = await finalReplies(1);
    expect(reply!.channel_id).toBe(question.channel_id);
    expect(reply!.message_reference?.message_id).toBe(question.id);
  });

  it('uses a reply chain as the conversation outside threads', async () => {
    fake = await FakeDiscord.start();
    const assistant = scriptedAssistant();
    bot = await startBot(fake, { assistant, settings: { placement: 'channel' } });
    const general = fake.textChannel('general');
    mention(general, 'ما هي عملية شمال؟');
    const [answer] = await finalReplies(1);
    fake.post({ channel: general, author: fake.user('alice'), content: 'ومتى حدث ذلك؟', mentions: [fake.bot], reference: answer });
    await finalReplies(2);
    expect(assistant.calls[1]!.question).toBe('ومتى حدث ذلك؟');
    expect(assistant.calls[1]!.options?.conversation?.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(assistant.calls[1]!.options?.conversation?.[0]!.text).toBe('ما هي عملية شمال؟');
  });

  it("answers a mention of the bot's managed role like a mention of the bot", async () => {
    fake = await FakeDiscord.start();
    const assistant = scriptedAssistant();
    bot = await startBot(fake, { assistant, settings: { placement: 'channel' } });
    const question = fake.post({
      channel: fake.textChannel('general'),
      author: fake.user('alice'),
      content: `<@&${fake.botRoleId}> ${QUESTION}`,
      mentionRoles: [fake.botRoleId],
    });
    const [reply] = await finalReplies(1);
    expect(reply!.message_reference?.message_id).toBe(question.id);
    expect(assistant.calls[0]!.question).toBe(QUESTION);
  });

  it('answers a direct message without a mention', async () => {
    fake = await FakeDiscord.start();
    bot = await startBot(fake, { assistant: scriptedAssistant() });
    const alice = fake.user('alice');
    const dm = fake.dmChannel(alice);
    const question = fake.post({ channel: dm, author: alice, content: QUESTION });
    const [reply] = await finalReplies(1);
    expect(reply!.channel_id).toBe(dm.id);
    expect(reply!.message_reference?.message_id).toBe(question.id);
    expect(visibleText(reply!)).toContain('ديلاتر');
  });

  it('ignores other bots, its own messages, and channel messages without a mention', async () => {
    fake = await FakeDiscord.start();
    const assistant = scriptedAssistant();
    bot = await startBot(fake, { assistant });
    const general = fake.textChannel('general');
    fake.post({ channel: general, author: fake.user('otherbot', true), content: `<@${fake.bot.id}> ${QUESTION}`, mentions: [fake.bot] });
    fake.post({ channel: general, author: fake.user('alice'), content: QUESTION });
    const own = fake.post({ channel: general, author: fake.bot, content: `<@${fake.bot.id}> ${QUESTION}`, mentions: [fake.bot] });
    // A person's mention sent after them all: once it is answered, they have long been decided.
    const person = mention(general, 'ما هي عملية شمال؟');
    await finalReplies(1);
    expect(assistant.calls.map((c) => c.question)).toEqual(['ما هي عملية شمال؟']);
    const sent = fake.botMessages().filter((m) => m.id !== own.id);
    expect(sent.map((m) => m.message_reference?.message_id)).toEqual([person.id]);
  });

  it('answers other bots only where allowBots is set', async () => {
    fake = await FakeDiscord.start();
    bot = await startBot(fake, { assistant: scriptedAssistant(), settings: { allowBots: true, placement: 'channel' } });
    fake.post({
      channel: fake.textChannel('general'),
      author: fake.user('otherbot', true),
      content: `<@${fake.bot.id}> ${QUESTION}`,
      mentions: [fake.bot],
    });
    await finalReplies(1);
  });

  it('answers plain questions in a "questions" channel, and nothing in an "off" channel', async () => {
    fake = await FakeDiscord.start();
    const assistant = scriptedAssistant();
    const questions = fake.textChannel('questions');
    const off = fake.textChannel('quiet');
    bot = await startBot(fake, {
      assistant,
      settings: (_p, channel) => ({
        respond: channel === off.id ? 'off' : 'questions',
        language: 'auto',
        placement: 'channel',
        rateLimit: { perUserPerMinute: 10, perChannelPerMinute: 10 },
        allowBots: false,
        collections: ['news'],
      }),
    });
    fake.post({ channel: questions, author: fake.user('alice'), content: 'good morning all' });
    fake.post({ channel: off, author: fake.user('alice'), content: `<@${fake.bot.id}> ${QUESTION}`, mentions: [fake.bot] });
    fake.post({ channel: questions, author: fake.user('alice'), content: QUESTION });
    // The question was sent after the other two, so its answer comes after they were decided.
    const [reply] = await finalReplies(1);
    expect(fake.botMessages()).toHaveLength(1);
    expect(reply!.channel_id).toBe(questions.id);
    expect(assistant.calls.map((c) => c.options?.collections)).toEqual([['news']]);
  });

  it('never pings: @everyone, users and roles in the question and in the quote stay inert', async () => {
    fake = await FakeDiscord.start();
    const hostile = '@everyone @here <@123456789012345678> <@&112233445566778899>';
    const assistant = scriptedAssistant({
      script: (q) =>
        answerFor(q, { answer: `الإعلان: ${hostile}`, citations: [citation(1, { quote: `إعلان موجه إلى الجميع ${hostile}` })] }),
      deltas: ['الإعلان: ', hostile],
    });
    bot = await startBot(fake, { assistant, settings: { placement: 'channel' } });
    mention(fake.textChannel('general'), `${hostile} ما هو الإعلان؟`);
    const [reply] = await finalReplies(1);
    expect(visibleText(reply!)).toContain('@everyone');
    expect(couldPing(reply!)).toBe(false);
    for (const request of fake.requests.filter((r) => r.method === 'POST' || r.method === 'PATCH')) {
      const body = request.body as { allowed_mentions?: unknown; content?: unknown; embeds?: unknown };
      if ('content' in body || 'embeds' in body) expect(body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    }
  });

  it('splits a long answer over several messages within every limit, losing nothing', async () => {
    fake = await FakeDiscord.start();
    const items = Array.from({ length: 400 }, (_, i) => `البند رقم ${i + 1} من القائمة الطويلة جدا.`);
    const quotes = Array.from({ length: 30 }, (_, i) => citation(i + 1, { quote: 'نص الاقتباس '.repeat(120) + `نهاية ${i + 1}` }));
    bot = await startBot(fake, {
      assistant: scriptedAssistant({ script: (q) => answerFor(q, { answer: items.join(' '), citations: quotes }) }),
      settings: { placement: 'channel' },
    });
    const question = mention();
    await fake.waitFor(() => fake.botMessages().some((m) => m.components.length > 0), 8000, 'the last part');
    const parts = fake.botMessages();
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(limitViolations(part)).toEqual([]);
      expect(part.message_reference?.message_id).toBe(question.id);
      expect(couldPing(part)).toBe(false);
    }
    const all = parts.map(visibleText).join('\n').replace(/\\/g, '');
    for (const item of items) expect(all).toContain(item);
    for (let i = 1; i <= 30; i++) expect(all).toContain(`نهاية ${i}`);
  });

  it('defers /ask at once, then edits the deferred reply with the answer; private asks are ephemeral', async () => {
    fake = await FakeDiscord.start();
    bot = await startBot(fake, { assistant: scriptedAssistant() });
    const general = fake.textChannel('general');
    const publicAsk = fake.slashAsk({ channel: general, user: fake.user('alice'), question: QUESTION });
    const privateAsk = fake.slashAsk({ channel: general, user: fake.user('bob'), question: QUESTION, private: true });
    const replies = await finalReplies(2);
    const callbacks = fake.interactionCallbacks;
    expect(callbacks.find((c) => c.id === publicAsk.id)).toMatchObject({ type: 5 });
    expect(Number(callbacks.find((c) => c.id === privateAsk.id)!.data?.flags ?? 0) & 64).toBe(64);
    for (const token of [publicAsk.token, privateAsk.token]) {
      const original = replies.find((m) => m.interaction_token === token)!;
      expect(original.edits).toBe(1);
      expect(visibleText(original)).toContain('ديلاتر');
      expect(couldPing(original)).toBe(false);
      const edit = fake.requests.find(
        (r) => r.method === 'PATCH' && r.path === `/webhooks/${fake.applicationId}/${token}/messages/@original`,
      );
      expect(edit).toBeDefined();
    }
  });

  it('buttons: "Show paragraph" answers privately with the whole paragraph; votes are recorded', async () => {
    fake = await FakeDiscord.start();
    bot = await startBot(fake, { assistant: scriptedAssistant(), settings: { placement: 'channel' } });
    mention();
    const [reply] = await finalReplies(1);
    const [show, up, down] = customIds(reply!);
    expect(up).toMatch(/^sanad:vote:up:/);
    expect(down).toMatch(/^sanad:vote:down:/);

    const shown = fake.press({ message: reply!, customId: show!, user: fake.user('bob') });
    const paragraph = await fake.waitFor(() => fake.interactionCallbacks.find((c) => c.id === shown.id), 5000, 'paragraph');
    expect(paragraph.type).toBe(4);
    expect(Number(paragraph.data?.flags) & 64).toBe(64);
    const embeds = paragraph.data?.embeds as { title: string; description: string }[];
    expect(embeds[0]!.title).toContain('¶2');
    expect(embeds[0]!.description).toBe(citation(1).text);

    const gone = fake.press({ message: reply!, customId: 'sanad:para:deleted.txt#0000000000', user: fake.user('bob'), locale: 'en-US' });
    const goneReply = await fake.waitFor(() => fake.interactionCallbacks.find((c) => c.id === gone.id), 5000, 'paragraph gone');
    expect(Number(goneReply.data?.flags) & 64).toBe(64);
    expect(JSON.stringify(goneReply.data)).toContain('no longer in the knowledge');

    const vote = fake.press({ message: reply!, customId: down!, user: fake.user('bob') });
    const thanks = await fake.waitFor(() => fake.interactionCallbacks.find((c) => c.id === vote.id), 5000, 'thanks');
    expect(Number(thanks.data?.flags) & 64).toBe(64);
    expect(JSON.stringify(thanks.data)).toContain('شكرًا');
    const feedback = (bot.store as MemoryStateStore).feedback;
    expect(feedback).toHaveLength(1);
    expect(feedback[0]).toMatchObject({ platform: 'discord', vote: 'down', question: QUESTION, user: fake.user('bob').id });
    expect(feedback[0]!.answer).toContain('ديلاتر');
  });

  it('loses no question and answers none twice across a RECONNECT and RESUME with replay', async () => {
    fake = await FakeDiscord.start();
    const assistant = scriptedAssistant();
    bot = await startBot(fake, { assistant, settings: { placement: 'channel' } });
    const general = fake.textChannel('general');
    const first = mention(general, 'ما هي عملية شمال؟');
    await finalReplies(1);
    const asked = fake.slashAsk({ channel: general, user: fake.user('bob'), question: 'ما هي عملية سيرفال؟' });
    await finalReplies(2);
    let missed: FakeMessage | undefined;
    await fake.reconnect(
      () => {
        missed = mention(general, 'ومتى حدث ذلك؟');
      },
      // Discord may replay events the client already had: the first question and /ask among them.
      { replayAlreadySeen: 6 },
    );
    await finalReplies(3);
    // A mention sent after the replay: once it is answered, the replayed events have been decided.
    const last = mention(general, 'ما هي عملية برخان؟');
    const replies = await finalReplies(4);
    expect(fake.botMessages()).toHaveLength(4);
    expect(fake.interactionCallbacks.filter((c) => c.id === asked.id)).toHaveLength(1);
    expect(replies.filter((r) => r.message_reference).map((r) => r.message_reference?.message_id)).toEqual([first.id, missed!.id, last.id]);
    expect(assistant.calls.map((c) => c.question)).toEqual([
      'ما هي عملية شمال؟',
      'ما هي عملية سيرفال؟',
      'ومتى حدث ذلك؟',
      'ما هي عملية برخان؟',
    ]);
    const resumed = fake.connections[1]!;
    expect(resumed.url.startsWith('/resume?')).toBe(true);
    expect(resumed.opcodes).toContain(6);
    expect(resumed.opcodes).not.toContain(2);
  });

  it('rate-limits a user with a friendly message', async () => {
    fake = await FakeDiscord.start();
    const assistant = scriptedAssistant();
    bot = await startBot(fake, {
      assistant,
      settings: { placement: 'channel', rateLimit: { perUserPerMinute: 1, perChannelPerMinute: 10 } },
    });
    mention();
    await finalReplies(1);
    mention();
    const replies = await finalReplies(2);
    expect(visibleText(replies[1]!)).toMatch(/حاول مجددًا بعد \d+ ثانية/);
    expect(assistant.calls).toHaveLength(1);
    expect(couldPing(replies[1]!)).toBe(false);
  });

  it('apologises with an error id that is in the log when answering fails', async () => {
    fake = await FakeDiscord.start();
    bot = await startBot(fake, { assistant: scriptedAssistant({ fail: true }), settings: { placement: 'channel' } });
    mention();
    const [reply] = await finalReplies(1);
    const id = visibleText(reply!).match(/[A-Z0-9]{6}/)?.[0];
    expect(id).toBeDefined();
    expect(visibleText(reply!)).not.toContain('index exploded');
    expect(bot.logs.some((line) => line.includes(id!) && line.includes('index exploded'))).toBe(true);
  });

  it('still answers when the state store throws', async () => {
    fake = await FakeDiscord.start();
    const broken: StateStore = {
      claimEvent: () => {
        throw new Error('disk full');
      },
      recordQuestion: () => {
        throw new Error('disk full');
      },
      recordFeedback: () => {
        throw new Error('disk full');
      },
      close: async () => {},
    };
    bot = await startBot(fake, { assistant: scriptedAssistant(), store: broken, settings: { placement: 'channel' } });
    mention();
    const [reply] = await finalReplies(1);
    expect(visibleText(reply!)).toContain('ديلاتر');
    expect(bot.logs.some((l) => l.includes('disk full'))).toBe(true);
  });

  it('streams: interim text edited at most once a second, then the final embed', async () => {
    fake = await FakeDiscord.start();
    // A manual clock: each delta moves time 600 ms, so edits may happen at 1.2 s, 2.4 s, 3.6 s.
    let now = Date.parse('2026-01-01T00:00:00Z');
    const clock = { now: () => new Date(now) };
    const deltas = ['سفير ', 'فرنسا ', 'لدى ', 'الأمم ', 'المتحدة ', 'هو ديلاتر'];
    const inner = scriptedAssistant({ deltas });
    const assistant = {
      ...inner,
      askStream: (q: string, o?: Parameters<typeof inner.askStream>[1]) => ({
        async *[Symbol.asyncIterator]() {
          for await (const event of inner.askStream(q, o)) {
            if (event.type === 'delta') now += 600;
            yield event;
          }
        },
      }),
    };
    bot = await startBot(fake, { assistant, clock, settings: { placement: 'channel' } });
    mention();
    const [reply] = await finalReplies(1);
    const writes = fake.requests.filter((r) => (r.method === 'POST' && r.path.endsWith('/messages')) || r.method === 'PATCH');
    // One POST with interim text (at 1.2 s), two interim edits (2.4 s, 3.6 s), one final edit.
    expect(writes.map((w) => w.method)).toEqual(['POST', 'PATCH', 'PATCH', 'PATCH']);
    expect((writes[0]!.body as { content: string }).content).toContain('سفير فرنسا');
    expect((writes[0]!.body as { embeds: unknown[] }).embeds).toEqual([]);
    expect(reply!.content).toBe('');
    expect(visibleText(reply!)).toContain('ديلاتر');
  });

  it('registerCommands registers /ask globally without a guild id', async () => {
    fake = await FakeDiscord.start();
    const { registerCommands } = await import('../../src/adapters/discord/index.js');
    const result = await registerCommands({ token: 'fake-bot-token-0123456789', applicationId: fake.applicationId, apiUrl: fake.apiUrl });
    expect(result).toEqual({ scope: 'global', count: 1 });
    expect(fake.registeredCommands[0]!.path).toBe(`/applications/${fake.applicationId}/commands`);
  });

  it('fails to start with a hint when the token is rejected or Message Content is not enabled', async () => {
    fake = await FakeDiscord.start();
    fake.failNext('GET', /^\/gateway\/bot$/, 401);
    await expect(startBot(fake, { assistant: scriptedAssistant() })).rejects.toMatchObject({
      code: 'discord_token',
      hint: expect.stringContaining('Reset Token'),
    });
    fake.refuseIntents = true;
    await expect(startBot(fake, { assistant: scriptedAssistant() })).rejects.toMatchObject({
      code: 'discord_intents',
      hint: expect.stringContaining('Message Content Intent'),
    });
  });
});
