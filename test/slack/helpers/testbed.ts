/**
 * Real Bolt (through startSlackApp) against the fake Slack, with requests signed as Slack signs
 * them. Events go over HTTP, or over the Socket Mode WebSocket when mode is 'socket'.
 */
import { startSlackApp, type SlackBot } from '../../../src/adapters/slack/index.js';
import { resolveSlackConfig } from '../../../src/config/slack.js';
import { DEFAULT_CHANNEL_SETTINGS, type ChannelSettings } from '../../../src/core/channels.js';
import { createLogger, type Clock } from '../../../src/core/ports.js';
import { MemoryStateStore, type StateStore } from '../../../src/core/state.js';
import type { Assistant } from '../../../src/core/types.js';
import { BOT, FakeSlack, TOKENS, type StoredMessage } from './fake-slack.js';
import { canPing, isProgress, partOf, visibleText, withinLimits } from './flatten.js';
import { eventCallback } from './envelope.js';
import { signedHeaders } from './sign.js';

export const SIGNING_SECRET = 'test-signing-secret-8f3a';

export interface TestBedOptions {
  assistant: Assistant;
  mode?: 'http' | 'socket';
  settings?: Partial<ChannelSettings>;
  /** Settings for one channel, over `settings` (e.g. a channel that answers beside one that is off). */
  channelSettings?: (channel: string) => Partial<ChannelSettings>;
  state?: MemoryStateStore;
  /** A real store (e.g. SQLite) to use instead of `state`; `state` then stays empty. */
  store?: StateStore;
  streamIntervalMs?: number;
  clock?: Clock;
  /** The overall deadline for one answer (the app's default is 90 s). */
  answerTimeoutMs?: number;
}

/** One answer as the asker sees it: the placeholder's final state plus any continuation messages. */
export interface ReplyGroup {
  channel: string;
  replyTo: string | null;
  messages: StoredMessage[];
  final: boolean;
}

export class SlackTestBed {
  private eventSeq = 0;

  private constructor(
    readonly logs: string[],
    readonly fake: FakeSlack,
    readonly bot: SlackBot,
    readonly state: MemoryStateStore,
    readonly mode: 'http' | 'socket',
  ) {}

  static async start(options: TestBedOptions): Promise<SlackTestBed> {
    const fake = await new FakeSlack().start();
    const mode = options.mode ?? 'http';
    const state = options.state ?? new MemoryStateStore();
    const logs: string[] = [];
    const config = resolveSlackConfig(
      { SLACK_BOT_TOKEN: TOKENS.bot, ...(mode === 'socket' ? { SLACK_APP_TOKEN: TOKENS.app } : { SLACK_SIGNING_SECRET: SIGNING_SECRET }) },
      { apiUrl: fake.apiUrl, port: 0, host: '127.0.0.1' },
    );
    let bot: SlackBot;
    try {
      bot = await startSlackApp({
        config,
        assistant: options.assistant,
        state: options.store ?? state,
        settings: (_platform, channel) => ({
          ...DEFAULT_CHANNEL_SETTINGS,
          rateLimit: { ...DEFAULT_CHANNEL_SETTINGS.rateLimit },
          ...options.settings,
          ...options.channelSettings?.(channel),
        }),
        logger: createLogger({ level: 'debug', write: (line) => logs.push(line) }),
        streamIntervalMs: options.streamIntervalMs ?? 1000,
        clock: options.clock,
        ...(options.answerTimeoutMs ? { answerTimeoutMs: options.answerTimeoutMs } : {}),
      });
    } catch (error) {
      await fake.close();
      throw error;
    }
    return new SlackTestBed(logs, fake, bot, state, mode);
  }

  /** How many deliveries of `eventId` the app logged as ignored re-deliveries. */
  ignoredRedeliveries(eventId: string): number {
    return this.logs.filter((line) => line.includes('ignored a re-delivered event') && line.includes(`"${eventId}"`)).length;
  }

