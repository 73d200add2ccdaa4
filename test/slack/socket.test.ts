import { afterEach, describe, expect, it } from 'vitest';
import { startSlackApp } from '../../src/adapters/slack/index.js';
import { resolveSlackConfig } from '../../src/config/slack.js';
import { SanadError } from '../../src/core/errors.js';
import { AMBASSADOR_Q, ambassadorAssistant } from './helpers/fake-assistant.js';
import { BOT, FakeSlack, TOKENS } from './helpers/fake-slack.js';
import { SlackTestBed, groupText } from './helpers/testbed.js';

let bed: SlackTestBed | undefined;
let fake: FakeSlack | undefined;
afterEach(async () => {
  await bed?.close();
  await fake?.close();
  bed = undefined;
  fake = undefined;
});

describe('Slack in Socket Mode', () => {
  it('connects through apps.connections.open with the app token, acks the envelope and answers in the thread', async () => {
    const assistant = ambassadorAssistant();
    bed = await SlackTestBed.start({ assistant, mode: 'socket' });
    expect(bed.bot.mode).toBe('socket');
    const open = bed.fake.callsTo('apps.connections.open');
    expect(open.length).toBeGreaterThanOrEqual(1);
    expect(open[0]!.token).toBe(TOKENS.app);
    const ts = await bed.mention(AMBASSADOR_Q, { channel: 'C3' });
    expect(bed.fake.socketAcks.some((a) => String(a.envelope_id).startsWith('env-'))).toBe(true);
    const [group] = await bed.finalGroups(1);
    expect(group!.replyTo).toBe(ts);
    expect(groupText(group!)).toContain('ديلاتر');
  });

  it('answers an envelope re-sent with retry_attempt once', async () => {
    const assistant = ambassadorAssistant();
    bed = await SlackTestBed.start({ assistant, mode: 'socket' });
    const event = { type: 'app_mention', user: 'U1', text: `<@${BOT.userId}> ${AMBASSADOR_Q}`, ts: bed.fake.nextTs(), channel: 'C1' };
    await bed.deliverEvent(event, { eventId: 'EvSock' });
    await bed.deliverEvent(event, { eventId: 'EvSock', retryNum: 1 });
    await bed.finalGroups(1);
    expect(await bed.fake.waitFor(() => bed!.ignoredRedeliveries('EvSock') === 1)).toBe(true);
    expect(bed.groups()).toHaveLength(1);
    expect(assistant.calls).toHaveLength(1);
  });

  it('stops with a clear error when the app token is refused', async () => {
    fake = await new FakeSlack().start();
    const config = resolveSlackConfig({ SLACK_BOT_TOKEN: TOKENS.bot, SLACK_APP_TOKEN: 'xapp-wrong' }, { apiUrl: fake.apiUrl });
    const error = await startSlackApp({ config, assistant: ambassadorAssistant(), connectTimeoutMs: 5000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SanadError);
    expect((error as SanadError).code).toBe('slack_socket');
    expect((error as SanadError).hint).toContain('SLACK_APP_TOKEN');
    expect(fake.socketCount).toBe(0);
  });
});

describe('Slack start-up checks', () => {
  it('stops with a clear error when the bot token is wrong', async () => {
    fake = await new FakeSlack().start();
    const config = resolveSlackConfig(
      { SLACK_BOT_TOKEN: 'xoxb-wrong', SLACK_SIGNING_SECRET: 'secret-123' },
      { apiUrl: fake.apiUrl, port: 0, host: '127.0.0.1' },
    );
    const error = await startSlackApp({ config, assistant: ambassadorAssistant() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SanadError);
    expect((error as SanadError).code).toBe('slack_auth');
    expect((error as SanadError).message).toContain('invalid_auth');
    expect((error as SanadError).message).not.toContain('xoxb-wrong');
  });

  it('stops quickly with a clear error when Slack is unreachable', async () => {
    fake = await new FakeSlack().start();
    const apiUrl = fake.apiUrl;
    await fake.close();
    fake = undefined;
    const config = resolveSlackConfig(
      { SLACK_BOT_TOKEN: TOKENS.bot, SLACK_SIGNING_SECRET: 'secret-123' },
      { apiUrl, port: 0, host: '127.0.0.1' },
    );
    const error = await startSlackApp({ config, assistant: ambassadorAssistant() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SanadError);
    expect((error as SanadError).code).toBe('slack_unreachable');
    expect((error as SanadError).hint).toMatch(/network|SLACK_API_URL/);
  });
});
