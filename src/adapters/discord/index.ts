/** The Discord adapter's public surface. */
export { createDiscordAdapter, DISCORD_INTENTS } from './adapter.js';
export type { DiscordAdapter, DiscordAdapterOptions } from './adapter.js';
export { registerCommands, ASK_COMMAND } from './commands.js';
export type { DiscordCommandConfig } from './commands.js';
export { renderReply, renderParagraph, renderNotice, NO_MENTIONS } from './render.js';
export type { DiscordPayload } from './render.js';
export { DISCORD_LIMITS, limitViolations } from '../../platforms/index.js';
export { BOT_PERMISSIONS, BOT_PERMISSIONS_INTEGER, inviteUrl } from './invite.js';
