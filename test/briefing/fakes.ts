import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BriefingConfig } from '../../src/config/file.js';
import type { Clock, Logger } from '../../src/core/ports.js';
import type { BriefingPoster, RenderedBriefing } from '../../src/briefing/poster.js';
import type { BriefingScheduler, Timers } from '../../src/briefing/scheduler.js';
import { SqliteStateStore } from '../../src/state/sqlite.js';

/** A clock and timers that only move when the test says so. */
export class FakeClock implements Clock, Timers {
  private current: number;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.current + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  get timers(): number {
    return this.pending.size;
  }

  /** Moves to `to`, firing due timers in order and letting the schedulers finish each run. */
  async advanceTo(to: Date | string, schedulers: BriefingScheduler[] = []): Promise<void> {
    const target = new Date(to).getTime();
    for (let guard = 0; guard < 100_000; guard++) {
      for (const s of schedulers) await s.idle();
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.pending) if (entry[1].at <= target && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.pending.delete(next[0]);
      this.current = Math.max(this.current, next[1].at);
      next[1].fn();
    }
    this.current = Math.max(this.current, target);
    for (const s of schedulers) await s.idle();
  }
}

/** Records posts; can fail the next N posts and can say what it "already posted". */
export class RecordingPoster implements BriefingPoster {
  readonly posts: { channel: string; rendered: RenderedBriefing }[] = [];
  failNext = 0;
  private seq = 0;
  constructor(readonly options: { findable?: boolean; delayMs?: number } = {}) {
    if (options.findable)
      this.findPosted = async (channel, key) => {
        const hit = this.posts.find((p) => p.channel === channel && p.rendered.key === key);
        return hit ? { messageId: `m${this.posts.indexOf(hit) + 1}` } : null;
      };
  }
  findPosted?: BriefingPoster['findPosted'];
  async post(channel: string, rendered: RenderedBriefing): Promise<{ messageId: string }> {
    if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs));
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('platform said no');
    }
    this.posts.push({ channel, rendered });
    return { messageId: `m${++this.seq}` };
  }
}

export const quietLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quietLogger,
};

export function dbFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'sanad-briefing-')), 'sanad.db');
}

export function openStore(file: string): SqliteStateStore {
  return new SqliteStateStore({ file, busyTimeoutMs: 500 });
}

export function parisBriefing(overrides: Partial<BriefingConfig> = {}): BriefingConfig {
  return {
    platform: 'slack',
    channel: 'C1',
    cron: '0 8 * * *',
    timezone: 'Europe/Paris',
    whenQuiet: 'highlights',
    language: 'auto',
    ...overrides,
  };
}
