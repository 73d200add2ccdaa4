import type { BriefingConfig } from '../config/file.js';
import { systemClock, type Clock, type Logger } from '../core/ports.js';
import type { BriefingStore } from '../state/types.js';
import type { Briefing } from './model.js';
import { toBriefingView, type BriefingTextView } from './render-text.js';
import type { BriefingRunner } from './runner.js';
import { localDay } from './time.js';

/** What the web chat's `#briefing` asks for (its `BriefingProvider`). */
export interface BriefingViewProvider {
  /** Today's briefing, made on demand; null when there is nothing to brief. */
  today(): Promise<BriefingTextView | null>;
  /** Earlier briefings from the log, newest first. */
  history(): Promise<BriefingTextView[]>;
}

export interface ProviderDeps {
  runner: BriefingRunner;
  store: BriefingStore;
  /** The briefing the page shows: a `platform: web` entry, or any channel's. */
  briefing: BriefingConfig;
  logger: Logger;
  clock?: Clock;
  /** How many past briefings `history()` returns (default 14). */
  historyLimit?: number;
}

/** Today's briefing made on demand (never posted), and the posted ones from the log. */
export function createBriefingProvider(deps: ProviderDeps): BriefingViewProvider {
  const clock = deps.clock ?? systemClock;
  const label = deps.briefing.name ?? deps.briefing.channel;
  return {
    async today() {
      const briefing = await deps.runner.build(deps.briefing, localDay(clock.now(), deps.briefing.timezone));
      return briefing ? toBriefingView(briefing, label) : null;
    },
    async history() {
      const entries = deps.store.briefingHistory(deps.briefing.platform, deps.briefing.channel, deps.historyLimit ?? 14);
      const views: BriefingTextView[] = [];
      for (const entry of entries) {
        if (!entry.content) continue;
        try {
          views.push(toBriefingView(JSON.parse(entry.content) as Briefing, label));
        } catch (error) {
          deps.logger.warn('unreadable briefing in the log', { key: entry.key, error: error instanceof Error ? error.message : String(error) });
        }
      }
      return views;
    },
  };
}

/** The briefing the web page shows when the config has no `platform: web` channel with one. */
export function webBriefingConfig(briefings: BriefingConfig[]): BriefingConfig {
  return (
    briefings.find((b) => b.platform === 'web') ?? {
      platform: 'web',
      channel: 'web',
      name: 'web',
      cron: '0 8 * * *',
      timezone: 'UTC',
      whenQuiet: 'highlights',
      language: 'auto',
    }
  );
}
