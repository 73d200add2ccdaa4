/**
 * The cross-platform chat-adapter contract, run against the real Slack adapter (real Bolt over
 * signed HTTP, the fake Slack on loopback) and the real assistant over the repo's knowledge.
 */
import { chatAdapterContract, type ChatHarness, type HarnessOptions, type PostedReply } from '../contract/chat-adapter.js';
import { hostileKnowledgeDir, ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { SlackTestBed, groupCanPing, groupText, groupWithinLimits } from './helpers/testbed.js';
import { assistantFor } from '../contract/assistants.js';

let hostile: string | undefined;

async function createHarness(options: HarnessOptions = {}): Promise<ChatHarness> {
  const assistant = options.assistant ?? (await assistantFor(options.knowledgeDir ?? ARTICLE_KNOWLEDGE));
  const bed = await SlackTestBed.start({ assistant, settings: options.settings, answerTimeoutMs: options.answerTimeoutMs });
  return {
    mention: (text, o = {}) => bed.mention(text, { channel: o.channel, user: o.user, thread: o.thread }),
    directMessage: (text, o = {}) => bed.directMessage(text, { user: o.user }),
    channelMessage: async (text, o = {}) => {
      const channel = o.channel ?? 'C1';
      const user = o.user ?? 'U1';
      const ts = bed.fake.nextTs();
      bed.fake.addUserMessage({ channel, ts, user, text });
      await bed.deliverEvent({ type: 'message', channel_type: 'channel', user, text, ts, channel });
      return ts;
    },
    botMessage: (text, o = {}) => bed.mention(text, { channel: o.channel, user: 'UOTHERBOT', botId: 'BOTHER' }),
    replies: async ({ count = 1, timeoutMs = 15_000 } = {}): Promise<PostedReply[]> => {
      const groups = await bed.finalGroups(count, timeoutMs);
      return groups.map((g) => ({
        channel: g.channel,
        replyTo: g.replyTo,
        text: groupText(g),
        canPing: groupCanPing(g),
        withinLimits: groupWithinLimits(g),
        parts: g.messages.length,
      }));
    },
    close: () => bed.close(),
  };
}

chatAdapterContract('slack', createHarness, async () => (hostile ??= hostileKnowledgeDir()));
