/**
 * Facts about the chat platforms that more than one part renders for: the Discord adapter's
 * answers and the briefing's Discord posts are held to the same limits, written once.
 */
export { DISCORD_LIMITS, embedSize, limitViolations, type EmbedLike, type MessageLike } from './discord-limits.js';
