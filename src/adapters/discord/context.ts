import type { AnswerService } from '../../answering/index.js';
import {
  RATE_WINDOW_MS,
  type SharedRateLimits,
  type RateVerdict,
  type RateCheck,
  type Assistant,
  type ChannelSettingsResolver,
  type Citation,
  type Clock,
  type Lang,
  type Logger,
  type StateStore,
} from '../../core/index.js';
import type { MessageWork } from './message-work.js';

/** What the handlers share: the core's ports plus the adapter's own small state. */
export interface DiscordContext {
  assistant: Assistant;
  /** Answers, streams and records every question (src/answering): Discord only renders. */
  answering: AnswerService;
  store: StateStore;
  logger: Logger;
  /** Messages every replica receives: one answers under a lease, another takes over if it dies. */
  work: MessageWork;
  settingsFor: ChannelSettingsResolver;
  clock: Clock;
  /** Counted in this process, or with the other replicas (PostgreSQL). */
  limits: SharedRateLimits;
  answers: AnswerMemory;
}

/** Counts a question against its limits: shared by the replicas when they share a database. */
export function takeLimits(ctx: DiscordContext, checks: RateCheck[]): Promise<RateVerdict> {
  return ctx.limits.takeRate(
    checks.map((c) => ({ ...c, key: `discord:${c.key}` })),
    RATE_WINDOW_MS,
    ctx.clock.now(),
  );
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
