import type { BriefingConfig, Platform } from '../config/file.js';
import { systemClock, type Clock, type Logger } from '../core/ports.js';
import type { BriefingStore } from '../state/types.js';
import type { Briefing } from './model.js';
import { toBriefingView, type BriefingTextView } from './render-text.js';
import type { BriefingRunner } from './runner.js';
import { notPostedReason, type NotPosted } from './readiness.js';
import { localDay } from './time.js';

/** One configured briefing as the web chat lists it. */
export interface BriefingChannel {
  /** `platform:id`: what `today(key)`, `history(key)` and `GET /api/briefing?channel=` take. */
  key: string;
  platform: Platform;
  /** The channel's name in the config, else its id. */
  label: string;
  cron: string;
  timezone: string;
  /** Null when this sanad posts it on its schedule; else why not (see `notPostedReason`). */
  notPosted: NotPosted | null;
}

/** What the web chat's `#briefing` asks for (its `BriefingProvider`). */
export interface BriefingViewProvider {
  /** The briefings it can show, the one shown first at the head. */
  channels(): BriefingChannel[];
  /** Today's briefing of a channel (default: the first), made on demand; null when there is nothing to brief. */
  today(key?: string): Promise<BriefingTextView | null>;
  /** Earlier briefings of a channel from the log, newest first. */
  history(key?: string): Promise<BriefingTextView[]>;
}

export interface ProviderDeps {
  runner: BriefingRunner;
  store: BriefingStore;
  /** The configured briefings; none = one `web` briefing over all the knowledge. */
  briefings: BriefingConfig[];
  /** Platforms this sanad is connected to, so posts to (default none). */
  connected?: readonly Platform[];
  logger: Logger;
  clock?: Clock;
  /** How many past briefings `history()` returns (default 14). */
  historyLimit?: number;
  /**
   * The collections the web chat may show (its channel settings); undefined = all. Only
   * briefings drawn from within them are listed, and the default web briefing uses them.
   */
  collections?: string[];
}

/** Today's briefings made on demand (never posted), and the posted ones from the log. */
export function createBriefingProvider(deps: ProviderDeps): BriefingViewProvider {
  const clock = deps.clock ?? systemClock;
  const connected = deps.connected ?? [];
  // Briefings made for the web chat itself first, then the channels' in the config's order.
  const limit = deps.collections;
  const within = (b: BriefingConfig) => !limit || (b.collections !== undefined && b.collections.every((c) => limit.includes(c)));
  const configured = deps.briefings.filter(within).sort((a, b) => Number(b.platform === 'web') - Number(a.platform === 'web'));
  const configs = configured.length > 0 ? configured : [{ ...webBriefingConfig([]), ...(limit ? { collections: [...limit] } : {}) }];
  const keyOf = (b: BriefingConfig) => `${b.platform}:${b.channel}`;
  const find = (key?: string) => (key === undefined ? configs[0] : configs.find((b) => keyOf(b) === key)) ?? null;
  const label = (b: BriefingConfig) => b.name ?? b.channel;
  return {
    channels: () =>
      configs.map((b) => ({
        key: keyOf(b),
        platform: b.platform,
        label: label(b),
        cron: b.cron,
        timezone: b.timezone,
        notPosted: notPostedReason(b, connected),
      })),
    async today(key) {
      const config = find(key);
      if (!config) return null;
      const briefing = await deps.runner.build(config, localDay(clock.now(), config.timezone));
      return briefing ? toBriefingView(briefing, label(config)) : null;
    },
    async history(key) {
      const config = find(key);
      if (!config) return [];
      const entries = await deps.store.briefingHistory(config.platform, config.channel, deps.historyLimit ?? 14);
      const views: BriefingTextView[] = [];
      for (const entry of entries) {
        if (!entry.content) continue;
        try {
          views.push(toBriefingView(JSON.parse(entry.content) as Briefing, label(config)));
        } catch (error) {
          deps.logger.warn('unreadable briefing in the log', { key: entry.key, error });
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
