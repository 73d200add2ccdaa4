import { REST, Routes, ApplicationCommandOptionType, ApplicationCommandType } from 'discord.js';
import type { RESTPutAPIApplicationCommandsJSONBody } from 'discord.js';
import { asSanadError, SanadError } from '../../core/index.js';

/** What registering the slash command needs; `apiUrl` defaults to Discord's own API. */
export interface DiscordCommandConfig {
  token: string;
  applicationId: string;
  /** Register in this guild only (instant); globally when absent (can take a while to show). */
  guildId?: string;
  apiUrl?: string;
}

/** `/ask question: [private:]`. Usable in guild channels, the bot's DMs and group DMs. */
export const ASK_COMMAND = {
  type: ApplicationCommandType.ChatInput,
  name: 'ask',
  description: 'Ask a question; the answer cites the paragraph it comes from',
  description_localizations: {
    fr: 'Posez une question ; la réponse cite le paragraphe source',
  },
  contexts: [0, 1, 2],
  integration_types: [0],
  options: [
    {
      type: ApplicationCommandOptionType.String,
      name: 'question',
      description: 'Your question',
      description_localizations: { fr: 'Votre question' },
      required: true,
      max_length: 1000,
    },
    {
      type: ApplicationCommandOptionType.Boolean,
      name: 'private',
      description: 'Only you see the answer',
      description_localizations: { fr: 'Vous seul voyez la réponse' },
      required: false,
    },
  ],
} satisfies RESTPutAPIApplicationCommandsJSONBody[number];

/**
 * Registers `/ask`: in `guildId` when given, else globally. This is what
 * `npx sanad discord register` runs; the bot also runs it at start.
 */
export async function registerCommands(config: DiscordCommandConfig): Promise<{ scope: 'guild' | 'global'; count: number }> {
  const rest = new REST(config.apiUrl ? { api: config.apiUrl } : {}).setToken(config.token);
  const route = config.guildId
    ? Routes.applicationGuildCommands(config.applicationId, config.guildId)
    : Routes.applicationCommands(config.applicationId);
  try {
    const body: RESTPutAPIApplicationCommandsJSONBody = [ASK_COMMAND];
    const result = (await rest.put(route, { body })) as unknown[];
    return { scope: config.guildId ? 'guild' : 'global', count: Array.isArray(result) ? result.length : 1 };
  } catch (error) {
    const status = (error as { status?: number }).status;
    const hint =
      status === 401
        ? 'DISCORD_TOKEN is not a valid bot token: copy it again from the Developer Portal, Bot page.'
        : status === 403 || status === 404
          ? 'Check DISCORD_APPLICATION_ID, and that the bot was invited with the applications.commands scope to DISCORD_GUILD_ID.'
          : undefined;
    throw new SanadError('discord_register_failed', `Registering /ask failed: ${asSanadError(error).message}`, { hint, cause: error });
  } finally {
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  }
}
