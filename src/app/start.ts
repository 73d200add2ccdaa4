import { createDiscordAdapter, type DiscordAdapter } from '../adapters/discord/index.js';
import { DEFAULT_SLACK_API_URL, SLACK_EVENTS_PATH, startSlackApp, type SlackBot } from '../adapters/slack/index.js';
import { createWebServer, type ExtraRoute, type WebServer } from '../adapters/web/index.js';
import { BriefingScheduler, createBriefingProvider, webBriefingConfig } from '../briefing/index.js';
import type { CliContext } from '../cli/main.js';
import { trackInFlight } from './in-flight.js';
import { openServices } from './services.js';

/** How long answers in flight may take to finish after SIGTERM. */
const SHUTDOWN_GRACE_MS = 10_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `sanad start` / `npm start`: the web chat on PORT, plus the Slack app and the Discord bot when
 * their tokens are set, plus the briefing scheduler. SIGTERM/SIGINT stop new work, let answers in
 * flight finish (bounded), close connections and exit 0.
 */
export async function runStart(context: CliContext): Promise<number> {
  const { config, logger, io } = context;
  const services = await openServices(config, logger, { watch: true });
  const { store, settings, runner } = services;
  // Adapters answer through this wrapper, so shutdown knows when the last answer is done.
  const assistant = trackInFlight(services.assistant);
  const resolver = settings.resolver;
  const stops: (() => Promise<void>)[] = [];

  let slack: SlackBot | null = null;
  if (config.slack) {
    // In HTTP mode Slack's events share the web chat's server and port, unless the web is off.
    const shareServer = config.web && !config.slack.appToken;
    slack = await startSlackApp({
      config: {
        botToken: config.slack.botToken,
        appToken: config.slack.appToken,
        signingSecret: config.slack.signingSecret,
        apiUrl: config.slack.apiUrl ?? DEFAULT_SLACK_API_URL,
        port: config.port,
        host: config.host,
      },
      assistant,
      state: store,
      settings: resolver,
      logger,
      listen: !shareServer,
    });
    stops.push(() => slack!.stop());
    io.stdout.write(`sanad slack: connected as ${slack.identity.botUserId} (${slack.mode === 'socket' ? 'Socket Mode' : `HTTP events at ${SLACK_EVENTS_PATH}`})\n`);
  }

  let web: WebServer | null = null;
  if (config.web) {
    const extraRoutes: ExtraRoute[] = slack?.requestListener
      ? [{ method: 'POST', path: SLACK_EVENTS_PATH, handler: slack.requestListener }]
      : [];
    web = createWebServer({
      assistant,
      store,
      logger,
      host: config.host,
      port: config.port,
      extraRoutes,
      briefing: createBriefingProvider({ runner, store, briefing: webBriefingConfig(settings.briefings), logger: logger.child('briefing') }),
      // Slack's servers reach /slack/events by the public host name, not localhost.
      ...(extraRoutes.length > 0 ? { allowedHosts: 'any' as const } : {}),
    });
    const { url } = await web.start();
    stops.unshift(() => web!.stop({ graceMs: SHUTDOWN_GRACE_MS }));
    io.stdout.write(`sanad web chat: ${url}\n`);
  }

  let discord: DiscordAdapter | null = null;
  if (config.discord) {
    discord = createDiscordAdapter({ assistant, store, logger, settingsFor: resolver, config: config.discord });
    await discord.start();
    stops.push(() => discord!.stop());
    io.stdout.write('sanad discord: connected\n');
  }

  const posting = settings.briefings.filter((b) => (b.platform === 'slack' && slack) || (b.platform === 'discord' && discord));
  const scheduler = new BriefingScheduler({ runner, briefings: posting, graceHours: settings.briefingGraceHours, logger: logger.child('briefing') });
  scheduler.start();
  const purge = setInterval(() => store.purge(new Date(Date.now() - settings.retentionDays * DAY_MS)), DAY_MS);
  purge.unref();

  if (!web && !slack && !discord) {
    io.stderr.write('sanad: nothing to run: the web chat is off (SANAD_WEB=off) and no Slack or Discord token is set.\n');
    await services.close();
    return 1;
  }
  const core = services.assistant;
  logger.info('sanad is running', { documents: core.documents().length, paragraphs: core.index.size, llm: core.llmEnabled });

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info('shutting down: finishing answers in flight');
  clearInterval(purge);
  scheduler.stop();
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
  await Promise.race([Promise.allSettled([...stops.map((stop) => stop()), scheduler.idle(), assistant.idle()]), deadline]);
  await services.close();
  logger.info('stopped');
  return 0;
}
