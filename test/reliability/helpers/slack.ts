/**
 * The real Slack adapter (Bolt over HTTP) against the fake Slack of test/slack, optionally
 * behind a fault-injecting proxy, with events signed as Slack signs them. Unlike the Slack
 * testbed it lets a test choose the Web API URL, the logger and the store, and times each ack.
 */
import { startSlackApp, type SlackBot, type SlackAppOptions } from '../../../src/adapters/slack/index.js';
import { resolveSlackConfig } from '../../../src/config/slack.js';
import { DEFAULT_CHANNEL_SETTINGS, type ChannelSettings } from '../../../src/core/channels.js';
import { createLogger } from '../../../src/core/ports.js';
import { MemoryStateStore, type StateStore } from '../../../src/core/state.js';
import type { Assistant } from '../../../src/core/types.js';
import { BOT, FakeSlack, TOKENS, type StoredMessage } from '../../slack/helpers/fake-slack.js';
import { isProgress } from '../../slack/helpers/flatten.js';
import { eventCallback } from '../../slack/helpers/envelope.js';
import { signedHeaders } from '../../slack/helpers/sign.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, sanad, type Child } from './child.js';
import { FaultProxy } from './fault-proxy.js';

export const SIGNING_SECRET = 'test-signing-secret-RELIAB1';
const ROOT_KNOWLEDGE = join(import.meta.dirname, '../../../knowledge');

export interface SlackRigOptions {
  assistant: Assistant;
  store?: StateStore;
  settings?: Partial<ChannelSettings>;
  /** Put a fault-injecting proxy between the bot and the fake Slack. */
  proxy?: boolean;
  answerTimeoutMs?: number;
  extra?: Partial<SlackAppOptions>;
}

export interface Delivery {
  status: number;
  ackMs: number;
}

export class SlackRig {
  readonly logs: string[] = [];
  private seq = 0;
  private constructor(
    readonly fake: FakeSlack,
    readonly proxy: FaultProxy | null,
    public bot: SlackBot | null,
    readonly store: StateStore,
  ) {}

  static async start(options: SlackRigOptions): Promise<SlackRig> {
    const fake = await new FakeSlack().start();
    const proxy = options.proxy ? await FaultProxy.start(`http://127.0.0.1:${fake.port}`) : null;
    const rig = new SlackRig(fake, proxy, null, options.store ?? new MemoryStateStore());
    const apiUrl = proxy ? `${proxy.url}/api/` : fake.apiUrl;
    const config = resolveSlackConfig(
      { SLACK_BOT_TOKEN: TOKENS.bot, SLACK_SIGNING_SECRET: SIGNING_SECRET },
      { apiUrl, port: 0, host: '127.0.0.1' },
    );
    try {
      rig.bot = await startSlackApp({
        config,
        assistant: options.assistant,
        state: rig.store,
        settings: () => ({ ...DEFAULT_CHANNEL_SETTINGS, rateLimit: { ...DEFAULT_CHANNEL_SETTINGS.rateLimit }, ...options.settings }),
        logger: createLogger({ level: 'debug', write: (line) => rig.logs.push(line) }),
        streamIntervalMs: 1000,
        ...(options.answerTimeoutMs ? { answerTimeoutMs: options.answerTimeoutMs } : {}),
        ...options.extra,
      });
    } catch (error) {
      await proxy?.close();
      await fake.close();
      throw error;
    }
    return rig;
  }

