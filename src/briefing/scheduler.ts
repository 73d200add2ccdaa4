import { Cron } from 'croner';
import type { BriefingConfig } from '../config/file.js';
import { systemClock, type Clock, type Logger } from '../core/ports.js';
import type { BriefingRunner, RunOutcome } from './runner.js';

/** Timer functions, injectable so tests drive the scheduler with a fake clock. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.(); // a pending briefing must not keep a CLI process alive
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SchedulerOptions {
  runner: BriefingRunner;
  briefings: BriefingConfig[];
  logger: Logger;
  clock?: Clock;
  timers?: Timers;
  /** A briefing missed while down is still posted this long after its time (default 6 h). */
  graceHours?: number;
  /** Wait before retrying a failed post (default 5 minutes), within the grace window. */
  retryMs?: number;
  /** Longest single timer; longer waits are re-armed, which also absorbs clock jumps (default 1 h). */
  maxTimerMs?: number;
  /** Called after each run, for logs and tests. */
  onOutcome?: (config: BriefingConfig, outcome: RunOutcome) => void;
}

/** The scheduler's timing defaults, merged once in the constructor. */
export const DefaultSchedulerOptions = {
  // A briefing missed while sanad was down (a deploy, a night's outage) is still worth posting
  // until mid-day; later it is yesterday's news.
  graceHours: 6,
  // A failed post is tried again soon enough to land within the grace window.
  retryMs: 5 * 60_000,
  // Long waits are re-armed hourly, which also absorbs clock jumps (a laptop waking up).
  maxTimerMs: 3_600_000,
} as const satisfies Required<Pick<SchedulerOptions, 'graceHours' | 'retryMs' | 'maxTimerMs'>>;

/**
 * Fires each channel's briefing on its cron in its time zone (croner computes the instants, so
 * daylight-saving days are right: a 02:30 that does not exist runs at 03:00, one that happens
 * twice runs once). At start, a briefing missed within the grace window is posted. Exactly-once
 * is the runner's claim, so two schedulers or a restart cannot double-post.
 */
export class BriefingScheduler {
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly graceMs: number;
  private readonly retryMs: number;
  private readonly maxTimerMs: number;
  private readonly handles = new Set<unknown>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly inFlight = new Set<string>();
  private stopped = true;

  constructor(private readonly options: SchedulerOptions) {
    this.clock = options.clock ?? systemClock;
    this.timers = options.timers ?? systemTimers;
    this.graceMs = (options.graceHours ?? DefaultSchedulerOptions.graceHours) * 3_600_000;
    this.retryMs = options.retryMs ?? DefaultSchedulerOptions.retryMs;
    this.maxTimerMs = options.maxTimerMs ?? DefaultSchedulerOptions.maxTimerMs;
  }

  /** Catches up on missed briefings (within the grace window), then schedules the next ones. */
  start(): void {
    this.stopped = false;
    const now = this.clock.now();
    for (const config of this.options.briefings) {
      const cron = new Cron(config.cron, { timezone: config.timezone, paused: true });
      const [previous] = cron.previousRuns(1, now);
      if (previous && now.getTime() - previous.getTime() <= this.graceMs) this.fire(config, previous);
      this.arm(config, cron, now);
    }
    this.options.logger.info('briefings scheduled', { channels: this.options.briefings.length });
  }

  stop(): void {
    this.stopped = true;
    for (const handle of this.handles) this.timers.clearTimeout(handle);
    this.handles.clear();
  }

  /** Resolves when no run is in progress (tests; a graceful shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** When each channel's next briefing is due. */
  nextRuns(): { config: BriefingConfig; at: Date | null }[] {
    const now = this.clock.now();
    return this.options.briefings.map((config) => ({
      config,
      at: new Cron(config.cron, { timezone: config.timezone, paused: true }).nextRun(now),
    }));
  }

  private arm(config: BriefingConfig, cron: Cron, from: Date): void {
    const next = cron.nextRun(from);
    if (!next) return;
    this.wait(next, () => {
      this.fire(config, next);
      this.arm(config, cron, next);
    });
  }

  /** Calls `fn` at `at`, in steps of at most `maxTimerMs`. */
  private wait(at: Date, fn: () => void): void {
    if (this.stopped) return;
    const delay = at.getTime() - this.clock.now().getTime();
    if (delay <= 0) {
      fn();
      return;
    }
    const handle = this.timers.setTimeout(
      () => {
        this.handles.delete(handle);
        this.wait(at, fn);
      },
      Math.min(delay, this.maxTimerMs),
    );
    this.handles.add(handle);
  }

  private fire(config: BriefingConfig, scheduledAt: Date): void {
    const id = `${config.platform}:${config.channel}:${scheduledAt.getTime()}`;
    if (this.inFlight.has(id)) return; // this process is already on it
    this.inFlight.add(id);
    const run = this.options.runner
      .run(config, scheduledAt)
      .then((outcome) => {
        this.options.onOutcome?.(config, outcome);
        this.followUp(config, scheduledAt, outcome);
      })
      .catch((error: unknown) => this.options.logger.error('briefing run crashed', { error }))
      .finally(() => {
        this.inFlight.delete(id);
        this.running.delete(run);
      });
    this.running.add(run);
  }

  /** Busy: look again when the other claim's lease ends. Failed: retry later. Both only within the grace window. */
  private followUp(config: BriefingConfig, scheduledAt: Date, outcome: RunOutcome): void {
    const deadline = scheduledAt.getTime() + this.graceMs;
    let at: number | null = null;
    if (outcome.status === 'busy') at = outcome.retryAt.getTime() + 1;
    if (outcome.status === 'failed') at = this.clock.now().getTime() + this.retryMs;
    if (at === null) return;
    if (at > deadline) {
      this.options.logger.warn('briefing given up: outside the grace window', { key: outcome.key });
      return;
    }
    this.wait(new Date(at), () => this.fire(config, scheduledAt));
  }
}
