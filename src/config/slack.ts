import { registerSecret } from '../core/ports.js';
import { type Env, httpUrl, invalid, pick, resolveHost, resolvePort } from './values.js';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/** The Slack app's settings, resolved once at start (what `startSlackApp` takes). */
export interface SlackSettings {
  botToken: string;
  /** Set: Socket Mode. Unset: the HTTP Events API on `port`. */
  appToken: string | undefined;
  signingSecret: string | undefined;
  /** Always ends with `/`. */
  apiUrl: string;
  port: number;
  host: string;
}

/**
 * Slack from the environment, checked once (tokens, API address, PORT, HOST); null when
 * SLACK_BOT_TOKEN is not set. Explicit values beat the environment; an error names both. Posting
 * a briefing needs only the bot token: whether the bot can receive events is `requireSlackEvents`.
 */
export function slackFromEnv(env: Env, explicit: Partial<SlackSettings> = {}): SlackSettings | null {
  const bot = pick(explicit.botToken, env, 'SLACK_BOT_TOKEN', 'botToken');
  if (bot.value === undefined) return null;
  const botToken = String(bot.value);
  if (!botToken.startsWith('xoxb-')) {
    throw invalid(
      bot.source,
      'must be a bot token starting with xoxb- (not a user token xoxp- or an app token xapp-)',
      'Copy the Bot User OAuth Token from your Slack app\'s "OAuth & Permissions" page.',
    );
  }
  const app = pick(explicit.appToken, env, 'SLACK_APP_TOKEN', 'appToken');
  const appToken = app.value === undefined ? undefined : String(app.value);
  if (appToken && !appToken.startsWith('xapp-')) {
    throw invalid(
      app.source,
      'must be an app-level token starting with xapp-',
      'Create one under "Basic Information → App-Level Tokens" with the connections:write scope.',
    );
  }
  const secret = pick(explicit.signingSecret, env, 'SLACK_SIGNING_SECRET', 'signingSecret');
  const signingSecret = secret.value === undefined ? undefined : String(secret.value);
  const api = pick(explicit.apiUrl, env, 'SLACK_API_URL', 'apiUrl');
  let apiUrl = httpUrl(api.value === undefined ? undefined : String(api.value), api.source, 'SLACK_API_URL') ?? DEFAULT_SLACK_API_URL;
  if (!apiUrl.endsWith('/')) apiUrl += '/';
  for (const value of [botToken, appToken, signingSecret]) registerSecret(value);
  return { botToken, appToken, signingSecret, apiUrl, port: resolvePort(env, explicit.port), host: resolveHost(env, explicit.host) };
}

/**
 * The bot answers Slack messages only if it can receive them: Socket Mode (SLACK_APP_TOKEN) or
 * HTTP events (SLACK_SIGNING_SECRET). `sanad start` checks this; posting a briefing does not need it.
 */
export function requireSlackEvents(slack: SlackSettings | null): void {
  if (slack && !slack.appToken && !slack.signingSecret) {
    throw invalid(
      'SLACK_BOT_TOKEN',
      'is set, but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP events) is, so the bot cannot receive messages',
      'Set SLACK_APP_TOKEN for Socket Mode (no public URL needed), or SLACK_SIGNING_SECRET for the HTTP Events API. (Posting briefings with sanad briefing --post needs only SLACK_BOT_TOKEN.)',
    );
  }
}

/** The Slack app as `sanad start` runs it: a bot token and a way to receive events, or an error saying what to set. */
export function resolveSlackConfig(env: Env, explicit: Partial<SlackSettings> = {}): SlackSettings {
  const slack = slackFromEnv(env, explicit);
  if (!slack) {
    throw invalid(
      'SLACK_BOT_TOKEN',
      'is not set (nor given as botToken)',
      'Set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) from your app\'s "OAuth & Permissions" page.',
    );
  }
  requireSlackEvents(slack);
  return slack;
}
