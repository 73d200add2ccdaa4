import { SanadError } from '../../core/errors.js';
import type { DiscordCommandConfig } from './commands.js';

/**
 * Discord settings from the environment: null when DISCORD_TOKEN is absent (the bot is simply
 * not started), an error naming the missing variable when the token is there but the rest is not.
 */
export function discordConfigFromEnv(env: Record<string, string | undefined> = process.env): DiscordCommandConfig | null {
  const token = env.DISCORD_TOKEN?.trim();
  if (!token) return null;
  const applicationId = env.DISCORD_APPLICATION_ID?.trim();
  if (!applicationId) {
    throw new SanadError('discord_config', 'DISCORD_TOKEN is set but DISCORD_APPLICATION_ID is not.', {
      hint: 'Set DISCORD_APPLICATION_ID to the Application ID on the Developer Portal → General Information page.',
    });
  }
  const apiUrl = env.DISCORD_API_URL?.trim();
  if (apiUrl && !/^https?:\/\//.test(apiUrl)) {
    throw new SanadError('discord_config', `DISCORD_API_URL is not an http(s) URL: ${apiUrl}`, {
      hint: 'Use the API base without the version, e.g. https://discord.com/api (the default).',
    });
  }
  const guildId = env.DISCORD_GUILD_ID?.trim();
  return { token, applicationId, ...(guildId ? { guildId } : {}), ...(apiUrl ? { apiUrl: apiUrl.replace(/\/+$/, '') } : {}) };
}
