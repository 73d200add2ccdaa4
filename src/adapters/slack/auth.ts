import { webApi } from '@slack/bolt';
import { SanadError } from '../../core/index.js';
import type { SlackConfig } from './config.js';

/** Who the bot is in the workspace, from `auth.test`. */
export interface BotIdentity {
  botUserId: string;
  botId: string;
  teamId: string | undefined;
  team: string | undefined;
}

const AUTH_TIMEOUT_MS = 10_000;

/**
 * Checks the bot token once, quickly, at start-up. The Web API client's default would retry for
 * about half an hour on a network error; a person starting the bot wants to know now.
 */
export async function verifyBotToken(config: Pick<SlackConfig, 'botToken' | 'apiUrl'>): Promise<BotIdentity> {
  const client = new webApi.WebClient(config.botToken, {
    slackApiUrl: config.apiUrl,
    retryConfig: { retries: 1, factor: 1, minTimeout: 250, maxTimeout: 250 },
    timeout: AUTH_TIMEOUT_MS,
    logLevel: webApi.LogLevel.ERROR,
  });
  let result: webApi.AuthTestResponse;
  try {
    result = await client.auth.test();
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (
      code === 'invalid_auth' ||
      code === 'not_authed' ||
      code === 'account_inactive' ||
      code === 'token_revoked' ||
      code === 'token_expired'
    ) {
      throw new SanadError('slack_auth', `Slack rejected SLACK_BOT_TOKEN (${code}).`, {
        hint: 'Copy the Bot User OAuth Token again from "OAuth & Permissions" (reinstall the app to the workspace if it was revoked).',
        cause: error,
      });
    }
    throw new SanadError(
      'slack_unreachable',
      `Could not reach Slack at ${config.apiUrl} to check the token: ${code ?? (error as Error).message}.`,
      {
        hint: 'Check the network (or SLACK_API_URL if you set one), then start again.',
        cause: error,
      },
    );
  }
  if (!result.user_id || !result.bot_id) {
    throw new SanadError('slack_auth', 'SLACK_BOT_TOKEN is valid but does not belong to a bot user.', {
      hint: 'Use the Bot User OAuth Token (xoxb-…), and make sure the app has a bot user ("App Home").',
    });
  }
  return { botUserId: result.user_id, botId: result.bot_id, teamId: result.team_id, team: result.team };
}
