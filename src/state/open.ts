import { resolve } from 'node:path';
import type { Logger } from '../core/ports.js';
import { PostgresStateStore, describeUrl } from './postgres.js';
import { ResilientStore } from './resilient.js';
import { SqliteStateStore, type SqliteStoreOptions } from './sqlite.js';

export interface OpenStateOptions extends Omit<SqliteStoreOptions, 'file'> {
  /** The data folder (`AppConfig.dataDir`: SANAD_DATA_DIR, read once in src/config). */
  dataDir: string;
  /** PostgreSQL instead of the SQLite file: replicas sharing state. */
  database?: { url: string; schema: string; soleReplica?: boolean } | null;
  logger: Logger;
  /** Rows older than this many days are purged at open (the config file's `retentionDays`). */
  retentionDays: number;
  now?: Date;
}

export interface OpenedState {
  store: ResilientStore;
  sqlite: SqliteStateStore | null;
  postgres: PostgresStateStore | null;
  dataDir: string;
}

/**
 * Opens the state store the app uses, wrapped so that a store that fails is logged and the bot
 * keeps answering. SQLite under the data folder by default: a file that never opens leaves the
 * bot answering without it. With `database` (DATABASE_URL), PostgreSQL shared by replicas: a
 * server out of reach at start is an error (a replica without the shared state would answer
 * events the others answer too); once started, outages are ridden out. Purges old rows at open.
 */
export async function openStateStore(options: OpenStateOptions): Promise<OpenedState> {
  const dataDir = resolve(options.dataDir);
  const logger = options.logger.child('state');
  let sqlite: SqliteStateStore | null = null;
  let postgres: PostgresStateStore | null = null;
  if (options.database) {
    postgres = await PostgresStateStore.open({
      url: options.database.url,
      schema: options.database.schema,
      onIdleError: (error) => logger.warn('a PostgreSQL connection was lost; it will be replaced', { error }),
    });
    logger.info('state store: PostgreSQL', { database: describeUrl(options.database.url), schema: postgres.schema });
  } else {
    try {
      sqlite = SqliteStateStore.open(dataDir, {
        ...options,
        onReplaced: (file) =>
          logger.error(
            'the state file was deleted or replaced while sanad ran; a new one is open, and what the old one held (answered events, questions, feedback, briefings) is gone',
            { file },
          ),
      });
      logger.debug('state store open', { file: sqlite.file, schema: sqlite.schemaVersion });
    } catch (error) {
      logger.error('state store unavailable; answering without it', { error });
    }
  }
  const store = new ResilientStore(postgres ?? sqlite, logger, {
    shared: postgres !== null,
    soleReplica: options.database?.soleReplica ?? false,
  });
  const now = options.now ?? new Date();
  if (sqlite || postgres) await store.purge(new Date(now.getTime() - options.retentionDays * 86_400_000));
  return { store, sqlite, postgres, dataDir };
}
