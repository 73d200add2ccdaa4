/**
 * One contract, two stores: SQLite (the default, two connections to one file) and PostgreSQL
 * (two pools on one schema, as two replicas). PostgreSQL is skipped, loudly, only outside CI.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStateStore } from '../../src/state/index.js';
import { stateStoreContract } from '../contract/state-store.js';
import { PG_UNREACHABLE, SKIP_PG, dropSchema, openPg, testSchema } from './pg-env.js';

stateStoreContract('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-contract-'));
  return {
    connect: async () => new SqliteStateStore({ file: join(dir, 'sanad.db'), busyTimeoutMs: 2000 }),
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

stateStoreContract(
  'PostgreSQL',
  async () => {
    const schema = testSchema();
    return { connect: () => openPg(schema), destroy: () => dropSchema(schema) };
  },
  { skip: SKIP_PG },
);

describe('PostgreSQL for the tests', () => {
  it.skipIf(SKIP_PG)('is reachable (under CI=true these tests never skip)', () => {
    expect(PG_UNREACHABLE).toBeNull();
  });
});
