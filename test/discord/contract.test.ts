/**
 * The cross-platform chat-adapter contract, run against the real Discord adapter (real
 * discord.js client, the fake Discord on loopback) and the real assistant.
 */
import { chatAdapterContract } from '../contract/chat-adapter.js';
import type { ChatHarness, HarnessOptions } from '../contract/chat-adapter.js';
import { hostileKnowledgeDir, ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { DiscordHarness } from './harness.js';
import { assistantFor } from '../contract/assistants.js';

let hostile: string | undefined;

async function createHarness(options: HarnessOptions = {}): Promise<ChatHarness> {
  const assistant = options.assistant ?? (await assistantFor(options.knowledgeDir ?? ARTICLE_KNOWLEDGE));
  return DiscordHarness.start(assistant, options.settings, options.answerTimeoutMs);
}

chatAdapterContract('discord', createHarness, async () => (hostile ??= hostileKnowledgeDir()));
