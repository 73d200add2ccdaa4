import pg from 'pg';
import { SanadError } from '../core/errors.js';
import { redact } from '../core/ports.js';
import type { FeedbackRecord, QuestionRecord } from '../core/state.js';
import { PG_MIGRATIONS, ident, migratePg } from './pg-migrations.js';
import type {
  BriefingClaim,
  BriefingLogEntry,
  BriefingState,
  ClaimRequest,
  KnowledgeChanges,
  KnowledgeLogEntry,
  PurgeResult,
  QuestionStats,
  SanadStore,
} from './types.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` */
  url: string;
  /** The schema holding sanad's tables (default `public`); created if missing. */
  schema?: string;
  /** Connections per replica (default 10). */
  poolSize?: number;
  /** How long to wait for a connection before a call fails, in ms (default 3000). */
  connectTimeoutMs?: number;
  /** Longest a query may run before it fails, in ms (default 10000). */
  queryTimeoutMs?: number;
  migrations?: readonly string[];
  /** How the connections name themselves to the server (default `sanad/<schema>`; pg_stat_activity shows it). */
  applicationName?: string;
  /** Told about errors of idle connections (a restarted server): the pool replaces them. */
  onIdleError?: (error: Error) => void;
}

const MAX_DECLINED = 20;
/** Vectors per query when reading or writing the embedding cache. */
const EMBEDDING_BATCH = 500;
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

interface BriefingRow {
  key: string;
  platform: string;
  channel: string;
  day: string;
  state: BriefingState;
  owner: string;
  claimed_at: string;
  attempts: number;
  posted_at: string | null;
  message_id: string | null;
  content: string | null;
}

interface DocumentRow {
  document: string;
  collection: string;
  title: string;
  hash: string;
  first_seen: string;
  changed_at: string;
  removed_at: string | null;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * The PostgreSQL state store, for several replicas sharing state. Every promise the SQLite store
 * keeps holds across processes: an event is claimed by one `INSERT … ON CONFLICT DO NOTHING`, a
 * briefing by one upsert that takes over only an expired or own claim. A connection lost to a
 * server restart fails the calls in flight (the resilient wrapper answers those) and the pool
 * opens new ones for the next.
 */
export class PostgresStateStore implements SanadStore {
  readonly pool: pg.Pool;
  readonly schema: string;

