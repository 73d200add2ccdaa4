/**
 * The conversation behind a follow-up: the earlier messages of a thread (and the message that
 * started it), or the chain of replies a message answers. Oldest first, without the question.
 */
import type { Message } from 'discord.js';
import type { Turn } from '../../core/types.js';
import { unescapeDiscordMarkdown } from './text.js';

const MAX_THREAD_MESSAGES = 20;
const MAX_REPLY_CHAIN = 6;

export function stripBotMention(content: string, botId: string): string {
  return content.replace(new RegExp(`<@!?${botId}>`, 'g'), ' ').replace(/\s+/g, ' ').trim();
}

/** A message as a turn: the bot's answers are assistant turns (their embed text), the rest user turns. */
export function toTurn(message: Message, botId: string): Turn | null {
  if (message.author.id === botId) {
    const text = message.embeds
      .map((embed) => embed.description ?? '')
      .filter(Boolean)
      .join('\n\n');
    const plain = unescapeDiscordMarkdown(text || message.content).replace(/\s*▍$/, '').trim();
    return plain ? { role: 'assistant', text: plain } : null;
  }
  const text = stripBotMention(message.content, botId);
  return text ? { role: 'user', text } : null;
}

export async function conversationFor(message: Message, botId: string): Promise<Turn[]> {
  const channel = message.channel;
  if (channel.isThread()) {
    const earlier = await channel.messages.fetch({ before: message.id, limit: MAX_THREAD_MESSAGES });
    const messages = [...earlier.values()].sort((a, b) => a.createdTimestamp - b.createdTimestamp || compareIds(a.id, b.id));
    const starter = await channel.fetchStarterMessage().catch(() => null);
    if (starter && !messages.some((m) => m.id === starter.id)) messages.unshift(starter);
    return turns(messages, botId);
  }
  const chain: Message[] = [];
  let current: Message = message;
  for (let depth = 0; depth < MAX_REPLY_CHAIN && current.reference?.messageId; depth++) {
    const parent = await current.fetchReference().catch(() => null);
    if (!parent) break;
    chain.unshift(parent);
    current = parent;
  }
  return turns(chain, botId);
}

function turns(messages: Message[], botId: string): Turn[] {
  return messages.map((m) => toTurn(m, botId)).filter((t): t is Turn => t !== null);
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
