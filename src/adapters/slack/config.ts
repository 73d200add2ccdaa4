import { registerSecret, SanadError } from '../../core/index.js';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';
export const SLACK_EVENTS_PATH = '/slack/events';

/** Everything the Slack adapter reads from the environment, resolved once at start. */
export interface SlackConfig {
  botToken: string;
  /** Set: Socket Mode. Unset: the HTTP Events API on `port`. */
  appToken: string | undefined;
  signingSecret: string | undefined;
  port: number;
  /** Interface to listen on; undefined = all interfaces (Bolt's default). */
  host: string | undefined;
  apiUrl: string;
}

export type SlackEnv = Partial<Record<'SLACK_BOT_TOKEN' | 'SLACK_APP_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_API_URL' | 'PORT' | 'HOST', string>>;

/** True when the environment asks for the Slack app at all (`npm start` starts it then). */
export function slackConfigured(env: SlackEnv = process.env): boolean {
  return Boolean(env.SLACK_BOT_TOKEN || env.SLACK_APP_TOKEN || env.SLACK_SIGNING_SECRET);
}

/**
 * Explicit values beat the environment. Fails with a hint naming the variable to set, instead
 * of letting Bolt fail later with a less direct message.
 */
export function resolveSlackConfig(env: SlackEnv = process.env, explicit: Partial<SlackConfig> = {}): SlackConfig {
  const botToken = explicit.botToken ?? env.SLACK_BOT_TOKEN;
  if (!botToken) {
    throw new SanadError('slack_config', 'The Slack bot token is missing.', {
      hint: 'Set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-…) from your app\'s "OAuth & Permissions" page.',
    });
  }
  if (!botToken.startsWith('xoxb-')) {
    throw new SanadError('slack_config', 'SLACK_BOT_TOKEN is not a bot token.', {
      hint: 'Use the Bot User OAuth Token, which starts with xoxb- (not a user token xoxp- or an app token xapp-).',
    });
  }
  const appToken = explicit.appToken ?? (env.SLACK_APP_TOKEN || undefined);
  if (appToken && !appToken.startsWith('xapp-')) {
    throw new SanadError('slack_config', 'SLACK_APP_TOKEN is not an app-level token.', {
      hint: 'Create an app-level token with the connections:write scope ("Basic Information" page); it starts with xapp-.',
    });
  }
  const signingSecret = explicit.signingSecret ?? (env.SLACK_SIGNING_SECRET || undefined);
  if (!appToken && !signingSecret) {
    throw new SanadError('slack_config', 'Neither SLACK_APP_TOKEN nor SLACK_SIGNING_SECRET is set.', {
      hint: 'For Socket Mode (no public URL) set SLACK_APP_TOKEN; for the HTTP Events API set SLACK_SIGNING_SECRET from the "Basic Information" page.',
    });
  }
  const portText = env.PORT ?? '3000';
  const port = explicit.port ?? Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SanadError('slack_config', `PORT is not a valid port: ${JSON.stringify(portText)}.`, { hint: 'Set PORT to a number between 1 and 65535.' });
  }
  let apiUrl = explicit.apiUrl ?? (env.SLACK_API_URL || DEFAULT_SLACK_API_URL);
  try {
    new URL(apiUrl);
  } catch {
    throw new SanadError('slack_config', `SLACK_API_URL is not a URL: ${JSON.stringify(apiUrl)}.`, {
      hint: 'Leave SLACK_API_URL unset to use https://slack.com/api/, or set it to a full URL such as http://proxy:8080/api/.',
    });
  }
  if (!apiUrl.endsWith('/')) apiUrl += '/';
  for (const secret of [botToken, appToken, signingSecret]) registerSecret(secret);
  return { botToken, appToken, signingSecret, port, host: explicit.host ?? (env.HOST || undefined), apiUrl };
}
