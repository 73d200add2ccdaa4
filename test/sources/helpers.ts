import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceConfig } from '../../src/config/file.js';
import type { KnowledgeDocument } from '../../src/core/knowledge/types.js';
import { createLogger, type Clock, type Logger } from '../../src/core/ports.js';
import { htmlReader } from '../../src/readers/html.js';
import { SourceFetcher, SourceService, SourceStore, type ArticleSink } from '../../src/sources/index.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** A source as the config file resolves it; the test server's host is allowed by name. */
export function source(url: string, extra: Partial<SourceConfig> = {}): SourceConfig {
  return { url, kind: 'feed', everyMs: HOUR, collection: 'news', keepMs: 30 * DAY, allowPrivate: ['127.0.0.1'], ...extra };
}

/** A clock the test moves. */
export function testClock(start = '2026-12-01T08:00:00Z'): Clock & { advance(ms: number): void; set(iso: string): void } {
  let now = new Date(start).getTime();
  return { now: () => new Date(now), advance: (ms) => (now += ms), set: (iso) => (now = new Date(iso).getTime()) };
}

/** The knowledge side as the service sees it: what was put and removed. */
export function recordingSink(): ArticleSink & { put: KnowledgeDocument[]; removed: string[]; current: Map<string, KnowledgeDocument> } {
  const put: KnowledgeDocument[] = [];
  const removed: string[] = [];
  const current = new Map<string, KnowledgeDocument>();
  return {
    put,
    removed,
    current,
    async putDocuments(docs) {
      put.push(...docs);
      for (const d of docs) current.set(d.document, d);
    },
    async removeDocuments(ids) {
      removed.push(...ids);
      for (const id of ids) current.delete(id);
    },
  };
}

export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(createLogger({ level: 'debug', write: (line) => lines.push(line) }), { lines });
}

export interface Harness {
  dataDir: string;
  store: SourceStore;
  fetcher: SourceFetcher;
  service: SourceService;
  sink: ReturnType<typeof recordingSink>;
  logger: ReturnType<typeof captureLogger>;
  clock: ReturnType<typeof testClock>;
}

/** A source service over a data folder (a new one unless given: a restart passes the old). */
export function harness(
  sources: SourceConfig[],
  options: { dataDir?: string; clock?: ReturnType<typeof testClock>; timeoutMs?: number; maxBytes?: number; sink?: ArticleSink } = {},
): Harness {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sanad-sources-'));
  const clock = options.clock ?? testClock();
  const store = new SourceStore(dataDir);
  const fetcher = new SourceFetcher({
    store,
    reader: htmlReader,
    clock,
    fetch: { timeoutMs: options.timeoutMs ?? 5_000, ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}) },
  });
  const sink = recordingSink();
  const logger = captureLogger();
  const service = new SourceService({ sources, store, fetcher, sink: options.sink ?? sink, logger, clock });
  return { dataDir, store, fetcher, service, sink, logger, clock };
}
