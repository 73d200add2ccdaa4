/**
 * The Discord bot: a discord.js client wired to the core. Transport only: it decides when to
 * answer and how the reply looks on Discord; the core decides what the answer is.
 */
import { once } from 'node:events';
import { Client, Events, GatewayIntentBits, Partials } from 'discord.js';
import {
  type SharedRateLimits,
  type Assistant,
  type ChannelSettingsResolver,
  type Clock,
  type Logger,
  registerSecret,
  SanadError,
  SlidingWindowLimiter,
  type StateStore,
  systemClock,
} from '../../core/index.js';
import { AnswerService, DefaultChatAnswerOptions } from '../../answering/index.js';
import { registerCommands } from './commands.js';
import type { DiscordCommandConfig } from './commands.js';
import { AnswerMemory } from './context.js';
import { messageWork } from './message-work.js';
import type { DiscordContext } from './context.js';
import { handleInteraction } from './interactions.js';
import { handleMessage } from './messages.js';
import { NO_MENTIONS } from './render.js';

export interface DiscordAdapterOptions {
  assistant: Assistant;
  store: StateStore;
  /** Rate limits shared with other replicas; default: counted in this process. */
  sharedLimits?: SharedRateLimits | null;
  logger: Logger;
  settingsFor: ChannelSettingsResolver;
  config: DiscordCommandConfig & {
    /** Register `/ask` when the bot starts (default true). */
    registerCommands?: boolean;
    /** How long `start()` waits for the gateway to be ready (default 30 s). */
    readyTimeoutMs?: number;
  };
  clock?: Clock;
  /** Overall deadline for one answer (default 90 s, as on Slack). */
  answerTimeoutMs?: number;
  /** How long a replica's lease on a message holds without renewal before another takes it over (default 20 s). */
  messageLeaseMs?: number;
}

export interface DiscordAdapter {
  start(): Promise<void>;
  /** Lets answers in progress finish (up to a few seconds), then disconnects. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5000;

/** The intents the bot needs; MessageContent is privileged and must be enabled in the Developer Portal. */
export const DISCORD_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.DirectMessages,
] as const;

export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const { config } = options;
  if (!config.token)
    throw new SanadError('discord_config', 'No Discord bot token.', {
      hint: 'Set DISCORD_TOKEN (Developer Portal → your application → Bot → Reset Token).',
    });
  if (!config.applicationId)
    throw new SanadError('discord_config', 'No Discord application id.', {
      hint: 'Set DISCORD_APPLICATION_ID (Developer Portal → General Information → Application ID).',
    });
  registerSecret(config.token);
  const logger = options.logger.child('discord');
  const clock = options.clock ?? systemClock;
  const ctx: DiscordContext = {
    assistant: options.assistant,
    // Every answer has one overall deadline, whatever path asked for it (mention, DM, /ask).
    answering: new AnswerService(
      { assistant: options.assistant, store: options.store, logger, clock },
      {
        platform: 'discord',
        ...DefaultChatAnswerOptions,
        ...(options.answerTimeoutMs !== undefined ? { answerTimeoutMs: options.answerTimeoutMs } : {}),
      },
    ),
    store: options.store,
    logger,
    // `track` (below) runs only once the gateway is up, long after it is defined.
    work: messageWork({
      store: options.store,
      clock,
      logger,
      start: (work) => track('taken-over message', work),
      leaseMs: options.messageLeaseMs,
    }),
    settingsFor: options.settingsFor,
    clock,
    limits: options.sharedLimits ?? new SlidingWindowLimiter(),
    answers: new AnswerMemory(),
  };
  const inFlight = new Set<Promise<void>>();
  let client: Client | null = null;

  const track = (what: string, work: () => Promise<void>) => {
    const task = work()
      .catch((error: unknown) => logger.error(`${what} failed`, { error }))
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  return {
    async start() {
      if (client) return;
      const created = new Client({
        intents: [...DISCORD_INTENTS],
        // DM channels arrive uncached; without the Channel partial their messages are dropped.
        partials: [Partials.Channel],
        rest: config.apiUrl ? { api: config.apiUrl } : {},
        allowedMentions: { ...NO_MENTIONS },
        failIfNotExists: false,
      });
      client = created;
      created.on(Events.MessageCreate, (message) => {
        const botId = created.user?.id;
        if (botId) track('message', () => handleMessage(ctx, message, botId));
      });
      created.on(Events.InteractionCreate, (interaction) => track('interaction', () => handleInteraction(ctx, interaction)));
      created.on(Events.Error, (error) => logger.error('client error', { error }));
      created.on(Events.Warn, (message) => logger.warn(message));
      created.on(Events.ShardResume, (shard, replayed) => logger.info('gateway resumed', { shard, replayed }));
      created.on(Events.ShardReconnecting, (shard) => logger.info('gateway reconnecting', { shard }));

      const ready = once(created, Events.ClientReady, { signal: AbortSignal.timeout(config.readyTimeoutMs ?? 30_000) });
      // If login fails first, this promise still rejects at its timeout: nobody may be left waiting on it.
      ready.catch(() => undefined);
      try {
        await created.login(config.token);
        await ready;
      } catch (error) {
        client = null;
        await created.destroy().catch(() => undefined);
        throw loginError(error);
      }
      logger.info('connected', { user: created.user?.tag, guilds: created.guilds.cache.size });
      if (config.registerCommands !== false) {
        await registerCommands(config).then(
          ({ scope }) => logger.info('registered /ask', { scope }),
          (error: unknown) => logger.warn('could not register /ask; run `npx sanad discord register`', { error }),
        );
      }
    },

    async stop() {
      const current = client;
      client = null;
      if (!current) return;
      current.removeAllListeners(Events.MessageCreate);
      current.removeAllListeners(Events.InteractionCreate);
      ctx.work.stop();
      const grace = new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
      await Promise.race([Promise.allSettled([...inFlight]), grace]);
      await current.destroy();
    },
  };
}

function loginError(error: unknown): SanadError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'TokenInvalid') {
    return new SanadError('discord_token', 'Discord rejected the bot token.', {
      hint: 'Copy DISCORD_TOKEN again from the Developer Portal → Bot → Reset Token.',
      cause: error,
    });
  }
  if (code === 'DisallowedIntents' || /disallowed intent/i.test(message)) {
    return new SanadError('discord_intents', 'Discord refused the Message Content intent.', {
      hint: 'Enable "Message Content Intent" in the Developer Portal → Bot → Privileged Gateway Intents.',
      cause: error,
    });
  }
  return new SanadError('discord_login', `Could not connect to Discord: ${message}`, {
    hint: 'Check DISCORD_TOKEN and, if set, DISCORD_API_URL.',
    cause: error,
  });
}
