/**
 * PostgreSQL pieces beside the store's own tables: a transaction that survives a server restart
 * without crashing the process, the rate limits replicas count together, and the embedding cache
 * they share.
 */
import pg from 'pg';
import type { RateCheck, RateVerdict } from '../core/state.js';

export type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * The pool's connections: each listens for 'error' from its birth to its end. pg-pool leaves a
 * client without a listener from the moment it hands it to a waiting `pool.connect()` until the
 * caller's next microtask; a server shutting down right after a query sends its FATAL
 * (terminating connection, 57P01) in the same packet as that query's end, so the error was
 * emitted in that gap, unheard, and ended the process. Heard here, it is not lost either: the
 * query in flight rejects, the next query on the client rejects, and the pool drops the client.
 */
export class ListeningClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('error', () => undefined);
  }
}

/** Vectors per query when reading or writing the embedding cache. */
const EMBEDDING_BATCH = 500;

/** Runs `run` in one transaction on one pooled connection; rolled back if it throws. */
export async function transaction<T>(pool: pg.Pool, run: (db: Queryable) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let failed: Error | undefined;
  // A checked-out client has no pool listener: a connection killed now (a server restart)
  // would be an unhandled 'error' event and end the process. The query in flight rejects too.
  const onError = (error: Error) => (failed ??= error);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await run(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    failed = error instanceof Error ? error : new Error(String(error));
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    // A failed transaction may have lost its connection: let the pool replace it.
    client.removeListener('error', onError);
    client.release(failed);
  }
}

/**
 * Counts a hit against every key unless one is at its limit within `windowMs` (a sliding
 * window, as the in-process limiters): the same answer on every replica, so limits are not ×N.
 */
export function takeRate(pool: pg.Pool, schema: string, checks: RateCheck[], windowMs: number, at: Date): Promise<RateVerdict> {
  const active = checks.filter((c) => c.limit > 0);
  if (active.length === 0) return Promise.resolve({ ok: true });
  const now = at.getTime();
  return transaction(pool, async (db): Promise<RateVerdict> => {
    // Sorted so that two replicas locking the same keys never deadlock.
    for (const key of [...new Set(active.map((c) => c.key))].sort()) {
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sanad:rate:${schema}:${key}`]);
    }
    const keys = active.map((c) => c.key);
    await db.query('DELETE FROM rate_hits WHERE key = ANY($1) AND at <= $2', [keys, now - windowMs]);
    const { rows } = await db.query<{ key: string; at: string }>('SELECT key, at FROM rate_hits WHERE key = ANY($1) ORDER BY at', [keys]);
    let retryAfterMs = 0;
    for (const { key, limit } of active) {
      const recent = rows.filter((r) => r.key === key).map((r) => Number(r.at));
      if (recent.length >= limit) retryAfterMs = Math.max(retryAfterMs, 1, recent[recent.length - limit]! + windowMs - now);
    }
    if (retryAfterMs > 0) return { ok: false, retryAfterMs };
    await db.query('INSERT INTO rate_hits (key, at) SELECT unnest($1::text[]), $2', [keys, now]);
    return { ok: true };
  });
}

/** The cached vectors of `model` for these text hashes (those it has). */
export async function getEmbeddings(pool: pg.Pool, model: string, hashes: string[]): Promise<Map<string, Float32Array>> {
  const found = new Map<string, Float32Array>();
  for (let i = 0; i < hashes.length; i += EMBEDDING_BATCH) {
    const { rows } = await pool.query<{ hash: string; vector: Buffer }>(
      'SELECT hash, vector FROM embeddings WHERE model = $1 AND hash = ANY($2)',
      [model, hashes.slice(i, i + EMBEDDING_BATCH)],
    );
    // Copied out: a Buffer's bytes need not be aligned for a Float32Array view.
    for (const row of rows) found.set(row.hash, new Float32Array(new Uint8Array(row.vector).buffer));
  }
  return found;
}

/** Stores vectors of `model` by text hash; a hash another replica stored first is kept as it is. */
export async function putEmbeddings(
  pool: pg.Pool,
  model: string,
  entries: { hash: string; vector: Float32Array }[],
  at: Date,
): Promise<void> {
  for (let i = 0; i < entries.length; i += EMBEDDING_BATCH) {
    const batch = entries.slice(i, i + EMBEDDING_BATCH);
    await pool.query(
      'INSERT INTO embeddings (model, hash, vector, at) SELECT $1, h, v, $4 FROM unnest($2::text[], $3::bytea[]) AS t(h, v) ON CONFLICT DO NOTHING',
      [
        model,
        batch.map((e) => e.hash),
        batch.map((e) => Buffer.from(e.vector.buffer, e.vector.byteOffset, e.vector.byteLength)),
        at.getTime(),
      ],
    );
  }
}

/** host:port/database of a URL, never its password. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(an unreadable DATABASE_URL)';
  }
}
