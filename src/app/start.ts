import { createDiscordAdapter, type DiscordAdapter } from '../adapters/discord/index.js';
import { SLACK_EVENTS_PATH, startSlackApp, type SlackBot } from '../adapters/slack/index.js';
import { createWebServer, type ExtraRoute, type WebServer } from '../adapters/web/index.js';
import { BriefingScheduler, createBriefingProvider, logUnscheduledBriefings } from '../briefing/index.js';
import { requireSlackEvents, type AppConfig } from '../config/env.js';
import type { Platform } from '../config/file.js';
import { SanadError } from '../core/errors.js';
import { SlidingWindowLimiter } from '../core/rate-limit.js';
import type { Logger } from '../core/ports.js';
import { paragraphCounts } from '../core/knowledge/counts.js';
import { trackInFlight } from './in-flight.js';
import { openServices } from './services.js';

/** How long answers in flight may take to finish after SIGTERM. */
const SHUTDOWN_GRACE_MS = 10_000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface StartOptions {
  config: AppConfig;
  logger: Logger;
  /** Where the addresses it serves are printed, and why it cannot run. */
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Indexing progress at start-up. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * `sanad start` / `npm start`: the web chat on PORT, plus the Slack app and the Discord bot when
 * their tokens are set, plus the briefing scheduler. SIGTERM/SIGINT stop new work, let answers in
 * flight finish (bounded), close connections and exit 0.
 */
export async function runStart(options: StartOptions): Promise<number> {
  const { config, logger, stdout } = options;
  requireSlackEvents(config.slack);
  // The platforms briefings can be posted to: start fails rather than run without one configured.
  const connected: Platform[] = [...(config.slack ? ['slack' as const] : []), ...(config.discord ? ['discord' as const] : [])];
  const services = await openServices(config, logger, { watch: true, onProgress: options.onProgress });
  const { store, settings, runner } = services;
  // Adapters answer through this wrapper, so shutdown knows when the last answer is done.
  const assistant = trackInFlight(services.assistant);
  const resolver = settings.resolver;
  // One count of questions per process (or with the other replicas): every platform uses it.
  const limits = services.sharedLimits ?? new SlidingWindowLimiter();
  const stops: (() => Promise<void>)[] = [];

  let slack: SlackBot | null = null;
  let web: WebServer | null = null;
  let discord: DiscordAdapter | null = null;
  try {
    if (config.slack) {
      // In HTTP mode Slack's events share the web chat's server and port, unless the web is off.
      const shareServer = config.web && !config.slack.appToken;
      slack = await startSlackApp({
        config: config.slack,
        assistant,
        state: store,
        sharedLimits: limits,
        settings: resolver,
        logger,
        listen: !shareServer,
      });
      stops.push(() => slack!.stop());
      stdout.write(
        `sanad slack: connected as ${slack.identity.botUserId} (${slack.mode === 'socket' ? 'Socket Mode' : `HTTP events at ${SLACK_EVENTS_PATH}`})\n`,
      );
    }

    if (config.web) {
      const extraRoutes: ExtraRoute[] = slack?.requestListener
        ? [{ method: 'POST', path: SLACK_EVENTS_PATH, handler: slack.requestListener }]
        : [];
      web = createWebServer({
        assistant,
        channel: resolver('web', 'web'),
        limits,
        store,
        logger,
        host: config.host,
        port: config.port,
        extraRoutes,
        briefing: createBriefingProvider({
          runner,
          store,
          briefings: settings.briefings,
          connected,
          logger: logger.child('briefing'),
          collections: resolver('web', 'web').collections,
        }),
      });
      const { url } = await web.start();
      stops.unshift(() => web!.stop({ graceMs: SHUTDOWN_GRACE_MS }));
      stdout.write(`sanad web chat: ${url}\n`);
    }

    if (config.discord) {
      discord = createDiscordAdapter({ assistant, store, sharedLimits: limits, logger, settingsFor: resolver, config: config.discord });
      await discord.start();
      stops.push(() => discord!.stop());
      stdout.write('sanad discord: connected\n');
    }
  } catch (error) {
    // Whatever started is stopped again, so a failed start exits instead of hanging.
    await Promise.allSettled(stops.map((stop) => stop()));
    await services.close();
    throw startupError(error, config.host, config.port);
  }

  if (!web && !slack && !discord) {
    options.stderr.write('sanad: nothing to run: the web chat is off (SANAD_WEB=off) and no Slack or Discord token is set.\n');
    await services.close();
    return 1;
  }

  const posting = settings.briefings.filter((b) => (b.platform === 'slack' && slack) || (b.platform === 'discord' && discord));
  const scheduler = new BriefingScheduler({
    runner,
    briefings: posting,
    graceHours: settings.briefingGraceHours,
    logger: logger.child('briefing'),
  });
  scheduler.start();
  logUnscheduledBriefings(logger.child('briefing'), settings.briefings, connected, !!web);
  // Followed sources: each fetched when due; new articles are indexed and feed the briefings.
  if (settings.sources.length > 0) {
    services.sources.service.start();
    logger.child('sources').info(`following ${settings.sources.length} source${settings.sources.length === 1 ? '' : 's'}`, {
      sources: settings.sources.map((s) => s.url),
    });
  }
  // The resilient store never rejects: a failed purge is logged there and tried again tomorrow.
  const purge = setInterval(() => void store.purge(new Date(Date.now() - settings.retentionDays * DAY_MS)), DAY_MS);
  purge.unref();

  const core = services.assistant;
  const counts = paragraphCounts(core.documents());
  logger.info('sanad is running', { documents: counts.documents, paragraphs: counts.paragraphs, llm: core.llmEnabled });

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info('shutting down: finishing answers in flight');
  clearInterval(purge);
  scheduler.stop();
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
  // Answers waiting on the model get half the grace; then they end with their extractive
  // fallback, so each is delivered and recorded before the store closes (not cut off empty).
  const hurry = setTimeout(() => assistant.hurry(), SHUTDOWN_GRACE_MS / 2);
  await Promise.race([Promise.allSettled([...stops.map((stop) => stop()), scheduler.idle(), assistant.idle()]), deadline]);
  clearTimeout(hurry);
  await services.close();
  logger.info('stopped');
  return 0;
}

/** A start-up failure a person can act on: the port is taken or not allowed. */
function startupError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return new SanadError('port_in_use', `Port ${port} on ${host} is already in use.`, {
      hint: 'Stop the program using it, or set PORT to a free port (PORT=0 picks one).',
      cause: error,
    });
  }
  if (code === 'EACCES' || code === 'EADDRNOTAVAIL') {
    return new SanadError('port_unavailable', `Cannot listen on ${host}:${port} (${code}).`, {
      hint: 'Use a PORT above 1023 and a HOST this machine has (127.0.0.1 by default).',
      cause: error,
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL') {
    return new SanadError('host_unknown', `HOST=${host} is not an address or name of this machine (${code}).`, {
      hint: 'Set HOST=127.0.0.1 (this machine only, the default), HOST=0.0.0.0 (every interface) or an address this machine has.',
      cause: error,
    });
  }
  return error;
}
