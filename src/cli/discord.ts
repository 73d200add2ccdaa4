import { registerCommands } from '../adapters/discord/index.js';
import { SanadError } from '../core/errors.js';
import type { CliContext } from './context.js';

/** `sanad discord register`: registers /ask in DISCORD_GUILD_ID, or globally. */
export async function runDiscordCli(context: CliContext): Promise<number> {
  const [sub] = context.positionals;
  if (sub !== 'register') {
    throw new SanadError('usage', `unknown discord command "${sub ?? ''}"`, { hint: 'sanad discord register' });
  }
  const discord = context.config.discord;
  if (!discord) {
    throw new SanadError('config_invalid', 'DISCORD_TOKEN is not set.', {
      hint: 'Set DISCORD_TOKEN and DISCORD_APPLICATION_ID (and DISCORD_GUILD_ID for instant, per-server registration); see docs/discord.md.',
    });
  }
  const result = await registerCommands(discord);
  context.io.stdout.write(
    result.scope === 'guild'
      ? `registered /ask in server ${discord.guildId}\n`
      : 'registered /ask globally (Discord can take up to an hour to show it everywhere)\n',
  );
  return 0;
}
