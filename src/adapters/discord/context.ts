import type { SharedRateLimits, RateVerdict, RateCheck, Assistant, ChannelSettingsResolver, Citation, Clock, Lang, Logger, StateStore } from '../../core/index.js';
import type { RateLimiter } from './rate-limit.js';

/** What the handlers share: the core's ports plus the adapter's own small state. */
export interface DiscordContext {
  assistant: Assistant;
  store: StateStore;
  logger: Logger;
  settingsFor: ChannelSettingsResolver;
  clock: Clock;
  limiter: RateLimiter;
  /** Rate limits counted with the other replicas (PostgreSQL); null: `limiter`, in this process. */
  sharedLimits: SharedRateLimits | null;
  answers: AnswerMemory;
}

/** Counts a question against its limits: shared by the replicas when they share a database. */
export async function takeLimits(ctx: DiscordContext, checks: RateCheck[]): Promise<RateVerdict> {
  if (!ctx.sharedLimits) return ctx.limiter.takeAll(checks);
  return ctx.sharedLimits.takeRate(checks.map((c) => ({ ...c, key: `discord:${c.key}` })), 60_000, ctx.clock.now());
}

export interface RememberedAnswer {
  question: string;
  answer: string;
  language: Lang;
  citations: Pick<Citation, 'document' | 'paragraph' | 'paragraphId' | 'title' | 'section'>[];
}

/**
 * Recent answers by a short key, so a 👍 records the question it rates and a long paragraph id
 * can hide behind a button. Bounded: the oldest are forgotten first.
 */
export class AnswerMemory {
  private readonly entries = new Map<string, RememberedAnswer>();
  constructor(private readonly max = 2000) {}

  remember(answer: RememberedAnswer): string {
    const key = randomKey();
    this.entries.set(key, answer);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return key;
  }

  get(key: string): RememberedAnswer | null {
    return this.entries.get(key) ?? null;
  }
}

function randomKey(): string {
  return Math.random().toString(36).slice(2, 10) + Date.now().toString(36).slice(-4);
}
