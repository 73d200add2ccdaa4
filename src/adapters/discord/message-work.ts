import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type Clock, LeasedWork, leasesOf, type Logger, type StateStore } from '../../core/index.js';

export type MessageWork = LeasedWork;

/**
 * The leases on Discord messages: the store's (shared by replicas on PostgreSQL), or in this
 * process when the store keeps none. This replica's owner id is unique per process start.
 */
export function messageWork(options: {
  store: StateStore;
  clock: Clock;
  logger: Logger;
  start: (work: () => Promise<void>) => void;
  leaseMs?: number | undefined;
}): MessageWork {
  return new LeasedWork({
    leases: leasesOf(options.store),
    owner: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    clock: options.clock,
    logger: options.logger,
    start: options.start,
    // The gateway sends each message to every replica: no replica may answer on a lease of its own.
    everyReplica: true,
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
  });
}
