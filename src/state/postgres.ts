import pg from 'pg';
import { SanadError } from '../core/errors.js';
import { BriefingLogStore } from './briefing-log.js';
import { redact } from '../core/ports.js';
import type { FeedbackRecord, LeaseClaim, LeaseRequest, QuestionRecord, RateCheck, RateVerdict, UnfinishedWork } from '../core/state.js';
import { PgBriefingLog } from './postgres-briefings.js';
import { PG_MIGRATIONS, ident, migratePg } from './pg-migrations.js';
import { ListeningClient, describeUrl, getEmbeddings, putEmbeddings, takeRate, transaction, type Queryable } from './pg-shared.js';
import { type DocumentInput, type DocumentRow, type LeaseRow, citationsJson, diffDocuments, toDocumentEntry } from './rows.js';
import type { KnowledgeChanges, KnowledgeLogEntry, PurgeResult, SanadStore } from './types.js';

export { describeUrl };

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

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * The PostgreSQL state store, for several replicas sharing state. Every promise the SQLite store
 * keeps holds across processes: an event is claimed by one `INSERT … ON CONFLICT DO NOTHING`, a
 * briefing by one upsert that takes over only an expired or own claim. A connection lost to a
 * server restart fails the calls in flight (the resilient wrapper answers those) and the pool
 * opens new ones for the next.
 */
export class PostgresStateStore extends BriefingLogStore implements SanadStore {
  readonly pool: pg.Pool;
  readonly schema: string;
  protected readonly briefings: PgBriefingLog;

