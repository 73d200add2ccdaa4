/**
 * The chat-adapter contract: what every chat platform adapter (Slack, Discord, …) must do,
 * written once and run against each adapter through a harness that drives the real SDK
 * against a fake platform server on loopback.
 */
import { describe, expect, it, afterEach } from 'vitest';
import type { ChannelSettings } from '../../src/core/channels.js';
import type { Assistant } from '../../src/core/types.js';
import { collectionsKnowledgeDir } from '../fixtures/knowledge.js';

/** A message the bot sent (or its final edited state), flattened to what a person sees. */
export interface PostedReply {
  channel: string;
  /** The thread or message it replies to; null when posted at the channel's top level. */
  replyTo: string | null;
  /** All visible text: message text, blocks, embeds, fields, flattened. */
  text: string;
  /** True when the platform would notify anyone (mass mention, user, role) from this message. */
  canPing: boolean;
  /** True when every platform size limit is respected by this message. */
  withinLimits: boolean;
  /** The whole answer, when split: number of messages or blocks it used. */
  parts: number;
}

export interface HarnessOptions {
  /** Knowledge folder for the real assistant; default the repo's knowledge/. */
  knowledgeDir?: string;
  /** Replaces the assistant, e.g. one that throws to test the apology. */
  assistant?: Assistant;
  /** Channel settings for every channel (merged over the defaults), as the config file gives them. */
  settings?: Partial<ChannelSettings>;
  /** The overall deadline for one answer (the platforms' default is 90 s). */
  answerTimeoutMs?: number;
}

export interface ChatHarness {
  /** A user mentions the bot in a channel (top level, or inside `thread`). Returns the message id. */
  mention(text: string, options?: { channel?: string; user?: string; thread?: string }): Promise<string>;
  /** A user writes to the bot in a direct message. */
  directMessage(text: string, options?: { user?: string }): Promise<string>;
  /** A user writes in a channel without mentioning the bot. */
  channelMessage(text: string, options?: { channel?: string; user?: string }): Promise<string>;
  /** Another bot mentions this one in a channel. */
  botMessage(text: string, options?: { channel?: string }): Promise<string>;
  /** Waits until `count` final replies exist in total (or the timeout passes) and returns all. */
  replies(options?: { count?: number; timeoutMs?: number }): Promise<PostedReply[]>;
  close(): Promise<void>;
}

export type HarnessFactory = (options?: HarnessOptions) => Promise<ChatHarness>;

