import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { App } from '@slack/bolt';
import { type Clock, type DurableWork, LeasedWork, type Logger, type StateStore, durableWorkOf, leasesOf } from '../../core/index.js';

type ReceiverEvent = Parameters<App['processEvent']>[0];

/** How often a replica looks for work whose holder died (a fraction of the 20 s lease). */
const POLL_MS = 5000;
/** Work older than this is not taken over: the asker has asked again, and /ask's response_url lasts 30 min. */
const MAX_AGE_MS = 5 * 60_000;
const BATCH = 20;

export interface SlackWorkOptions {
  store: StateStore;
  clock: Clock;
  logger: Logger;
  /** Runs taken-over work (tracked by the caller). */
  start: (work: () => Promise<void>) => void;
  leaseMs?: number | undefined;
  pollMs?: number | undefined;
}

/**
 * Slack sends an event (or an /ask) to one replica, and never again once it is acknowledged. So
 * before Bolt acknowledges it, the replica leases it in the store with the request body kept as
 * the payload, renews the lease while it answers, and marks it done after. If the replica dies
 * in between, its lease runs out not done, and another replica (or this one restarted, on SQLite)
 * finds it by polling, takes the lease over and feeds the stored body through Bolt again.
 */
export class SlackWork {
  private readonly work: LeasedWork;
  private readonly durable: DurableWork | null;
  /** Bodies being resumed: the re-delivery check lets them through (their event id is claimed). */
  private readonly resumed = new WeakSet<object>();
  private timer: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(private readonly options: SlackWorkOptions) {
    const store = options.store;
    this.work = new LeasedWork({
      leases: leasesOf(store),
      owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      clock: options.clock,
      logger: options.logger,
      start: options.start,
      ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
    });
    this.durable = durableWorkOf(store);
  }

  /** Whether `body` is a resumed one (taken over from a dead replica). */
  isResumed(body: unknown): boolean {
    return typeof body === 'object' && body !== null && this.resumed.has(body);
  }

  /** Leases each answerable request before Bolt acknowledges it; starts looking for abandoned work. */
  attach(app: App): void {
    const dispatch = app.processEvent.bind(app);
    app.processEvent = async (event: ReceiverEvent) => {
      const key = workKey(event.body);
      if (!key || this.isResumed(event.body)) return dispatch(event);
      const status = await this.work.runOnce(key, () => dispatch(event), payloadOf(event.body));
      if (status === 'claimed') return;
      // Leased elsewhere (answering, or to be taken over if its holder died before acknowledging), or done: a re-delivery.
      await event.ack();
      const eventId = (event.body as { event_id?: unknown }).event_id;
      this.options.logger.info('ignored a re-delivered event', typeof eventId === 'string' ? { eventId, status } : { key, status });
    };
    if (!this.durable) return;
    this.timer = setInterval(() => void this.poll(dispatch), this.options.pollMs ?? POLL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async poll(dispatch: (event: ReceiverEvent) => Promise<void>): Promise<void> {
    if (this.polling || !this.durable) return;
    this.polling = true;
    try {
      const now = this.options.clock.now();
      const found = await this.durable.unfinishedWork('slack:', now, new Date(now.getTime() - MAX_AGE_MS), BATCH);
      for (const { key, payload } of found) {
        let body: object;
        try {
          body = JSON.parse(payload) as object;
        } catch {
          continue;
        }
        const resume = async () => {
          this.resumed.add(body);
          // Acknowledged long ago by the dead replica: nothing to send Slack now.
          await dispatch({ body, ack: async () => {} } as unknown as ReceiverEvent);
        };
        this.options.start(async () => {
          const status = await this.work.runOnce(key, resume);
          if (status === 'claimed') this.options.logger.info('answered a Slack request whose replica died before answering it', { key });
        });
      }
    } catch (error) {
      this.options.logger.warn('could not look for unfinished Slack work', { error });
    } finally {
      this.polling = false;
    }
  }
}

/** The lease key of a request that can lead to an answer: a mention or message event, or /ask. */
export function workKey(body: unknown): string | null {
  const b = body as { event_id?: unknown; event?: { type?: string; subtype?: string }; command?: unknown; trigger_id?: unknown };
  if (typeof b?.event_id === 'string' && (b.event?.type === 'app_mention' || (b.event?.type === 'message' && !b.event.subtype)))
    return `slack:event:${b.event_id}`;
  if (typeof b?.command === 'string' && typeof b.trigger_id === 'string') return `slack:command:${b.trigger_id}`;
  return null;
}

/** The body to keep: without Slack's legacy verification token (signatures are checked on receipt; a resumed body needs none). */
function payloadOf(body: unknown): string {
  return JSON.stringify({ ...(body as object), token: undefined });
}
