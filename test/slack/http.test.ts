import { afterEach, describe, expect, it } from 'vitest';
import type { Assistant } from '../../src/core/types.js';
import { BOT } from './helpers/fake-slack.js';
import { AMBASSADOR_Q, FakeAssistant, ambassadorAssistant } from './helpers/fake-assistant.js';
import { isProgress, visibleText } from './helpers/flatten.js';
import {
  SIGNING_SECRET,
  SlackTestBed,
  type TestBedOptions,
  buttons,
  groupCanPing,
  groupText,
  groupWithinLimits,
} from './helpers/testbed.js';
import { signedHeaders, slackSignature } from './helpers/sign.js';
import { citation } from './helpers/answers.js';

let bed: SlackTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

async function start(assistant: Assistant = ambassadorAssistant(), options: Omit<TestBedOptions, 'assistant'> = {}) {
  bed = await SlackTestBed.start({ assistant, ...options });
  return bed;
}

describe('Slack over HTTP: answering', () => {
  it('answers a mention in a thread: placeholder first, then the cited answer replacing it', async () => {
    const assistant = ambassadorAssistant();
    const b = await start(assistant);
    const ts = await b.mention(AMBASSADOR_Q, { channel: 'C1' });
    const [group] = await b.finalGroups(1);
    expect(group!.channel).toBe('C1');
    expect(group!.replyTo).toBe(ts);
    const message = group!.messages[0]!;
    expect(isProgress(message.versions[0]!)).toBe(true);
    expect(b.fake.callsTo('chat.update').length).toBeGreaterThanOrEqual(1);
    const text = groupText(group!);
    expect(text).toContain('فرنسوا ديلاتر');
    expect(text).toContain('*[1]* فرنسا ومكافحة الإرهاب · ¶2');
    expect(buttons(group!).map((x) => x.action_id)).toEqual(['sanad_paragraph:1', 'sanad_vote_up', 'sanad_vote_down']);
    // The bot's own mention is stripped from what the core is asked.
    expect(assistant.calls[0]!.question).toBe(AMBASSADOR_Q);
    await b.fake.waitFor(() => b.state.questions.length > 0, 2000); // recorded right after the final update
    expect(b.state.questions).toHaveLength(1);
    expect(b.state.questions[0]).toMatchObject({ platform: 'slack', channel: 'C1', user: 'U1', abstained: false });
  });

  it('answers a DM in the DM, not in a thread', async () => {
    const b = await start();
    await b.directMessage(AMBASSADOR_Q);
    const [group] = await b.finalGroups(1);
    expect(group!.channel).toBe('D1');
    expect(group!.replyTo).toBeNull();
    expect(groupText(group!)).toContain('ديلاتر');
  });

  it('shows a decline as a decline', async () => {
    const b = await start();
    await b.mention('من فاز بكأس العالم لكرة القدم عام 2018؟');
    const [group] = await b.finalGroups(1);
    expect(JSON.stringify(group!.messages[0]!.blocks)).toContain(':grey_question:');
    expect(groupText(group!)).toContain('لم أجد');
  });

  it('streams into the placeholder at most once per interval, then shows the final answer', async () => {
    let now = Date.now();
    // Every reading of the clock moves it 600 ms: deterministic "time passing" between deltas.
    const clock = { now: () => new Date((now += 600)) };
    const assistant = new FakeAssistant({ 'سفير فرنسا': { answer: 'أ'.repeat(50) + ' ' + 'ب'.repeat(50) } }, 10);
    const b = await start(assistant, { clock, streamIntervalMs: 1000 });
    await b.mention(AMBASSADOR_Q);
    const [group] = await b.finalGroups(1);
    const versions = group!.messages[0]!.versions;
    const progress = versions.filter((v) => isProgress(v) && visibleText(v).includes('أ'));
    expect(progress.length).toBeGreaterThanOrEqual(2);
    // 10 deltas, 600 ms apart: at most one update per 1000 ms, so at most 6 (5 + the first).
    expect(progress.length).toBeLessThanOrEqual(6);
    const texts = progress.map((v) => visibleText(v).replace(/[^أب]/g, '').length);
    expect([...texts].sort((x, y) => x - y)).toEqual(texts); // it only grows
    expect(isProgress(versions.at(-1)!)).toBe(false);
  });

  it('uses the thread as the conversation for a follow-up mention', async () => {
    const assistant = ambassadorAssistant();
    const b = await start(assistant);
    const first = await b.mention(AMBASSADOR_Q, { channel: 'C2' });
    await b.finalGroups(1);
    await b.mention('ومتى عُيّن؟', { channel: 'C2', thread: first });
    const groups = await b.finalGroups(2);
    expect(groups[1]!.replyTo).toBe(first);
    const conversation = assistant.calls[1]!.options?.conversation ?? [];
    expect(conversation.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(conversation[0]!.text).toBe(AMBASSADOR_Q);
    expect(conversation[1]!.text).toContain('فرنسوا ديلاتر');
  });

  it('replies with an apology whose error id is in the log when answering fails', async () => {
    const failing: Assistant = {
      ask: async () => {
        throw new Error('index exploded');
      },
      // eslint-disable-next-line require-yield -- it fails before yielding, on purpose
      askStream: async function* () {
        throw new Error('index exploded');
      },
      paragraph: () => null,
    };
    const b = await start(failing);
    await b.mention(AMBASSADOR_Q);
    const [group] = await b.finalGroups(1);
    const text = groupText(group!);
    const id = /([A-Z0-9]{6})/.exec(text)?.[1];
    expect(id).toBeDefined();
    expect(text).not.toContain('index exploded');
    expect(b.logs.some((line) => line.includes(id!) && line.includes('index exploded'))).toBe(true);
  });

  it('splits a long answer over blocks and messages within Slack limits, losing nothing', async () => {
    const items = Array.from(
      { length: 300 },
      (_, i) => `المبادرة رقم ${i + 1} لتعزيز التعاون بين الفرق في مجال تبادل المعلومات والتدريب المشترك`,
    );
    const cites = Array.from({ length: 30 }, (_, i) =>
      citation({ n: i + 1, quote: items.slice(0, 60).join('\n'), paragraphId: `hostile#${i}` }),
    );
    const b = await start(new FakeAssistant({ المبادرات: { answer: items.join('\n'), citations: cites } }));
    await b.mention('ما هي قائمة المبادرات الطويلة كلها؟');
    const [group] = await b.finalGroups(1);
    expect(group!.messages.length).toBeGreaterThan(1);
    expect(groupWithinLimits(group!)).toBe(true);
    const text = groupText(group!);
    for (const item of items) expect(text).toContain(item);
    for (const m of group!.messages) expect(m.thread_ts).toBe(group!.replyTo);
  });
});

describe('Slack over HTTP: safety', () => {
  const HOSTILE = '<!channel> <!here> <!everyone> <@U0123ABCD> <!subteam^S123> @here';

  it('never lets <!channel> or a mention from the knowledge or the question reach chat.postMessage', async () => {
    const assistant = new FakeAssistant({
      الإعلان: {
        answer: `إعلان موجه إلى الجميع ${HOSTILE} [1]`,
        citations: [citation({ quote: `نص ${HOSTILE}`, title: '<!here>' })],
        notice: HOSTILE,
      },
    });
    const b = await start(assistant);
    await b.mention(`${HOSTILE} ما هو الإعلان الموجه إلى الجميع؟`);
    const [group] = await b.finalGroups(1);
    expect(groupCanPing(group!)).toBe(false);
    for (const call of [...b.fake.callsTo('chat.postMessage'), ...b.fake.callsTo('chat.update')]) {
      const raw = JSON.stringify(call.args);
      expect(raw).not.toMatch(/<[!@]/);
      expect(call.args.link_names === true || call.args.link_names === 'true').toBe(false);
    }
    // The question reached the core as plain text, without the bot's own mention.
    expect(assistant.calls[0]!.question).not.toContain(BOT.userId);
  });

  it.each([
    [
      'a bad signature',
      (body: string) => ({
        ...signedHeaders(SIGNING_SECRET, body),
        'x-slack-signature': slackSignature('wrong-secret', Math.floor(Date.now() / 1000), body),
      }),
    ],
    ['no signature', (_body: string) => ({ 'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)) })],
    ['an old timestamp', (body: string) => signedHeaders(SIGNING_SECRET, body, Math.floor(Date.now() / 1000) - 6 * 60)],
    ['a future timestamp', (body: string) => signedHeaders(SIGNING_SECRET, body, Math.floor(Date.now() / 1000) + 6 * 60)],
    ['no timestamp', (body: string) => ({ 'x-slack-signature': slackSignature(SIGNING_SECRET, '', body) })],
  ])('rejects %s with 401 and does not reply', async (_name, headersFor) => {
    const assistant = ambassadorAssistant();
    const b = await start(assistant);
    const body = JSON.stringify({
      type: 'event_callback',
      event_id: 'EvBad',
      team_id: BOT.team,
      event: { type: 'app_mention', user: 'U1', text: `<@${BOT.userId}> ${AMBASSADOR_Q}`, ts: '1.1', channel: 'C1' },
    });
    expect(await b.postRaw(body, 'application/json', headersFor(body))).toBe(401);
    // A correctly signed copy is accepted, so the 401 was the signature's doing.
    expect(await b.postRaw(body.replace('EvBad', 'EvGood'), 'application/json')).toBe(200);
    await b.finalGroups(1);
    expect(assistant.calls).toHaveLength(1);
  });

  it('answers an event re-delivered with X-Slack-Retry-Num exactly once', async () => {
    const assistant = ambassadorAssistant();
    const b = await start(assistant);
    const event = { type: 'app_mention', user: 'U1', text: `<@${BOT.userId}> ${AMBASSADOR_Q}`, ts: b.fake.nextTs(), channel: 'C1' };
    expect(await b.deliverEvent(event, { eventId: 'EvSame' })).toBe(200);
    expect(await b.deliverEvent(event, { eventId: 'EvSame', retryNum: 1 })).toBe(200);
    expect(await b.deliverEvent(event, { eventId: 'EvSame', retryNum: 2 })).toBe(200);
    await b.finalGroups(1);
    // Both retries have been through the dedup step (and said so) before the counts are read.
    expect(await b.fake.waitFor(() => b.ignoredRedeliveries('EvSame') === 2)).toBe(true);
    expect(b.groups()).toHaveLength(1);
    expect(assistant.calls).toHaveLength(1);
    expect(b.state.events.has('slack:EvSame')).toBe(true);
  });

  it('ignores other bots, its own messages and message subtypes', async () => {
    const assistant = ambassadorAssistant();
    const b = await start(assistant);
    await b.mention(AMBASSADOR_Q, { botId: 'BOTHER' });
    await b.deliverEvent({
      type: 'message',
      channel_type: 'im',
      channel: 'D1',
      user: BOT.userId,
      bot_id: BOT.botId,
      text: AMBASSADOR_Q,
      ts: b.fake.nextTs(),
    });
    await b.deliverEvent({
      type: 'message',
      subtype: 'message_changed',
      channel_type: 'im',
      channel: 'D1',
      ts: b.fake.nextTs(),
      message: { text: AMBASSADOR_Q },
    });
    await b.deliverEvent({
      type: 'message',
      subtype: 'channel_join',
      channel: 'C1',
      user: 'U2',
      text: '<@U2> has joined',
      ts: b.fake.nextTs(),
    });
    await b.deliverEvent({
      type: 'message',
      subtype: 'bot_message',
      channel_type: 'im',
      channel: 'D1',
      bot_id: 'BOTHER',
      text: AMBASSADOR_Q,
      ts: b.fake.nextTs(),
    });
    // A person's mention sent after them all: once it is answered, they have long been decided.
    const person = await b.mention(AMBASSADOR_Q);
    const groups = await b.finalGroups(1);
    expect(groups.map((g) => g.replyTo)).toEqual([person]);
    expect(assistant.calls).toHaveLength(1);
    expect(b.groups()).toHaveLength(1);
  });

  it('answers another bot where the channel allows bots', async () => {
    const b = await start(ambassadorAssistant(), { settings: { allowBots: true } });
    await b.mention(AMBASSADOR_Q, { botId: 'BOTHER' });
    expect(await b.finalGroups(1)).toHaveLength(1);
  });

  it('rate-limits a user with a friendly private message and answers only what fits', async () => {
    const assistant = ambassadorAssistant();
    const b = await start(assistant, { settings: { rateLimit: { perUserPerMinute: 1, perChannelPerMinute: 30 } } });
    await b.mention(AMBASSADOR_Q);
    await b.finalGroups(1);
    await b.mention(AMBASSADOR_Q);
    await b.fake.waitFor(() => b.fake.callsTo('chat.postEphemeral').length > 0, 5000);
    const [ephemeral] = b.fake.callsTo('chat.postEphemeral');
    expect(ephemeral!.args).toMatchObject({ channel: 'C1', user: 'U1' });
    expect(String(ephemeral!.args.text)).toMatch(/أسئلة كثيرة.*\d+/);
    expect(assistant.calls).toHaveLength(1);
  });
});

describe('Slack over HTTP: /ask and buttons', () => {
  it('/ask answers privately via response_url, and Share posts it in the channel', async () => {
    const b = await start();
    const { status, ack, responseName } = await b.command(AMBASSADOR_Q);
    expect(status).toBe(200);
    expect(ack).toMatchObject({ response_type: 'ephemeral' });
    await b.fake.waitFor(() => b.fake.responses.some((r) => r.path.endsWith(responseName)));
    const response = b.fake.responses.find((r) => r.path.endsWith(responseName))!.body;
    expect(response).toMatchObject({ response_type: 'ephemeral', replace_original: true });
    expect(JSON.stringify(response.blocks)).toContain('ديلاتر');
    expect(b.fake.callsTo('chat.postMessage')).toHaveLength(0); // nothing public yet
    const share = buttons({ blocks: response.blocks as unknown[] }).find((x) => x.action_id === 'sanad_share')!;
    const click = await b.click(share, { ephemeral: true });
    expect(click.status).toBe(200);
    await b.fake.waitFor(() => b.fake.responses.some((r) => r.path.endsWith(click.responseName)));
    const shared = b.fake.responses.find((r) => r.path.endsWith(click.responseName))!.body;
    expect(shared).toMatchObject({ response_type: 'in_channel', delete_original: true });
    expect(JSON.stringify(shared.blocks)).toContain('ديلاتر');
    expect(JSON.stringify(shared.blocks)).not.toContain('sanad_share');
  });

  it('/ask with no question says so instead of asking the core', async () => {
    const assistant = ambassadorAssistant();
    const b = await start(assistant);
    const { ack } = await b.command('   ');
    expect(String(ack?.text)).toContain('السؤال فارغ');
    expect(assistant.calls).toHaveLength(0);
  });

  it('"Show paragraph" opens a modal with the whole paragraph', async () => {
    const b = await start();
    await b.mention(AMBASSADOR_Q);
    const [group] = await b.finalGroups(1);
    const show = buttons(group!).find((x) => x.action_id.startsWith('sanad_paragraph'))!;
    const { status, triggerId } = await b.click(show, { message: group!.messages[0] });
    expect(status).toBe(200);
    await b.fake.waitFor(() => b.fake.callsTo('views.open').length > 0);
    const [open] = b.fake.callsTo('views.open');
    expect(open!.args.trigger_id).toBe(triggerId);
    const view = JSON.stringify(open!.args.view);
    expect(view).toContain(citation().text);
    expect(view).toContain('¶2');
  });

  it('records 👍/👎 with question, answer, citations, channel, user and time, and says thanks', async () => {
    const b = await start();
    await b.mention(AMBASSADOR_Q, { channel: 'C7', user: 'U9' });
    const [group] = await b.finalGroups(1);
    const down = buttons(group!).find((x) => x.action_id === 'sanad_vote_down')!;
    const { responseName } = await b.click(down, { message: group!.messages.at(-1), user: 'U9' });
    await b.fake.waitFor(() => b.state.feedback.length > 0 && b.fake.responses.some((r) => r.path.endsWith(responseName)));
    expect(b.state.feedback).toHaveLength(1);
    const record = b.state.feedback[0]!;
    expect(record).toMatchObject({ platform: 'slack', channel: 'C7', user: 'U9', vote: 'down', question: AMBASSADOR_Q });
    expect(record.answer).toContain('فرنسوا ديلاتر');
    expect(record.citations).toEqual([{ document: citation().document, paragraph: 2, paragraphId: citation().paragraphId }]);
    expect(record.at).toBeInstanceOf(Date);
    const thanks = b.fake.responses.find((r) => r.path.endsWith(responseName))!.body;
    expect(thanks).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: 'شكرًا على تقييمك.' });
  });
});

describe('Slack over HTTP: channel settings', () => {
  it('respond: questions also answers un-mentioned messages that read as questions, in a thread', async () => {
    const assistant = ambassadorAssistant();
    const b = await start(assistant, { settings: { respond: 'questions' } });
    const ts = b.fake.nextTs();
    await b.deliverEvent({ type: 'message', channel_type: 'channel', channel: 'C5', user: 'U1', text: AMBASSADOR_Q, ts });
    await b.deliverEvent({
      type: 'message',
      channel_type: 'channel',
      channel: 'C5',
      user: 'U1',
      text: 'صباح الخير يا فريق',
      ts: b.fake.nextTs(),
    });
    // A question sent after the greeting: once it is answered, the greeting has long been decided.
    const later = b.fake.nextTs();
    await b.deliverEvent({ type: 'message', channel_type: 'channel', channel: 'C5', user: 'U1', text: AMBASSADOR_Q, ts: later });
    const groups = await b.finalGroups(2);
    expect(groups.map((g) => g.replyTo).sort()).toEqual([ts, later].sort());
    expect(assistant.calls.map((c) => c.question)).toEqual([AMBASSADOR_Q, AMBASSADOR_Q]);
  });

  it('respond: mention (the default) leaves un-mentioned questions alone', async () => {
    const assistant = ambassadorAssistant();
    const b = await start(assistant);
    await b.deliverEvent({ type: 'message', channel_type: 'channel', channel: 'C1', user: 'U1', text: AMBASSADOR_Q, ts: b.fake.nextTs() });
    // A mention sent after it: once that is answered, the plain question has long been decided.
    const mentioned = await b.mention(AMBASSADOR_Q);
    expect((await b.finalGroups(1)).map((g) => g.replyTo)).toEqual([mentioned]);
    expect(assistant.calls).toHaveLength(1);
  });

  it('respond: off ignores mentions too', async () => {
    const assistant = ambassadorAssistant();
    const b = await start(assistant, { channelSettings: (channel) => ({ respond: channel === 'C1' ? 'off' : 'mention' }) });
    await b.mention(AMBASSADOR_Q);
    await b.deliverEvent({ type: 'message', channel_type: 'channel', channel: 'C1', user: 'U1', text: AMBASSADOR_Q, ts: b.fake.nextTs() });
    // A mention in another channel, sent after: once it is answered, C1's have long been decided.
    await b.mention(AMBASSADOR_Q, { channel: 'C2' });
    expect((await b.finalGroups(1)).map((g) => g.channel)).toEqual(['C2']);
    expect(assistant.calls).toHaveLength(1);
    expect(b.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C1')).toEqual([]);
  });

  it("passes the channel's collections and language to the core, and speaks the channel's language", async () => {
    const assistant = ambassadorAssistant();
    const b = await start(assistant, { settings: { collections: ['hr'], language: 'en' } });
    await b.mention(AMBASSADOR_Q);
    const [group] = await b.finalGroups(1);
    expect(assistant.calls[0]!.options).toMatchObject({ collections: ['hr'], language: 'en' });
    expect(visibleText(group!.messages[0]!.versions[0]!)).toContain('Looking it up');
  });
});
