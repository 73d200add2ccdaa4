import type { Logger } from '../core/ports.js';
import type { SanadStore } from './types.js';

/** How many event keys are remembered while the store fails. */
const MAX_EVENTS = 10_000;

/**
 * The event claims made while the state store fails: kept in memory so that a re-delivery to
 * this process is still dropped, and written to the store once it works again, so that Slack's
 * late retry of an event answered during the outage, landing on another replica, is dropped
 * there too instead of answered a second time.
 */
export class OutageEvents {
  /** Key → when it was claimed, oldest first; `written` once the store has it. */
  private readonly claimed = new Map<string, { at: Date | undefined; written: boolean }>();
  private unwritten = 0;
  private writing = false;

  constructor(private readonly logger: Logger) {}

  has(key: string): boolean {
    return this.claimed.has(key);
  }

  /** Claims `key` in memory: false when it was claimed already. */
  claim(key: string, at: Date | undefined): boolean {
    if (this.claimed.has(key)) return false;
    this.claimed.set(key, { at, written: false });
    this.unwritten++;
    if (this.claimed.size > MAX_EVENTS) {
      const [oldest, entry] = this.claimed.entries().next().value!;
      this.claimed.delete(oldest);
      if (!entry.written) this.unwritten--;
    }
    return true;
  }

  /** Writes the claims the store lacks; stops at the first failure (down again) and keeps the rest for the next call. Never rejects. */
  async writeTo(store: SanadStore): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    let written = 0;
    try {
      for (const [key, entry] of this.claimed) {
        if (entry.written) continue;
        await store.claimEvent(key, entry.at);
        entry.written = true;
        this.unwritten--;
        written++;
      }
    } catch {
      // Down again: the rest waits for the next success.
    } finally {
      this.writing = false;
      if (written > 0)
        this.logger.info('recorded in the state store the events answered while it failed', { events: written, left: this.unwritten });
    }
  }

  /** Whether some claims are not in the store yet. */
  get pending(): boolean {
    return this.unwritten > 0;
  }
}
