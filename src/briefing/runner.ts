import { randomUUID } from 'node:crypto';
import type { BriefingConfig, Platform } from '../config/file.js';
import type { KnowledgeDocument } from '../core/knowledge/types.js';
import { systemClock, type Clock, type Logger } from '../core/ports.js';
import type { SanadStore } from '../state/types.js';
import { buildBriefing, type BriefingSummarizer } from './build.js';
import type { Briefing } from './model.js';
import { isTransientPostError, type BriefingPoster, type RenderedBriefing } from './poster.js';
import { renderDiscord } from './render-discord.js';
import { renderSlack } from './render-slack.js';
import { renderMarkdown } from './render-text.js';
import { addDays, localDay, startOfDay } from './time.js';

export interface BriefingRunnerDeps {
  store: SanadStore;
  /** The knowledge as it is now; called for each briefing so documents added while running count. */
  documents: () => KnowledgeDocument[] | Promise<KnowledgeDocument[]>;
  posters: Partial<Record<Platform, BriefingPoster>>;
  logger: Logger;
  clock?: Clock;
  /** Identifies this process's claims; default a random id. */
  owner?: string;
  /** How long a claim protects a post in progress (default 2 minutes). */
  leaseMs?: number;
  summarizer?: BriefingSummarizer;
}

export type RunOutcome =
  | { status: 'posted'; key: string; messageId: string }
  | { status: 'recovered'; key: string; messageId: string }
  | { status: 'skipped'; key: string }
  | { status: 'done'; key: string }
  | { status: 'busy'; key: string; retryAt: Date }
  | { status: 'failed'; key: string; error: unknown }
  | { status: 'no-poster'; key: string };

export const DEFAULT_LEASE_MS = 2 * 60_000;

/** Tries per post, and the pause before each retry; all within half the lease (see postWithin). */
const POST_ATTEMPTS = 3;
const RETRY_PAUSES_MS = [1_000, 3_000];

export function briefingKey(platform: string, channel: string, day: string): string {
  return `${platform}:${channel}:${day}`;
}

/**
 * Makes and posts one channel's briefing for one day, exactly once: claim in the store (one
 * transaction), build, render, post, record the message id. A claim left by a crash is taken
 * over after its lease; then `findPosted` (if the poster has it) decides between recording the
 * message found and posting again.
 */
export class BriefingRunner {
  readonly owner: string;
  private readonly clock: Clock;
  private readonly leaseMs: number;
  private readonly logger: Logger;

  constructor(private readonly deps: BriefingRunnerDeps) {
    this.owner = deps.owner ?? randomUUID();
    this.clock = deps.clock ?? systemClock;
    this.leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
    this.logger = deps.logger;
  }

  /** Runs the briefing due at `scheduledAt` (its day is the local day of that instant). */
  async run(config: BriefingConfig, scheduledAt: Date): Promise<RunOutcome> {
    const day = localDay(scheduledAt, config.timezone);
    const key = briefingKey(config.platform, config.channel, day);
    const poster = this.deps.posters[config.platform];
    if (!poster) return { status: 'no-poster', key };

    const claim = await this.deps.store.claimBriefing({
      key,
      platform: config.platform,
      channel: config.channel,
      day,
      owner: this.owner,
      at: this.clock.now(),
      leaseMs: this.leaseMs,
    });
    if (claim.status === 'done') return { status: 'done', key };
    if (claim.status === 'busy') return { status: 'busy', key, retryAt: claim.retryAt };

    try {
      if (poster.findPosted) {
        // Look even on a first claim: a briefing posted while the store was failing (locked, read-only,
        // full) was never recorded, so after the store recovers or the process restarts the claim is new.
        const found = await poster.findPosted(config.channel, key).catch((error: unknown) => {
          if (claim.attempt > 1) throw error;
          this.logger.warn('could not look for an earlier post of this briefing; posting it', { key, error });
          return null;
        });
        if (found) {
          await this.complete(key, { state: 'posted', messageId: found.messageId, content: null });
          this.logger.info('briefing found already posted; recorded it', { key, messageId: found.messageId });
          return { status: 'recovered', key, messageId: found.messageId };
        }
      }
      const briefing = await this.build(config, day);
      if (!briefing) {
        await this.complete(key, { state: 'skipped' });
        this.logger.info('nothing to brief today; skipped', { key });
        return { status: 'skipped', key };
      }
      const posted = await this.postWithin(poster, config, key, render(briefing, config.platform, key));
      if (posted.status !== 'posted') return posted;
      const { messageId } = posted;
      await this.complete(key, { state: 'posted', messageId, content: JSON.stringify(briefing) });
      this.logger.info('briefing posted', { key, messageId, attempt: claim.attempt });
      return { status: 'posted', key, messageId };
    } catch (error) {
      this.logger.error('briefing could not be posted', { key, error });
      await this.deps.store.releaseBriefing(key, this.owner);
      return { status: 'failed', key, error };
    }
  }