export function chatAdapterContract(platform: string, createHarness: HarnessFactory, hostileKnowledgeDir: () => Promise<string>): void {
  describe(`chat-adapter contract: ${platform}`, () => {
    let harness: ChatHarness | undefined;
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    it('answers a mention in a thread under it, citing the paragraph', async () => {
      harness = await createHarness();
      const id = await harness.mention('من هو سفير فرنسا لدى الأمم المتحدة؟', { channel: 'C1' });
      const [reply] = await harness.replies({ count: 1 });
      expect(reply).toBeDefined();
      expect(reply!.channel).toBe('C1');
      expect(reply!.replyTo).toBe(id);
      expect(reply!.text).toContain('ديلاتر');
      expect(reply!.text).toMatch(/¶\d+/);
      expect(reply!.canPing).toBe(false);
    });

    it('answers a direct message', async () => {
      harness = await createHarness();
      await harness.directMessage('ما اسم العملية العسكرية الفرنسية في مالي عام 2013؟');
      const [reply] = await harness.replies({ count: 1 });
      expect(reply!.text).toContain('سيرفال');
    });

    it('declines visibly when the knowledge does not answer', async () => {
      harness = await createHarness();
      await harness.mention('من فاز بكأس العالم لكرة القدم عام 2018؟');
      const [reply] = await harness.replies({ count: 1 });
      expect(reply!.text).toContain('لم أجد');
    });

    it('ignores messages from bots', async () => {
      harness = await createHarness();
      await harness.botMessage('من هو سفير فرنسا لدى الأمم المتحدة؟');
      const replies = await harness.replies({ count: 1, timeoutMs: 1500 });
      expect(replies).toHaveLength(0);
    });

    it('never pings anyone, whatever the question or the knowledge says', async () => {
      harness = await createHarness({ knowledgeDir: await hostileKnowledgeDir() });
      await harness.mention('@everyone @here <!channel> <!here> what does the notice to everyone say?');
      await harness.mention('ما هو الإعلان الموجه إلى الجميع في القناة؟');
      const replies = await harness.replies({ count: 2 });
      expect(replies).toHaveLength(2);
      for (const reply of replies) expect(reply.canPing).toBe(false);
    });

    it('splits a long answer within the platform limits, losing nothing', async () => {
      harness = await createHarness({ knowledgeDir: await hostileKnowledgeDir() });
      await harness.mention('ما هي قائمة المبادرات الطويلة كلها؟');
      const [reply] = await harness.replies({ count: 1 });
      expect(reply!.withinLimits).toBe(true);
      expect(reply!.text).toContain('المبادرة الأخيرة رقم 60');
    });

    it('replies with an apology and an error id when answering fails', async () => {
      const failing: Assistant = {
        ask: async () => {
          throw new Error('index exploded');
        },
        askStream: () => ({
          [Symbol.asyncIterator]: () => ({
            next: async () => {
              throw new Error('index exploded');
            },
          }),
        }),
        paragraph: () => null,
      };
      harness = await createHarness({ assistant: failing });
      await harness.mention('من هو سفير فرنسا لدى الأمم المتحدة؟');
      const [reply] = await harness.replies({ count: 1 });
      expect(reply!.text).toMatch(/[A-Z0-9]{6}/);
      expect(reply!.text).not.toContain('index exploded');
    });

    it('respond: mention (the default) leaves a question without a mention alone', async () => {
      harness = await createHarness();
      await harness.channelMessage('من هو سفير فرنسا لدى الأمم المتحدة؟');
      expect(await harness.replies({ count: 1, timeoutMs: 1500 })).toHaveLength(0);
    });

    it('respond: questions answers a question without a mention, and not a plain remark', async () => {
      harness = await createHarness({ settings: { respond: 'questions' } });
      await harness.channelMessage('شكرًا للجميع على الاجتماع اليوم');
      await harness.channelMessage('من هو سفير فرنسا لدى الأمم المتحدة؟');
      const replies = await harness.replies({ count: 2, timeoutMs: 4000 });
      expect(replies).toHaveLength(1);
      expect(replies[0]!.text).toContain('ديلاتر');
    });

    it('respond: off answers nothing, not even a mention', async () => {
      harness = await createHarness({ settings: { respond: 'off' } });
      await harness.mention('من هو سفير فرنسا لدى الأمم المتحدة؟');
      expect(await harness.replies({ count: 1, timeoutMs: 1500 })).toHaveLength(0);
    });

    it('answers only from the collections the channel may use', async () => {
      const dir = collectionsKnowledgeDir();
      harness = await createHarness({ knowledgeDir: dir, settings: { collections: ['ops'] } });
      await harness.mention('How many days of paid leave does an employee have?');
      const [reply] = await harness.replies({ count: 1 });
      expect(reply!.text).not.toContain('twenty-five');
      expect(reply!.text).not.toContain('Leave policy');
    });

    it('gives every answer an overall deadline: past it, an apology, never silence', async () => {
      // A core that only ends when the adapter gives up on it (its signal), as a stuck model would.
      const stuck: Assistant = {
        ask: (_q, options) =>
          new Promise((_resolve, reject) => options?.signal?.addEventListener('abort', () => reject(new Error('gave up')), { once: true })),
        askStream: (_q, options) => ({
          [Symbol.asyncIterator]: () => ({
            next: () =>
              new Promise((_resolve, reject) =>
                options?.signal?.addEventListener('abort', () => reject(new Error('gave up')), { once: true }),
              ),
          }),
        }),
        paragraph: () => null,
      };
      harness = await createHarness({ assistant: stuck, answerTimeoutMs: 500 });
      await harness.mention('من هو سفير فرنسا لدى الأمم المتحدة؟');
      const [reply] = await harness.replies({ count: 1, timeoutMs: 20_000 });
      expect(reply).toBeDefined();
      expect(reply!.text).toMatch(/[A-Z0-9]{6}/);
    });

    it('uses the thread as the conversation for a follow-up', async () => {
      harness = await createHarness();
      const first = await harness.mention('ما هي عملية شمال؟', { channel: 'C2' });
      await harness.replies({ count: 1 });
      await harness.mention('ومتى حدث ذلك؟', { channel: 'C2', thread: first });
      const replies = await harness.replies({ count: 2 });
      expect(replies[1]!.text).toContain('2014');
    });
  });
}
