import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver, type webApi } from '@slack/bolt';
import {
  type SharedRateLimits,
  asSanadError,
  type Assistant,
  type ChannelSettingsResolver,
  type Clock,
  defaultSettingsResolver,
  type Logger,
  MemoryStateStore,
  SanadError,
  silentLogger,
  SlidingWindowLimiter,
  type StateStore,
  systemClock,
} from '../../core/index.js';
import { AnswerService, DefaultChatAnswerOptions } from '../../answering/index.js';
import type { SlackDeps } from './answer.js';
import { verifyBotToken, type BotIdentity } from './auth.js';
import { toBoltLogger } from './bolt-logger.js';
import { SLACK_EVENTS_PATH, type SlackConfig } from './config.js';
import { registerListeners } from './listeners.js';
import { RecentAnswers } from './recent.js';
import { guardTimestamps } from './timestamp.js';
import { SlackWork } from './work.js';

export interface SlackAppOptions {
  config: SlackConfig;
  assistant: Assistant;
  /** Event dedupe, question log and feedback. Default: in memory (dedupe lost on restart). */
  state?: StateStore;
  /** Rate limits shared with other replicas; default: counted in this process. */
  sharedLimits?: SharedRateLimits | null;
  settings?: ChannelSettingsResolver;
  logger?: Logger;
  clock?: Clock;
  /** Minimum time between streamed updates of one message; Slack allows about one chat.update a second. */
  streamIntervalMs?: number;
  answerTimeoutMs?: number;
  /** Socket Mode only: how long to wait for the first connection before giving up. */
  connectTimeoutMs?: number;
  /**
   * HTTP mode only. false: do not listen; mount `bot.requestListener` at /slack/events on a server
   * you already run (e.g. the web chat's, which shares PORT). Default true.
   */
  listen?: boolean;
}

const DEFAULTS = {
  ...DefaultChatAnswerOptions,
  connectTimeoutMs: 30_000,
} as const satisfies Partial<Required<SlackAppOptions>>;

/** A running Slack app. */
export interface SlackBot {
  readonly identity: BotIdentity;
  readonly mode: 'socket' | 'http';
  /** The HTTP port listened on (useful with port 0); undefined in Socket Mode or with `listen: false`. */
  readonly port: number | undefined;
  /**
   * HTTP mode: the handler for POST /slack/events (signature, timestamp window, then Bolt), to
   * mount on another server when `listen` is false. Undefined in Socket Mode.
   */
  readonly requestListener: RequestListener | undefined;
  stop(): Promise<void>;
}

/**
 * Checks the token, then starts Bolt: Socket Mode when an app token is configured, otherwise the
 * HTTP Events API at /slack/events. Rejects with a SanadError whose hint says what to fix.
 */
export async function startSlackApp(options: SlackAppOptions): Promise<SlackBot> {
  const { config, assistant } = options;
  const logger = (options.logger ?? silentLogger).child('slack');
  const clock = options.clock ?? systemClock;
  const identity = await verifyBotToken(config);
  const boltLogger = toBoltLogger(logger);
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: config.apiUrl,
    // A few quick retries for a posting blip; not the client's default half hour.
    retryConfig: { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 5000 },
    timeout: 20_000,
  };
  const socket = config.appToken !== undefined;
  const receiver = socket
    ? new SocketModeReceiver({ appToken: config.appToken!, logger: boltLogger, installerOptions: { clientOptions } })
    : httpReceiver(config, boltLogger, logger, clock);
  const app = new App({
    token: config.botToken,
    botId: identity.botId,
    botUserId: identity.botUserId,
    tokenVerificationEnabled: false, // done above, with a clear error and no long retry
    receiver,
    logger: boltLogger,
    clientOptions,
    convoStore: false, // conversation state comes from the thread, not Bolt's store
  });
  const state = options.state ?? new MemoryStateStore();
  const answerTimeoutMs = options.answerTimeoutMs ?? DEFAULTS.answerTimeoutMs;
  // Each answerable request leased (its body kept) before Bolt acknowledges it; a dead replica's taken over.
  const work = new SlackWork({
    store: state,
    clock,
    logger,
    start: (run) => void run().catch((error: unknown) => logger.error('taken-over Slack request failed', { error })),
  });
  const deps: SlackDeps = {
    assistant,
    answering: new AnswerService(
      { assistant, store: state, logger, clock },
      { platform: 'slack', streamIntervalMs: options.streamIntervalMs ?? DEFAULTS.streamIntervalMs, answerTimeoutMs },
    ),
    state,
    settings: options.settings ?? defaultSettingsResolver,
    logger,
    clock,
    identity,
    recent: new RecentAnswers(),
    limits: options.sharedLimits ?? new SlidingWindowLimiter(),
    answerTimeoutMs,
    resumed: (body) => work.isResumed(body),
  };
  registerListeners(app, deps);
  work.attach(app);

  if (socket) {
    await withTimeout(app.start(), options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs).catch(async (error: unknown) => {
      await app.stop().catch(() => {});
      throw new SanadError('slack_socket', `Could not open a Socket Mode connection: ${asSanadError(error).message}`, {
        hint: 'Check SLACK_APP_TOKEN (an xapp- token with the connections:write scope) and that Socket Mode is enabled for the app; or unset it to use the HTTP Events API.',
        cause: error,
      });
    });
    logger.info('connected to Slack (Socket Mode)', { team: identity.team, botUserId: identity.botUserId });
    return {
      identity,
      mode: 'socket',
      port: undefined,
      requestListener: undefined,
      stop: async () => {
        work.stop();
        await app.stop();
      },
    };
  }

  const requestListener = (receiver as HTTPReceiver).requestListener;
  if (options.listen === false) {
    logger.info(`handling Slack events at ${SLACK_EVENTS_PATH} on the host server`, { team: identity.team, botUserId: identity.botUserId });
    return { identity, mode: 'http', port: undefined, requestListener, stop: async () => work.stop() };
  }

  let port: number;
  try {
    const server = await app.start(config.host ? { port: config.port, host: config.host } : config.port);
    port = (server.address() as AddressInfo).port;
  } catch (error) {
    throw new SanadError('slack_listen', `Could not listen on port ${config.port}: ${asSanadError(error).message}`, {
      hint: 'Set PORT to a free port (the Slack Events API needs a public HTTPS URL that forwards to it).',
      cause: error,
    });
  }
  logger.info(`listening for Slack events on port ${port} at ${SLACK_EVENTS_PATH}`, { team: identity.team, botUserId: identity.botUserId });
  return {
    identity,
    mode: 'http',
    port,
    requestListener,
    stop: async () => {
      work.stop();
      await app.stop();
    },
  };
}

function httpReceiver(config: SlackConfig, boltLogger: ReturnType<typeof toBoltLogger>, logger: Logger, clock: Clock): HTTPReceiver {
  if (!config.signingSecret) {
    throw new SanadError('slack_config', 'SLACK_SIGNING_SECRET is required for the HTTP Events API.', {
      hint: 'Set SLACK_SIGNING_SECRET from the app\'s "Basic Information" page, or set SLACK_APP_TOKEN for Socket Mode.',
    });
  }
  const receiver = new HTTPReceiver({ signingSecret: config.signingSecret, endpoints: [SLACK_EVENTS_PATH], logger: boltLogger });
  receiver.requestListener = guardTimestamps(receiver.requestListener, {
    endpoints: [SLACK_EVENTS_PATH],
    now: () => clock.now().getTime(),
    onReject: (reason) => logger.warn(`rejected a request: ${reason}`),
  });
  return receiver;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no connection after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
