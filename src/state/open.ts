import { resolve } from 'node:path';
import type { Logger } from '../core/ports.js';
import { ResilientStore } from './resilient.js';
import { SqliteStateStore, type SqliteStoreOptions } from './sqlite.js';

export interface OpenStateOptions extends Omit<SqliteStoreOptions, 'file'> {
  /** Default: `SANAD_DATA_DIR`, else `./data`. */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  /** Rows older than this many days are purged at open (default 30). */
  retentionDays?: number;
  now?: Date;
}

/**
 * Opens the state store the app uses: SQLite under the data folder, wrapped so that a store
 * that fails (or never opens) is logged and the bot keeps answering. Purges old rows at open.
 */
export async function openStateStore(options: OpenStateOptions): Promise<{ store: ResilientStore; sqlite: SqliteStateStore | null; dataDir: string }> {
  const env = options.env ?? process.env;
  const dataDir = resolve(options.dataDir ?? (env.SANAD_DATA_DIR?.trim() || './data'));
  const logger = options.logger.child('state');
  let sqlite: SqliteStateStore | null = null;
  try {
    sqlite = SqliteStateStore.open(dataDir, options);
    logger.debug('state store open', { file: sqlite.file, schema: sqlite.schemaVersion });
  } catch (error) {
    logger.error('state store unavailable; answering without it', { message: (error as Error).message });
  }
  const store = new ResilientStore(sqlite, logger);
  const days = options.retentionDays ?? 30;
  const now = options.now ?? new Date();
  if (sqlite) await store.purge(new Date(now.getTime() - days * 86_400_000));
  return { store, sqlite, dataDir };
}