  /**
   * The bot as production runs it: `sanad start` in its own process (Slack's HTTP events on the
   * web server's port), answering over the repo's knowledge, against this process's fake Slack.
   * Channel settings go through a config file, as a team would write them.
   */
  static async startChild(options: { settings?: Partial<ChannelSettings> } = {}): Promise<SlackRig> {
    ensureBuilt();
    const fake = await new FakeSlack().start();
    const dir = mkdtempSync(join(tmpdir(), 'sanad-rig-'));
    writeFileSync(join(dir, 'sanad.config.json'), JSON.stringify({ defaults: options.settings ?? {} }));
    const child: Child = sanad(
      ['start'],
      {
        SLACK_BOT_TOKEN: TOKENS.bot,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        PORT: '0',
        HOST: '127.0.0.1',
        SANAD_DATA_DIR: join(dir, 'data'),
        SANAD_CONFIG: join(dir, 'sanad.config.json'),
        SANAD_KNOWLEDGE_DIR: join(ROOT_KNOWLEDGE),
        SANAD_LOG_LEVEL: 'warn',
      },
      dir,
    );
    const [, port] = await child.waitFor(/sanad web chat: http:\/\/127\.0\.0\.1:(\d+)\//, 30_000);
    const rig = new SlackRig(fake, null, null, new MemoryStateStore());
    rig.childPort = Number(port);
    rig.child = child;
    return rig;
  }

  private childPort: number | null = null;
  private child: Child | null = null;

  get eventsUrl(): string {
    return `http://127.0.0.1:${this.childPort ?? this.bot!.port}/slack/events`;
  }

  /** Log lines of the child process (warnings and errors), when the bot runs in one. */
  childLogs(): string[] {
    return this.child ? this.child.stderr().split('\n').filter(Boolean) : [];
  }

  async close(): Promise<void> {
    if (this.child) {
      this.child.process.kill('SIGTERM');
      await this.child.exited;
    }
    await this.bot?.stop().catch(() => {});
    await this.proxy?.close();
    await this.fake.close();
  }

  /** A person's mention of the bot, delivered as a signed Events API callback; returns its ts and the ack. */
  async mention(
    text: string,
    options: { channel?: string; user?: string; eventId?: string; retryNum?: number; ts?: string } = {},
  ): Promise<{ ts: string; eventId: string } & Delivery> {
    const channel = options.channel ?? 'C1';
    const user = options.user ?? 'U1';
    const ts = options.ts ?? this.fake.nextTs();
    const full = `<@${BOT.userId}> ${text}`;
    if (!options.ts) this.fake.addUserMessage({ channel, ts, user, text: full });
    const eventId = options.eventId ?? `EvR${++this.seq}`;
    const delivery = await this.deliver({ type: 'app_mention', user, text: full, ts, channel }, eventId, options.retryNum);
    return { ts, eventId, ...delivery };
  }

  /** POSTs an event callback, signed; measures how long the ack took. */
  async deliver(event: Record<string, unknown>, eventId: string, retryNum?: number): Promise<Delivery> {
    const body = JSON.stringify(eventCallback(event, eventId));
    const retry: Record<string, string> = retryNum ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' } : {};
    const started = performance.now();
    const response = await fetch(this.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signedHeaders(SIGNING_SECRET, body), ...retry },
      body,
    });
    await response.text();
    return { status: response.status, ackMs: performance.now() - started };
  }

  /** The bot's messages in the thread of `ts` (its answer to that question). */
  /** Questions the app has recorded: it records an answer just after posting it (in-memory store only). */
  recordedQuestions(): number {
    return this.store instanceof MemoryStateStore ? this.store.questions.length : 0;
  }

  /** Deliveries the app logged as ignored re-deliveries (of `eventId`, or of any event). */
  ignoredRedeliveries(eventId?: string): number {
    return this.logs.filter(
      (line) => line.includes('ignored a re-delivered event') && (eventId === undefined || line.includes(`"${eventId}"`)),
    ).length;
  }

  repliesTo(ts: string, channel = 'C1'): StoredMessage[] {
    return this.fake.botMessages().filter((m) => m.channel === channel && m.thread_ts === ts);
  }

  /** True once every thread in `tss` has a final (non-progress) answer. */
  answered(tss: { ts: string; channel?: string }[]): boolean {
    return tss.every(({ ts, channel }) => {
      const replies = this.repliesTo(ts, channel);
      return replies.length > 0 && !isProgress(replies[0]!);
    });
  }

  ephemerals(): Record<string, unknown>[] {
    return this.fake.callsTo('chat.postEphemeral').map((c) => c.args);
  }
}
