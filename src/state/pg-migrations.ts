import type pg from 'pg';

/**
 * PostgreSQL schema migrations, applied in order; `sanad_schema.version` holds how many have run.
 * The same tables as SQLite's (times are epoch milliseconds, BIGINT), plus the shared rate-limit
 * hits. Never edit a shipped migration: append a new one.
 */
export const PG_MIGRATIONS: readonly string[] = [
  // 1: everything SQLite's migrations 1 and 2 hold, and the rate-limit hits shared by replicas.
  `
  CREATE TABLE events (
    key TEXT PRIMARY KEY,
    at BIGINT NOT NULL
  );
  CREATE TABLE questions (
    id BIGSERIAL PRIMARY KEY,
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    abstained BOOLEAN NOT NULL,
    citations JSONB NOT NULL,
    at BIGINT NOT NULL
  );
  CREATE TABLE feedback (
    id BIGSERIAL PRIMARY KEY,
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    user_id TEXT NOT NULL,
    vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations JSONB NOT NULL,
    at BIGINT NOT NULL
  );
  CREATE TABLE briefings (
    key TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    day TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('claimed', 'posted', 'skipped')),
    owner TEXT NOT NULL,
    claimed_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    posted_at BIGINT,
    message_id TEXT,
    content TEXT
  );
  CREATE TABLE documents (
    document TEXT PRIMARY KEY,
    collection TEXT NOT NULL,
    title TEXT NOT NULL,
    hash TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    changed_at BIGINT NOT NULL,
    removed_at BIGINT
  );
  CREATE TABLE rate_hits (
    key TEXT NOT NULL,
    at BIGINT NOT NULL
  );
  CREATE INDEX questions_channel_at ON questions (platform, channel, at);
  CREATE INDEX feedback_channel_at ON feedback (platform, channel, at);
  CREATE INDEX events_at ON events (at);
  CREATE INDEX briefings_channel ON briefings (platform, channel, posted_at);
  CREATE INDEX rate_hits_key_at ON rate_hits (key, at);
  `,
  // 2: the embedding cache shared by replicas: a vector paid for once, by model and text hash.
  `
  CREATE TABLE embeddings (
    model TEXT NOT NULL,
    hash TEXT NOT NULL,
    vector BYTEA NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (model, hash)
  );
  `,
  // 3: leases on work every replica receives (Discord messages): who holds it, until when, done.
  `
  CREATE TABLE leases (
    key TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    done_at BIGINT,
    at BIGINT NOT NULL
  );
  CREATE INDEX leases_at ON leases (at);
  `,
  // 4: the work a lease covers (a Slack request's body), kept until it is done, so that another
  // replica can do it when its holder dies after Slack's acknowledgement.
  `
  ALTER TABLE leases ADD COLUMN payload TEXT;
  CREATE INDEX leases_unfinished ON leases (expires_at) WHERE done_at IS NULL AND payload IS NOT NULL;
  `,
];

/** Quotes an identifier (the schema name comes from configuration). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Brings `schema` up to date. Replicas starting together each call this: a transaction-scoped
 * advisory lock makes the others wait, and they find the work done.
 */
export async function migratePg(pool: pg.Pool, schema: string, migrations: readonly string[]): Promise<number> {
  const client = await pool.connect();
  const onError = () => undefined; // the query in flight rejects; without a listener the process would end
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sanad:migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
    await client.query(`SET LOCAL search_path TO ${ident(schema)}`);
    await client.query('CREATE TABLE IF NOT EXISTS sanad_schema (version INTEGER NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM sanad_schema');
    if (rows.length === 0) await client.query('INSERT INTO sanad_schema (version) VALUES (0)');
    const current = rows[0]?.version ?? 0;
    if (current > migrations.length) {
      throw new Error(`the database schema is version ${current}, newer than this sanad knows (${migrations.length}); upgrade sanad`);
    }
    for (let version = current; version < migrations.length; version++) await client.query(migrations[version]!);
    await client.query('UPDATE sanad_schema SET version = $1', [Math.max(current, migrations.length)]);
    await client.query('COMMIT');
    return migrations.length;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release();
  }
}