  /**
   * Posts, retrying a transient failure a few times within half the lease (each request is
   * itself bounded by the client's timeout), so no attempt outlives the claim. Before each retry
   * the claim is renewed: if another process took it over meanwhile, this one stops before it
   * can post; and the channel is searched first, since a failed attempt may have landed anyway.
   */
  private async postWithin(poster: BriefingPoster, config: BriefingConfig, key: string, rendered: RenderedBriefing): Promise<RunOutcome> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const { messageId } = await poster.post(config.channel, rendered);
        return { status: 'posted', key, messageId };
      } catch (error) {
        const pause = RETRY_PAUSES_MS[attempt - 1] ?? RETRY_PAUSES_MS.at(-1)!;
        if (!isTransientPostError(error) || attempt >= POST_ATTEMPTS || Date.now() - started + pause > this.leaseMs / 2) throw error;
        this.logger.warn('briefing post failed; trying again', {
          key,
          attempt,
          error,
        });
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
      const renewed = await this.deps.store.claimBriefing({
        key,
        platform: config.platform,
        channel: config.channel,
        day: rendered.day,
        owner: this.owner,
        at: this.clock.now(),
        leaseMs: this.leaseMs,
      });
      if (renewed.status === 'done') return { status: 'done', key };
      if (renewed.status === 'busy') {
        this.logger.warn('briefing claim taken over by another process while retrying; not posting', { key });
        return { status: 'busy', key, retryAt: renewed.retryAt };
      }
      const found = await poster.findPosted?.(config.channel, key).catch(() => null);
      if (found) {
        await this.complete(key, { state: 'posted', messageId: found.messageId, content: null });
        this.logger.info('briefing found posted by a failed attempt; recorded it', { key, messageId: found.messageId });
        return { status: 'recovered', key, messageId: found.messageId };
      }
    }
  }

  /**
   * The briefing for `day` without claiming or posting (CLI preview, web chat): what changed
   * since the last briefing before that day, and the day before's questions.
   */
  async build(config: BriefingConfig, day: string): Promise<Briefing | null> {
    const now = this.clock.now();
    const documents = await this.deps.documents();
    await this.deps.store.recordDocuments(
      documents.map((d) => ({ document: d.document, collection: d.collection, title: d.title, hash: d.hash })),
      now,
    );
    const dayStart = startOfDay(day, config.timezone);
    const last = await this.deps.store.lastBriefing(config.platform, config.channel, dayStart);
    const since = last?.postedAt ?? new Date(0);
    const changedSince = (await this.deps.store.knowledgeChangedSince(since)).map((entry) => ({
      document: entry.document,
      status: entry.firstSeen > since ? ('new' as const) : ('changed' as const),
    }));
    const stats = await this.deps.store.questionStats(
      config.platform,
      config.channel,
      startOfDay(addDays(day, -1), config.timezone),
      dayStart,
    );
    const briefing = buildBriefing({
      documents,
      changedSince,
      stats,
      language: config.language,
      ...(config.collections ? { collections: config.collections } : {}),
      whenQuiet: config.whenQuiet,
      date: day,
    });
    if (briefing && this.deps.summarizer) {
      try {
        const summary = await this.deps.summarizer(briefing);
        if (summary) briefing.summary = summary;
      } catch (error) {
        this.logger.warn('briefing summary failed; posting the extractive briefing', { error });
      }
    }
    return briefing;
  }

  private async complete(
    key: string,
    outcome: { state: 'posted' | 'skipped'; messageId?: string | null; content?: string | null },
  ): Promise<void> {
    if (!(await this.deps.store.completeBriefing(key, this.owner, { ...outcome, at: this.clock.now() }))) {
      this.logger.warn('briefing claim was taken over before it was recorded', { key });
    }
  }
}

/** Renders for the channel's platform; the markdown is always there. */
export function render(briefing: Briefing, platform: Platform, key: string): RenderedBriefing {
  return {
    key,
    day: briefing.date,
    markdown: renderMarkdown(briefing),
    ...(platform === 'slack' ? { slack: renderSlack(briefing, { key }) } : {}),
    ...(platform === 'discord' ? { discord: renderDiscord(briefing, { key }) } : {}),
  };
}
