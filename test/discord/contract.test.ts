/**
 * The cross-platform chat-adapter contract, run against the real Discord adapter (real
 * discord.js client, the fake Discord on loopback) and the real assistant.
 */
import { createAssistant } from '../../src/core/index.js';
import type { Assistant } from '../../src/core/types.js';
import { chatAdapterContract } from '../contract/chat-adapter.js';
import type { ChatHarness, HarnessOptions } from '../contract/chat-adapter.js';
import { hostileKnowledgeDir, REPO_KNOWLEDGE } from '../fixtures/knowledge.js';
import { DiscordHarness } from './harness.js';

/** Building an index takes a moment: one assistant per knowledge folder for the whole file. */
const assistants = new Map<string, Promise<Assistant>>();
function assistantFor(knowledgeDir: string): Promise<Assistant> {
  let assistant = assistants.get(knowledgeDir);
  if (!assistant) {
    assistant = createAssistant({ knowledgeDir, cacheDir: null });
    assistants.set(knowledgeDir, assistant);
  }
  return assistant;
}

let hostile: string | undefined;

async function createHarness(options: HarnessOptions = {}): Promise<ChatHarness> {
  const assistant = options.assistant ?? (await assistantFor(options.knowledgeDir ?? REPO_KNOWLEDGE));
  return DiscordHarness.start(assistant, options.settings);
}

chatAdapterContract('discord', createHarness, async () => (hostile ??= hostileKnowledgeDir()));
