import type { webApi } from '@slack/bolt';
import type { Logger, Turn } from '../../core/index.js';
import type { BotIdentity } from './auth.js';
import { slackToPlain } from './mrkdwn.js';

/** How much of a long thread the core sees: the most recent turns carry the context. */
const MAX_TURNS = 20;

/**
 * The thread's earlier messages as the conversation, oldest first: the bot's own replies as
 * assistant turns, people's messages as user turns, other bots and system messages left out.
 * A failure here costs context, not the answer: it logs and returns what it has.
 */
export async function threadConversation(
  client: webApi.WebClient,
  where: { channel: string; threadTs: string; beforeTs: string },
  bot: BotIdentity,
  logger: Logger,
): Promise<Turn[]> {
  try {
    const result = await client.conversations.replies({ channel: where.channel, ts: where.threadTs, limit: 100 });
    const turns: Turn[] = [];
    for (const m of result.messages ?? []) {
      if (!m.ts || Number(m.ts) >= Number(where.beforeTs) || !m.text) continue;
      const own = m.user === bot.botUserId || m.bot_id === bot.botId;
      if (own) turns.push({ role: 'assistant', text: slackToPlain(m.text) });
      else if (!m.bot_id && !(m as { subtype?: string }).subtype) turns.push({ role: 'user', text: slackToPlain(m.text, bot.botUserId) });
    }
    return turns.filter((t) => t.text).slice(-MAX_TURNS);
  } catch (error) {
    logger.warn('could not read the thread; answering without it', { channel: where.channel, error });
    return [];
  }
}
