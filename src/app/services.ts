import { REST } from '@discordjs/rest';
import { WebClient } from '@slack/web-api';
import type { AppConfig } from '../config/env.js';
import { loadConfigFile, type SanadConfig } from '../config/file.js';
import {
  BriefingRunner,
  briefingDiscordRestOptions,
  briefingSlackClientOptions,
  createDiscordBriefingPoster,
  createLlmBriefingSummarizer,
  createSlackBriefingPoster,
  type BriefingPoster,
} from '../briefing/index.js';
import type { SanadAssistant } from '../core/assistant.js';
import type { Logger } from '../core/ports.js';
import type { SharedRateLimits } from '../core/state.js';
import type { KnowledgeDocument } from '../core/knowledge/types.js';
import { openStateStore, type SanadStore } from '../state/index.js';
import { openSources, type OpenedSources } from '../sources/index.js';
import { buildAssistant } from './assistant.js';

/** What every long-running command shares: channel settings, state, the assistant, briefings. */
export interface Services {
  settings: SanadConfig;
  store: SanadStore;
  /** Rate limits counted in the shared database (PostgreSQL); null: each adapter counts in memory. */
  sharedLimits: SharedRateLimits | null;
  assistant: SanadAssistant;
  runner: BriefingRunner;
  /** The followed sources (feeds, watched pages); their articles are indexed with the folder. */
  sources: OpenedSources;
  close(): Promise<void>;
}

/**
 * Resolves the config file, opens the state store, builds the assistant and the briefing runner.
 * Knowledge changes are logged to the store as they happen, so briefings know what is new.
 */
export async function openServices(
  config: AppConfig,
  logger: Logger,
  options: { watch?: boolean; onProgress?: (done: number, total: number) => void } = {},
): Promise<Services> {
  const settings = loadConfigFile(config.configFile ?? undefined, { knowledgeDir: config.knowledgeDir });
  const { store, postgres } = await openStateStore({
    logger,
    dataDir: config.dataDir,
    database: config.database,
    retentionDays: settings.retentionDays,
  });
  // Articles fetched before are indexed from the data folder at start: nothing is fetched for that.
  const sink = {
    putDocuments: (docs: KnowledgeDocument[]) => assistant.putDocuments(docs),
    removeDocuments: (ids: string[]) => assistant.removeDocuments(ids),
  };
  const sources = openSources(settings.sources, config.dataDir, logger, sink);
  const assistant = await buildAssistant(config, {
    logger,
    watch: options.watch,
    onProgress: options.onProgress,
    sharedEmbeddings: postgres,
    extraDocuments: sources.service.documents(),
  }).catch(async (error: unknown) => {
    await sources.close();
    throw error;
  });
  // The resilient store never rejects, so a change handler may start the write and move on.
  const recordKnowledge = () =>
    store.recordDocuments(
      assistant.documents().map((d) => ({ document: d.document, collection: d.collection, title: d.title, hash: d.hash })),
      new Date(),
    );
  await recordKnowledge();
  const unsubscribe = assistant.onChange(() => void recordKnowledge());
  const runner = new BriefingRunner({
    store,
    documents: () => assistant.documents(),
    posters: briefingPosters(config),
    logger: logger.child('briefing'),
    // With a model configured, briefings also get a short summary, verified like any answer.
    ...(assistant.llm ? { summarizer: createLlmBriefingSummarizer(assistant.llm, { deadlineMs: config.llm.deadlineMs }) } : {}),
  });
  return {
    settings,
    store,
    sharedLimits: postgres ? store : null,
    assistant,
    runner,
    sources,
    async close() {
      unsubscribe();
      await sources.close();
      await assistant.close();
      await store.close();
    },
  };
}

/** A poster for each platform whose token is configured. */
export function briefingPosters(config: AppConfig): Partial<Record<'slack' | 'discord', BriefingPoster>> {
  const posters: Partial<Record<'slack' | 'discord', BriefingPoster>> = {};
  if (config.slack) {
    posters.slack = createSlackBriefingPoster(
      new WebClient(config.slack.botToken, { ...briefingSlackClientOptions, slackApiUrl: config.slack.apiUrl }),
    );
  }
  if (config.discord) {
    const rest = new REST({
      version: '10',
      ...briefingDiscordRestOptions,
      ...(config.discord.apiUrl ? { api: config.discord.apiUrl } : {}),
    });
    posters.discord = createDiscordBriefingPoster(rest.setToken(config.discord.token));
  }
  return posters;
}
