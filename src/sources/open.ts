import type { SourceConfig } from '../config/file.js';
import type { Logger } from '../core/ports.js';
import { createReaders } from '../readers/index.js';
import { SourceFetcher } from './fetch-source.js';
import { SourceService, type ArticleSink } from './service.js';
import { SourceStore } from './store.js';

export interface OpenedSources {
  service: SourceService;
  store: SourceStore;
  close(): Promise<void>;
}

/**
 * The followed sources of the config, over their state in `dataDir`; pages are read by the HTML
 * reader in a worker thread of their own, so a heavy page never holds up answers.
 */
export function openSources(sources: SourceConfig[], dataDir: string, logger: Logger, sink?: ArticleSink): OpenedSources {
  const store = new SourceStore(dataDir);
  const files = createReaders({ size: 1 });
  const reader = files.readers.find((r) => r.name === 'html')!;
  const fetcher = new SourceFetcher({ store, reader });
  const service = new SourceService({ sources, store, fetcher, logger: logger.child('sources'), ...(sink ? { sink } : {}) });
  return {
    service,
    store,
    async close() {
      await service.stop();
      await files.close();
    },
  };
}