  private constructor(options: PostgresStoreOptions) {
    this.schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(this.schema)) throw new SanadError('config_invalid', `The database schema name "${this.schema}" is not a plain identifier.`);
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
      query_timeout: options.queryTimeoutMs ?? 10_000,
      application_name: options.applicationName ?? `sanad/${this.schema}`,
      options: `-c search_path=${this.schema}`,
    });
    // Without a listener, an idle connection dropped by the server would crash the process.
    this.pool.on('error', (error) => options.onIdleError?.(error));
  }

  /** Connects, runs the migrations (safe with replicas starting together) and returns the store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStateStore> {
    const store = new PostgresStateStore(options);
    try {
      await migratePg(store.pool, store.schema, options.migrations ?? PG_MIGRATIONS);
    } catch (error) {
      await store.pool.end().catch(() => undefined);
      throw new SanadError('state_unavailable', `The PostgreSQL database at ${describeUrl(options.url)} cannot be used: ${(error as Error).message}`, {
        cause: error,
        hint: 'Check DATABASE_URL (host, port, user, database) and that the server is up; unset DATABASE_URL to use the local SQLite file.',
      });
    }
    return store;
  }

  /** Drops this store's schema and everything in it (tests). */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${ident(this.schema)} CASCADE`);
  }

  // ---- StateStore ----------------------------------------------------------------------

  async claimEvent(key: string, at: Date = new Date()): Promise<boolean> {
    const result = await this.pool.query('INSERT INTO events (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, at.getTime()]);
    return result.rowCount === 1;
  }

  async recordQuestion(record: QuestionRecord): Promise<void> {
    await this.pool.query(
      'INSERT INTO questions (platform, channel, user_id, question, answer, abstained, citations, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [record.platform, record.channel, record.user, redact(record.question), redact(record.answer), record.abstained, citationsJson(record.citations), record.at.getTime()],
    );
  }

  async recordFeedback(record: FeedbackRecord): Promise<void> {
    await this.pool.query(
      'INSERT INTO feedback (platform, channel, user_id, vote, question, answer, citations, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [record.platform, record.channel, record.user, record.vote, redact(record.question), redact(record.answer), citationsJson(record.citations), record.at.getTime()],
    );
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  // ---- BriefingStore -------------------------------------------------------------------

  async questionStats(platform: string, channel: string, from: Date, to: Date): Promise<QuestionStats> {
    const range = [platform, channel, from.getTime(), to.getTime()];
    const where = 'platform = $1 AND channel = $2 AND at >= $3 AND at < $4';
    const [q, f, declined] = await Promise.all([
      this.pool.query<{ asked: number; declined: number }>(`SELECT COUNT(*)::int AS asked, COUNT(*) FILTER (WHERE abstained)::int AS declined FROM questions WHERE ${where}`, range),
      this.pool.query<{ up: number; down: number }>(
        `SELECT COUNT(*) FILTER (WHERE vote = 'up')::int AS up, COUNT(*) FILTER (WHERE vote = 'down')::int AS down FROM feedback WHERE ${where}`,
        range,
      ),
      this.pool.query<{ question: string }>(`SELECT question FROM questions WHERE ${where} AND abstained GROUP BY question ORDER BY MIN(at) LIMIT $5`, [...range, MAX_DECLINED]),
    ]);
    const { asked, declined: declinedCount } = q.rows[0]!;
    return {
      asked,
      answered: asked - declinedCount,
      declined: declinedCount,
      up: f.rows[0]!.up,
      down: f.rows[0]!.down,
      declinedQuestions: declined.rows.map((row) => row.question),
    };
  }

  async claimBriefing(request: ClaimRequest): Promise<BriefingClaim> {
    const now = request.at.getTime();
    // One statement: a new claim, or a take-over of our own or an abandoned (lease run out) claim.
    // Two replicas racing: the row lock serialises them and only one's WHERE still holds.
    const taken = await this.pool.query<{ attempts: number }>(
      `INSERT INTO briefings (key, platform, channel, day, state, owner, claimed_at, attempts)
       VALUES ($1, $2, $3, $4, 'claimed', $5, $6, 1)
       ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, claimed_at = EXCLUDED.claimed_at, attempts = briefings.attempts + 1
       WHERE briefings.state = 'claimed' AND (briefings.owner = EXCLUDED.owner OR briefings.claimed_at + $7 <= EXCLUDED.claimed_at)
       RETURNING attempts`,
      [request.key, request.platform, request.channel, request.day, request.owner, now, request.leaseMs],
    );
    if (taken.rows[0]) return { status: 'claimed', attempt: taken.rows[0].attempts };
    const row = await this.row(request.key);
    if (row && row.state !== 'claimed') return { status: 'done', entry: toEntry(row) };
    // Held by another replica (or released just now: then the retry comes at once).
    return { status: 'busy', retryAt: new Date(row ? Number(row.claimed_at) + request.leaseMs : now) };
  }

  async completeBriefing(
    key: string,
    owner: string,
    outcome: { state: 'posted' | 'skipped'; messageId?: string | null; content?: string | null; at: Date },
  ): Promise<boolean> {
    const result = await this.pool.query(
      "UPDATE briefings SET state = $1, posted_at = $2, message_id = $3, content = $4 WHERE key = $5 AND owner = $6 AND state = 'claimed'",
      [outcome.state, outcome.at.getTime(), outcome.messageId ?? null, outcome.content ?? null, key, owner],
    );
    return result.rowCount === 1;
  }

  async releaseBriefing(key: string, owner: string): Promise<void> {
    await this.pool.query("UPDATE briefings SET claimed_at = 0 WHERE key = $1 AND owner = $2 AND state = 'claimed'", [key, owner]);
  }

  async briefing(key: string): Promise<BriefingLogEntry | null> {
    const row = await this.row(key);
    return row ? toEntry(row) : null;
  }

  async lastBriefing(platform: string, channel: string, before?: Date): Promise<BriefingLogEntry | null> {
    const { rows } = await this.pool.query<BriefingRow>(
      "SELECT * FROM briefings WHERE platform = $1 AND channel = $2 AND state IN ('posted', 'skipped') AND posted_at < $3 ORDER BY posted_at DESC LIMIT 1",
      [platform, channel, before ? before.getTime() : Number.MAX_SAFE_INTEGER],
    );
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async briefingHistory(platform: string, channel: string, limit: number): Promise<BriefingLogEntry[]> {
    const { rows } = await this.pool.query<BriefingRow>(
      "SELECT * FROM briefings WHERE platform = $1 AND channel = $2 AND state = 'posted' ORDER BY day DESC LIMIT $3",
      [platform, channel, limit],
    );
    return rows.map(toEntry);
  }

  async recordDocuments(documents: { document: string; collection: string; title: string; hash: string }[], at: Date): Promise<KnowledgeChanges> {
    const now = at.getTime();
    return this.transaction(async (db) => {
      // Replicas record the same knowledge at start: one at a time, so each change is seen once.
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sanad:documents:${this.schema}`]);
      const changes: KnowledgeChanges = { added: [], changed: [], removed: [] };
      const { rows } = await db.query<DocumentRow>('SELECT * FROM documents');
      const known = new Map(rows.map((row) => [row.document, row]));
      const current = new Set<string>();
      for (const doc of documents) {
        current.add(doc.document);
        const row = known.get(doc.document);
        if (!row) {
          await db.query('INSERT INTO documents (document, collection, title, hash, first_seen, changed_at) VALUES ($1, $2, $3, $4, $5, $5)', [
            doc.document,
            doc.collection,
            doc.title,
            doc.hash,
            now,
          ]);
          changes.added.push(doc.document);
        } else if (row.hash !== doc.hash || row.removed_at !== null) {
          await db.query('UPDATE documents SET collection = $1, title = $2, hash = $3, changed_at = $4, removed_at = NULL WHERE document = $5', [
            doc.collection,
            doc.title,
            doc.hash,
            now,
            doc.document,
          ]);
          (row.removed_at !== null ? changes.added : changes.changed).push(doc.document);
        }
      }
      const gone = rows.filter((row) => !current.has(row.document) && row.removed_at === null).map((row) => row.document);
      if (gone.length > 0) await db.query('UPDATE documents SET removed_at = $1 WHERE document = ANY($2)', [now, gone]);
      changes.removed.push(...gone);
      return changes;
    });
  }

  async knowledgeChangedSince(since: Date): Promise<KnowledgeLogEntry[]> {
    const { rows } = await this.pool.query<DocumentRow>(
      'SELECT * FROM documents WHERE changed_at > $1 AND removed_at IS NULL ORDER BY changed_at, document COLLATE "C"',
      [since.getTime()],
    );
    return rows.map((row) => ({
      document: row.document,
      collection: row.collection,
      title: row.title,
      hash: row.hash,
      firstSeen: new Date(Number(row.first_seen)),
      changedAt: new Date(Number(row.changed_at)),
      removedAt: row.removed_at === null ? null : new Date(Number(row.removed_at)),
    }));
  }

  async purge(before: Date): Promise<PurgeResult> {
    const t = before.getTime();
    return this.transaction(async (db) => {
      const count = async (sql: string) => (await db.query(sql, [t])).rowCount ?? 0;
      const result: PurgeResult = {
        events: await count('DELETE FROM events WHERE at < $1'),
        questions: await count('DELETE FROM questions WHERE at < $1'),
        feedback: await count('DELETE FROM feedback WHERE at < $1'),
        // A claim never completed is kept: it is what stops a late double post.
        briefings: await count("DELETE FROM briefings WHERE state != 'claimed' AND COALESCE(posted_at, claimed_at) < $1"),
        documents: await count('DELETE FROM documents WHERE removed_at IS NOT NULL AND removed_at < $1'),
      };
      await count('DELETE FROM rate_hits WHERE at < $1');
      return result;
    });
  }

  // ---- Shared rate limits --------------------------------------------------------------

  /**
   * Counts a hit against every key unless one is at its limit within `windowMs` (a sliding
   * window, as the in-process limiters): the same answer on every replica, so limits are not ×N.
   */
  async takeRate(checks: { key: string; limit: number }[], windowMs: number, at: Date): Promise<{ ok: true } | { ok: false; retryAfterMs: number }> {
    const active = checks.filter((c) => c.limit > 0);
    if (active.length === 0) return { ok: true };
    const now = at.getTime();
    return this.transaction(async (db) => {
      // Sorted so that two replicas locking the same keys never deadlock.
      for (const key of [...new Set(active.map((c) => c.key))].sort()) {
        await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sanad:rate:${this.schema}:${key}`]);
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

  // ---- Shared embedding cache ----------------------------------------------------------

  /** The cached vectors of `model` for these text hashes (those it has). */
  async getEmbeddings(model: string, hashes: string[]): Promise<Map<string, Float32Array>> {
    const found = new Map<string, Float32Array>();
    for (let i = 0; i < hashes.length; i += EMBEDDING_BATCH) {
      const { rows } = await this.pool.query<{ hash: string; vector: Buffer }>('SELECT hash, vector FROM embeddings WHERE model = $1 AND hash = ANY($2)', [
        model,
        hashes.slice(i, i + EMBEDDING_BATCH),
      ]);
      // Copied out: a Buffer's bytes need not be aligned for a Float32Array view.
      for (const row of rows) found.set(row.hash, new Float32Array(new Uint8Array(row.vector).buffer));
    }
    return found;
  }

  /** Stores vectors of `model` by text hash; a hash another replica stored first is kept as it is. */
  async putEmbeddings(model: string, entries: { hash: string; vector: Float32Array }[], at: Date = new Date()): Promise<void> {
    for (let i = 0; i < entries.length; i += EMBEDDING_BATCH) {
      const batch = entries.slice(i, i + EMBEDDING_BATCH);
      await this.pool.query(
        'INSERT INTO embeddings (model, hash, vector, at) SELECT $1, h, v, $4 FROM unnest($2::text[], $3::bytea[]) AS t(h, v) ON CONFLICT DO NOTHING',
        [model, batch.map((e) => e.hash), batch.map((e) => Buffer.from(e.vector.buffer, e.vector.byteOffset, e.vector.byteLength)), at.getTime()],
      );
    }
  }

  private async row(key: string): Promise<BriefingRow | null> {
    const { rows } = await this.pool.query<BriefingRow>('SELECT * FROM briefings WHERE key = $1', [key]);
    return rows[0] ?? null;
  }

  private async transaction<T>(run: (db: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
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

function citationsJson(citations: QuestionRecord['citations']): string {
  return JSON.stringify(citations.map(({ document, paragraph, paragraphId }) => ({ document, paragraph, paragraphId })));
}

function toEntry(row: BriefingRow): BriefingLogEntry {
  return {
    key: row.key,
    platform: row.platform,
    channel: row.channel,
    day: row.day,
    state: row.state,
    owner: row.owner,
    claimedAt: new Date(Number(row.claimed_at)),
    attempts: row.attempts,
    postedAt: row.posted_at === null ? null : new Date(Number(row.posted_at)),
    messageId: row.message_id,
    content: row.content,
  };
}
