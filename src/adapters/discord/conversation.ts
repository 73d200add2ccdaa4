/**
 * The conversation behind a follow-up: the earlier messages of a thread (and the message that
 * started it), or the chain of replies a message answers. Oldest first, without the question.
 */
import type { Message, ThreadChannel } from 'discord.js';
import type { Turn } from '../../core/index.js';
import { unescapeDiscordMarkdown } from './text.js';

const MAX_THREAD_MESSAGES = 20;
const MAX_REPLY_CHAIN = 6;

/** The question without the mentions of the bot (as a user, or its managed role). */
export function stripBotMention(content: string, botId: string, roleIds: string[] = []): string {
  let text = content.replace(new RegExp(`<@!?${botId}>`, 'g'), ' ');
  for (const role of roleIds) text = text.split(`<@&${role}>`).join(' ');
  return text.replace(/\s+/g, ' ').trim();
}

/** A message as a turn: the bot's answers are assistant turns (their embed text), the rest user turns. */
export function toTurn(message: Message, botId: string): Turn | null {
  if (message.author.id === botId) {
    const text = message.embeds
      .map((embed) => embed.description ?? '')
      .filter(Boolean)
      .join('\n\n');
    const plain = unescapeDiscordMarkdown(text || message.content)
      .replace(/\s*▍$/, '')
      .trim();
    return plain ? { role: 'assistant', text: plain } : null;
  }
  const text = stripBotMention(message.content, botId);
  return text ? { role: 'user', text } : null;
}

/** The thread's starter message and its latest messages (before `before`, when given), oldest first. */
export async function threadConversation(thread: ThreadChannel, botId: string, before?: string): Promise<Turn[]> {
  const earlier = await thread.messages.fetch({ ...(before ? { before } : {}), limit: MAX_THREAD_MESSAGES });
  const messages = [...earlier.values()].sort((a, b) => a.createdTimestamp - b.createdTimestamp || compareIds(a.id, b.id));
  const starter = await thread.fetchStarterMessage().catch(() => null);
  if (starter && !messages.some((m) => m.id === starter.id)) messages.unshift(starter);
  return turns(messages, botId);
}

export async function conversationFor(message: Message, botId: string): Promise<Turn[]> {
  const channel = message.channel;
  if (channel.isThread()) return threadConversation(channel, botId, message.id);
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