  get eventsUrl(): string {
    return `http://127.0.0.1:${this.bot.port}/slack/events`;
  }

  async close(): Promise<void> {
    await this.bot.stop().catch(() => {});
    await this.fake.close();
  }

  /** POSTs a raw body to /slack/events, signed unless `headers` replaces the signature. */
  async postRaw(body: string, contentType: string, headers?: Record<string, string>, extra: Record<string, string> = {}): Promise<number> {
    const response = await fetch(this.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(headers ?? signedHeaders(SIGNING_SECRET, body)), ...extra },
      body,
    });
    await response.text();
    return response.status;
  }

  /** Delivers an Events API callback (HTTP or Socket Mode). Returns the HTTP status (200 over a socket). */
  async deliverEvent(
    event: Record<string, unknown>,
    options: { eventId?: string; retryNum?: number; headers?: Record<string, string> } = {},
  ): Promise<number> {
    const eventId = options.eventId ?? `Ev${++this.eventSeq}`;
    const payload = eventCallback(event, eventId);
    if (this.mode === 'socket') {
      const envelopeId = `env-${eventId}-${options.retryNum ?? 0}`;
      this.fake.sendEnvelope({
        envelope_id: envelopeId,
        type: 'events_api',
        payload,
        accepts_response_payload: false,
        retry_attempt: options.retryNum ?? 0,
        retry_reason: options.retryNum ? 'timeout' : '',
      });
      await this.fake.waitFor(() => this.fake.socketAcks.some((a) => a.envelope_id === envelopeId), 5000);
      return 200;
    }
    const extra: Record<string, string> = options.retryNum
      ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' }
      : {};
    return this.postRaw(JSON.stringify(payload), 'application/json', options.headers, extra);
  }

  /** A person's message that mentions the bot. Returns its ts. */
  async mention(
    text: string,
    options: { channel?: string; user?: string; thread?: string; eventId?: string; botId?: string } = {},
  ): Promise<string> {
    const channel = options.channel ?? 'C1';
    const user = options.user ?? 'U1';
    const ts = this.fake.nextTs();
    const full = `<@${BOT.userId}> ${text}`;
    this.fake.addUserMessage({
      channel,
      ts,
      user,
      text: full,
      ...(options.thread ? { thread_ts: options.thread } : {}),
      ...(options.botId ? { bot_id: options.botId } : {}),
    });
    await this.deliverEvent(
      {
        type: 'app_mention',
        user,
        text: full,
        ts,
        channel,
        ...(options.thread ? { thread_ts: options.thread } : {}),
        ...(options.botId ? { bot_id: options.botId } : {}),
      },
      { eventId: options.eventId },
    );
    return ts;
  }

  async directMessage(text: string, options: { user?: string; channel?: string } = {}): Promise<string> {
    const channel = options.channel ?? 'D1';
    const user = options.user ?? 'U1';
    const ts = this.fake.nextTs();
    this.fake.addUserMessage({ channel, ts, user, text });
    await this.deliverEvent({ type: 'message', channel_type: 'im', user, text, ts, channel });
    return ts;
  }

  /** `/ask` as Slack sends it (form-encoded). Returns the status, the ack body, and the response_url name. */
  async command(
    text: string,
    options: { channel?: string; user?: string } = {},
  ): Promise<{ status: number; ack: Record<string, unknown> | null; responseName: string }> {
    const responseName = `cmd${++this.eventSeq}`;
    const fields = {
      token: 'legacy-verification-token',
      team_id: BOT.team,
      channel_id: options.channel ?? 'C1',
      channel_name: 'general',
      user_id: options.user ?? 'U1',
      user_name: 'ana',
      command: '/ask',
      text,
      api_app_id: 'A1',
      response_url: this.fake.responseUrl(responseName),
      trigger_id: `trigger-${responseName}`,
    };
    const body = new URLSearchParams(fields).toString();
    const response = await fetch(this.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...signedHeaders(SIGNING_SECRET, body) },
      body,
    });
    const raw = await response.text();
    return { status: response.status, ack: raw ? (JSON.parse(raw) as Record<string, unknown>) : null, responseName };
  }

  /** A click on a button the bot rendered, as a block_actions interaction. */
  async click(
    button: { action_id: string; value?: string },
    where: { channel?: string; user?: string; message?: StoredMessage; ephemeral?: boolean } = {},
  ): Promise<{ status: number; responseName: string; triggerId: string }> {
    const responseName = `act${++this.eventSeq}`;
    const channel = where.channel ?? where.message?.channel ?? 'C1';
    const payload = {
      type: 'block_actions',
      user: { id: where.user ?? 'U1', username: 'ana', team_id: BOT.team },
      api_app_id: 'A1',
      token: 'legacy-verification-token',
      container: {
        type: 'message',
        message_ts: where.message?.ts ?? this.fake.nextTs(),
        channel_id: channel,
        is_ephemeral: where.ephemeral ?? false,
      },
      trigger_id: `trigger-${responseName}`,
      team: { id: BOT.team, domain: 'test' },
      channel: { id: channel, name: 'general' },
      ...(where.message
        ? {
            message: {
              type: 'message',
              ts: where.message.ts,
              text: where.message.text,
              blocks: where.message.blocks,
              user: BOT.userId,
              bot_id: BOT.botId,
            },
          }
        : {}),
      response_url: this.fake.responseUrl(responseName),
      actions: [
        {
          type: 'button',
          action_id: button.action_id,
          block_id: 'b',
          value: button.value,
          action_ts: String(Date.now() / 1000),
          text: { type: 'plain_text', text: 'x' },
        },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const status = await this.postRaw(body, 'application/x-www-form-urlencoded');
    return { status, responseName, triggerId: payload.trigger_id };
  }

  /** The bot's answers so far, grouped (placeholder + continuations). */
  groups(): ReplyGroup[] {
    const groups: ReplyGroup[] = [];
    for (const message of this.fake.botMessages()) {
      const [index] = partOf(message);
      const last = groups.at(-1);
      if (index > 1 && last && last.channel === message.channel) last.messages.push(message);
      else groups.push({ channel: message.channel, replyTo: message.thread_ts ?? null, messages: [message], final: false });
    }
    for (const group of groups) {
      const first = group.messages[0]!;
      group.final = !isProgress(first) && group.messages.length >= partOf(first)[1];
    }
    return groups;
  }

  async finalGroups(count: number, timeoutMs = 10_000): Promise<ReplyGroup[]> {
    await this.fake.waitFor(() => this.groups().filter((g) => g.final).length >= count, timeoutMs);
    return this.groups().filter((g) => g.final);
  }
}

export function groupText(group: ReplyGroup): string {
  return group.messages.map(visibleText).join('\n');
}

export function groupCanPing(group: ReplyGroup): boolean {
  return group.messages.some(canPing);
}

export function groupWithinLimits(group: ReplyGroup): boolean {
  return group.messages.every(withinLimits);
}

/** Every button the bot rendered in a group, flattened. */
export function buttons(group: ReplyGroup | { blocks?: unknown[] }): { action_id: string; value?: string }[] {
  const blocks = 'messages' in group ? group.messages.flatMap((m) => m.blocks ?? []) : (group.blocks ?? []);
  const out: { action_id: string; value?: string }[] = [];
  for (const block of blocks as {
    accessory?: { action_id?: string; value?: string };
    elements?: { action_id?: string; value?: string }[];
  }[]) {
    for (const el of [...(block.accessory ? [block.accessory] : []), ...(block.elements ?? [])]) {
      if (el.action_id) out.push({ action_id: el.action_id, value: el.value });
    }
  }
  return out;
}
