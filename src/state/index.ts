export { SqliteStateStore, DEFAULT_DB_NAME } from './sqlite.js';
export type { SqliteStoreOptions } from './sqlite.js';
export { MIGRATIONS, migrate } from './migrations.js';
export { ResilientStore } from './resilient.js';
export { openStateStore } from './open.js';
export type { OpenStateOptions, OpenedState } from './open.js';
export { PostgresStateStore, describeUrl } from './postgres.js';
export type { PostgresStoreOptions } from './postgres.js';
export { PG_MIGRATIONS, migratePg } from './pg-migrations.js';
export { sharedEmbeddingCache } from './shared-embedder.js';
export type { EmbeddingCacheStore } from './shared-embedder.js';
export { EMPTY_STATS } from './types.js';
export type {
  BriefingClaim,
  BriefingLogEntry,
  BriefingOutcome,
  BriefingState,
  BriefingStore,
  ClaimRequest,
  KnowledgeChanges,
  KnowledgeLogEntry,
  PurgeResult,
  QuestionStats,
  SanadStore,
} from './types.js';
export { makeDirectory } from './directory.js';
