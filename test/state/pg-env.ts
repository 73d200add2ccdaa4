/**
 * The PostgreSQL the tests use: SANAD_TEST_DATABASE_URL, default the local server CI starts.
 * Each run works in its own schema and drops it. Where no server answers, the PostgreSQL tests
 * are skipped with a message, except under CI=true, where they must run: there, they fail.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStateStore } from '../../src/state/index.js';

export const PG_URL = process.env.SANAD_TEST_DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/test';

async function probe(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    return error instanceof Error ? error.message || String((error as { code?: string }).code) : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const problem = await probe();
/** Why PostgreSQL tests cannot run here, or null when they can. */
export const PG_UNREACHABLE: string | null = problem;
/** Skip PostgreSQL tests: only outside CI, and never silently. */
export const SKIP_PG = problem !== null && process.env.CI !== 'true';
if (problem !== null) {
  const where = PG_URL.replace(/\/\/[^@/]*@/, '//');
  if (SKIP_PG)
    console.warn(`\n  PostgreSQL tests SKIPPED: no PostgreSQL at ${where} (${problem}). Set SANAD_TEST_DATABASE_URL to run them.\n`);
  else console.error(`\n  PostgreSQL tests MUST run under CI=true, and ${where} is unreachable (${problem}).\n`);
}

/** A schema name no other run uses. */
export function testSchema(): string {
  return `sanad_t_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Drops a test schema (after the stores using it are closed). */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Opens a store on `schema` (migrating it). */
export function openPg(schema: string, options: { poolSize?: number } = {}): Promise<PostgresStateStore> {
  return PostgresStateStore.open({ url: PG_URL, schema, ...options });
}
