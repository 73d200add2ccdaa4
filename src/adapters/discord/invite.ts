import { PermissionFlagsBits } from 'discord.js';

/**
 * The permissions the bot needs, and why. docs/discord.md quotes the resulting integer; a test
 * keeps the two in step.
 */
export const BOT_PERMISSIONS = {
  /** See the channels it is asked in. */
  ViewChannel: PermissionFlagsBits.ViewChannel,
  /** Post answers. */
  SendMessages: PermissionFlagsBits.SendMessages,
  /** Answers are embeds; without it Discord hides them. */
  EmbedLinks: PermissionFlagsBits.EmbedLinks,
  /** Reply to a question, read a thread's earlier messages and a reply chain as the conversation. */
  ReadMessageHistory: PermissionFlagsBits.ReadMessageHistory,
  /** One thread per question in channels configured with `placement: thread`. */
  CreatePublicThreads: PermissionFlagsBits.CreatePublicThreads,
  /** Answer inside threads. */
  SendMessagesInThreads: PermissionFlagsBits.SendMessagesInThreads,
} as const;

export const BOT_PERMISSIONS_INTEGER: bigint = Object.values(BOT_PERMISSIONS).reduce((all, bit) => all | bit, 0n);

/** The OAuth2 URL that adds the bot to a server with the slash command and exactly these permissions. */
export function inviteUrl(applicationId: string): string {
  const params = new URLSearchParams({
    client_id: applicationId,
    scope: 'bot applications.commands',
    permissions: BOT_PERMISSIONS_INTEGER.toString(),
  });
  return `https://discord.com/oauth2/authorize?${params.toString().replace(/\+/g, '%20')}`;
}
