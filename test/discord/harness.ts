/**
 * The chat-adapter contract's harness for Discord: the real adapter and discord.js client
 * against the fake Discord. A reply's `replyTo` is the message it replies to
 * (message_reference) or, for a message posted in a thread, the thread (whose id is the id of
 * the message that started it).
 */
import { limitViolations } from '../../src/platforms/index.js';
import { unescapeDiscordMarkdown } from '../../src/adapters/discord/text.js';
import type { ChannelSettings } from '../../src/core/channels.js';
import type { Assistant } from '../../src/core/types.js';
import type { ChatHarness, PostedReply } from '../contract/chat-adapter.js';
import { FakeDiscord } from './fake-discord.js';
import type { FakeChannel, FakeMessage } from './fake-discord.js';
import { couldPing, startBot, visibleText } from './helpers.js';
import type { RunningBot } from './helpers.js';

/** A reply is final once nothing was written for this long and all its messages have embeds. */
const QUIET_MS = 300;

interface Group {
  key: string;
  channel: string;
  replyTo: string | null;
  messages: FakeMessage[];
}

export class DiscordHarness implements ChatHarness {
  private constructor(
    readonly fake: FakeDiscord,
    readonly bot: RunningBot,
  ) {}

  static async start(assistant: Assistant, settings?: Partial<ChannelSettings>, answerTimeoutMs?: number): Promise<DiscordHarness> {
    const fake = await FakeDiscord.start();
    fake.textChannel('general');
    try {
      const bot = await startBot(fake, { assistant, settings, answerTimeoutMs });
      return new DiscordHarness(fake, bot);
    } catch (error) {
      await fake.close();
      throw error;
    }
  }

  async mention(text: string, options: { channel?: string; user?: string; thread?: string } = {}): Promise<string> {
    const author = this.fake.user(options.user ?? 'alice');
    let channel = this.fake.textChannel(options.channel ?? 'general');
    // A thread on Discord has the id of the message it was started from; a user may start it.
    if (options.thread) channel = this.fake.channels.get(options.thread) ?? this.fake.threadFrom(options.thread, 'thread', author);
    return this.fake.post({ channel, author, content: `<@${this.fake.bot.id}> ${text}`, mentions: [this.fake.bot] }).id;
  }

  async channelMessage(text: string, options: { channel?: string; user?: string } = {}): Promise<string> {
    const author = this.fake.user(options.user ?? 'alice');
    return this.fake.post({ channel: this.fake.textChannel(options.channel ?? 'general'), author, content: text }).id;
  }

  async directMessage(text: string, options: { user?: string } = {}): Promise<string> {
    const author = this.fake.user(options.user ?? 'alice');
    return this.fake.post({ channel: this.fake.dmChannel(author), author, content: text }).id;
  }

  async botMessage(text: string, options: { channel?: string } = {}): Promise<string> {
    const channel = this.fake.textChannel(options.channel ?? 'general');
    return this.fake.post({
      channel,
      author: this.fake.user('otherbot', true),
      content: `<@${this.fake.bot.id}> ${text}`,
      mentions: [this.fake.bot],
    }).id;
  }

  async replies(options: { count?: number; timeoutMs?: number } = {}): Promise<PostedReply[]> {
    const count = options.count ?? 1;
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    let final = this.finalGroups();
    while (Date.now() < deadline) {
      final = this.finalGroups();
      if (final.length >= count && Date.now() - this.fake.lastBotWrite >= QUIET_MS) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    return final.map((group) => ({
      channel: group.channel,
      replyTo: group.replyTo,
      text: group.messages.map((m) => unescapeDiscordMarkdown(visibleText(m))).join('\n'),
      canPing: group.messages.some(couldPing),
      withinLimits: group.messages.every((m) => limitViolations(m).length === 0),
      parts: group.messages.length,
    }));
  }

  async close(): Promise<void> {
    await this.bot.stop();
    await this.fake.close();
  }

  private finalGroups(): Group[] {
    const groups = new Map<string, Group>();
    for (const message of this.fake.botMessages()) {
      if (message.interaction_token) continue;
      const channel = this.fake.channels.get(message.channel_id)!;
      const inThread = channel.type === 11;
      const parentId = inThread ? channel.parent_id! : channel.id;
      const replyTo = message.message_reference?.message_id ?? (inThread ? channel.id : null);
      const key = `${message.channel_id}|${replyTo}`;
      const group = groups.get(key) ?? { key, channel: this.channelName(parentId), replyTo, messages: [] };
      group.messages.push(message);
      groups.set(key, group);
    }
    return [...groups.values()]
      .filter((g) => g.messages.every((m) => m.embeds.length > 0))
      .sort((a, b) => (BigInt(a.messages[0]!.id) < BigInt(b.messages[0]!.id) ? -1 : 1));
  }

  private channelName(id: string): string {
    const channel: FakeChannel | undefined = this.fake.channels.get(id);
    return channel?.name ?? id;
  }
}