  private constructor(options: PostgresStoreOptions) {
    super();
    this.schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(this.schema))
      throw new SanadError('config_invalid', `The database schema name "${this.schema}" is not a plain identifier.`);
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
      query_timeout: options.queryTimeoutMs ?? 10_000,
      application_name: options.applicationName ?? `sanad/${this.schema}`,
      options: `-c search_path=${this.schema}`,
      // Never a connection without an 'error' listener (pg-shared.ts says when pg-pool leaves one).
      Client: ListeningClient,
    });
    // Without a listener, an idle connection dropped by the server would crash the process.
    this.pool.on('error', (error) => options.onIdleError?.(error));
    this.briefings = new PgBriefingLog(this.pool);
  }

  /** Connects, runs the migrations (safe with replicas starting together) and returns the store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStateStore> {
    const store = new PostgresStateStore(options);
    try {
      await migratePg(store.pool, store.schema, options.migrations ?? PG_MIGRATIONS);
    } catch (error) {
      await store.pool.end().catch(() => undefined);
      throw new SanadError(
        'state_unavailable',
        `The PostgreSQL database at ${describeUrl(options.url)} cannot be used: ${(error as Error).message}`,
        {
          cause: error,
          hint: 'Check DATABASE_URL (host, port, user, database) and that the server is up; unset DATABASE_URL to use the local SQLite file.',
        },
      );
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
      [
        record.platform,
        record.channel,
        record.user,
        redact(record.question),
        redact(record.answer),
        record.abstained,
        citationsJson(record.citations),
        record.at.getTime(),
      ],
    );
  }

  async recordFeedback(record: FeedbackRecord): Promise<void> {
    await this.pool.query(
      'INSERT INTO feedback (platform, channel, user_id, vote, question, answer, citations, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
      [
        record.platform,
        record.channel,
        record.user,
        record.vote,
        redact(record.question),
        redact(record.answer),
        citationsJson(record.citations),
        record.at.getTime(),
      ],
    );
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  // ---- WorkLeases ----------------------------------------------------------------------

  async claimLease(request: LeaseRequest): Promise<LeaseClaim> {
    const now = request.at.getTime();
    // One statement: a new lease, or a take-over of one that ran out and is not done. Two
    // replicas racing: the row lock serialises them and only one's WHERE still holds.
    const taken = await this.pool.query<{ attempts: number }>(
      `INSERT INTO leases (key, owner, expires_at, attempts, at, payload) VALUES ($1, $2, $3, 1, $4, $5)
       ON CONFLICT (key) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at, attempts = leases.attempts + 1
       WHERE leases.done_at IS NULL AND leases.expires_at <= $4
       RETURNING attempts`,
      [request.key, request.owner, now + request.leaseMs, now, request.payload ?? null],
    );
    if (taken.rows[0]) return { status: 'claimed', attempt: taken.rows[0].attempts };
    const { rows } = await this.pool.query<LeaseRow>('SELECT * FROM leases WHERE key = $1', [request.key]);
    const row = rows[0];
    if (row && row.done_at !== null) return { status: 'done' };
    return { status: 'busy', expiresAt: new Date(row ? Number(row.expires_at) : now) };
  }

  async renewLease({ key, owner, at, leaseMs }: LeaseRequest): Promise<boolean> {
    const result = await this.pool.query('UPDATE leases SET expires_at = $1 WHERE key = $2 AND owner = $3 AND done_at IS NULL', [
      at.getTime() + leaseMs,
      key,
      owner,
    ]);
    return result.rowCount === 1;
  }

  async completeLease(key: string, owner: string, at: Date): Promise<boolean> {
    // The payload (a person's question) is not kept once it has served.
    const result = await this.pool.query(
      'UPDATE leases SET done_at = $1, payload = NULL WHERE key = $2 AND owner = $3 AND done_at IS NULL',
      [at.getTime(), key, owner],
    );
    return result.rowCount === 1;
  }

  async unfinishedWork(prefix: string, at: Date, since: Date, limit: number): Promise<UnfinishedWork[]> {
    const { rows } = await this.pool.query<UnfinishedWork>(
      `SELECT key, payload FROM leases WHERE done_at IS NULL AND payload IS NOT NULL AND expires_at <= $1 AND at > $2
       AND starts_with(key, $3) ORDER BY at LIMIT $4`,
      [at.getTime(), since.getTime(), prefix, limit],
    );
    return rows;
  }

  // ---- BriefingStore -------------------------------------------------------------------

  async recordDocuments(documents: DocumentInput[], at: Date): Promise<KnowledgeChanges> {
    const now = at.getTime();
    return this.transaction(async (db) => {
      // Replicas record the same knowledge at start: one at a time, so each change is seen once.
      await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sanad:documents:${this.schema}`]);
      const diff = diffDocuments((await db.query<DocumentRow>('SELECT * FROM documents')).rows, documents);
      for (const doc of diff.insert) {
        await db.query(
          'INSERT INTO documents (document, collection, title, hash, first_seen, changed_at) VALUES ($1, $2, $3, $4, $5, $5)',
          [doc.document, doc.collection, doc.title, doc.hash, now],
        );
      }
      for (const doc of diff.update) {
        await db.query(
          'UPDATE documents SET collection = $1, title = $2, hash = $3, changed_at = $4, removed_at = NULL WHERE document = $5',
          [doc.collection, doc.title, doc.hash, now, doc.document],
        );
      }
      if (diff.removed.length > 0) await db.query('UPDATE documents SET removed_at = $1 WHERE document = ANY($2)', [now, diff.removed]);
      return diff.changes;
    });
  }

  async knowledgeChangedSince(since: Date): Promise<KnowledgeLogEntry[]> {
    const { rows } = await this.pool.query<DocumentRow>(
      'SELECT * FROM documents WHERE changed_at > $1 AND removed_at IS NULL ORDER BY changed_at, document COLLATE "C"',
      [since.getTime()],
    );
    return rows.map(toDocumentEntry);
  }

  async purge(before: Date): Promise<PurgeResult> {
    const t = before.getTime();
    return this.transaction(async (db) => {
      const count = async (sql: string) => (await db.query(sql, [t])).rowCount ?? 0;
      const result: PurgeResult = {
        // Leases are claims on events too (Discord messages): counted with them.
        events: (await count('DELETE FROM events WHERE at < $1')) + (await count('DELETE FROM leases WHERE at < $1')),
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

  // ---- Shared rate limits and embedding cache (pg-shared.ts) ---------------------------

  takeRate(checks: RateCheck[], windowMs: number, at: Date): Promise<RateVerdict> {
    return takeRate(this.pool, this.schema, checks, windowMs, at);
  }

  getEmbeddings(model: string, hashes: string[]): Promise<Map<string, Float32Array>> {
    return getEmbeddings(this.pool, model, hashes);
  }

  putEmbeddings(model: string, entries: { hash: string; vector: Float32Array }[], at: Date = new Date()): Promise<void> {
    return putEmbeddings(this.pool, model, entries, at);
  }

  private transaction<T>(run: (db: Queryable) => Promise<T>): Promise<T> {
    return transaction(this.pool, run);
  }
}
