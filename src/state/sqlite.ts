import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SanadError } from '../core/errors.js';
import { BriefingLogStore } from './briefing-log.js';
import { redact } from '../core/ports.js';
import type { FeedbackRecord, LeaseClaim, LeaseRequest, QuestionRecord, UnfinishedWork } from '../core/state.js';
import { makeDirectory } from './directory.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { SqliteBriefingLog } from './sqlite-briefings.js';
import { type DocumentInput, type DocumentRow, type LeaseRow, citationsJson, decideLease, diffDocuments, toDocumentEntry } from './rows.js';
import type { KnowledgeChanges, KnowledgeLogEntry, PurgeResult, SanadStore } from './types.js';

export interface SqliteStoreOptions {
  /** The database file; `:memory:` for a throwaway store. */
  file: string;
  /** How long a write waits for another connection's lock, in ms (default 1000). It blocks the event loop: keep it short. */
  busyTimeoutMs?: number;
  /** Open without write access (tests simulate a read-only disk with this). */
  readonly?: boolean;
  /** Stop after this many migrations (tests of the migration path). */
  migrations?: readonly string[];
  /** Called after the file was found deleted or replaced while open, and reopened. */
  onReplaced?: (file: string) => void;
}

export const DEFAULT_DB_NAME = 'sanad.db';

/** `dev:ino` of a file, or null when it is gone. */
function fileIdentity(file: string): string | null {
  const stat = statSync(file, { throwIfNoEntry: false });
  return stat ? `${stat.dev}:${stat.ino}` : null;
}

/**
 * The SQLite state store: question log, feedback, event dedupe, briefing log and knowledge log
 * in one file. better-sqlite3 is synchronous; the methods are `async` only to fit the port (a
 * thrown error becomes a rejection). WAL so readers never wait for the writer; a short busy timeout so a locked file
 * fails fast instead of freezing the bot. Question and answer text pass through `redact()`:
 * a token pasted into a question is not kept. Nothing else secret is ever written.
 */
export class SqliteStateStore extends BriefingLogStore implements SanadStore {
  readonly file: string;
  private handle: Database.Database;
  /** The file's device and inode when opened; null for `:memory:` and read-only stores. */
  private identity: string | null = null;
  protected readonly briefings = new SqliteBriefingLog(() => this.db);

  constructor(private readonly options: SqliteStoreOptions) {
    super();
    this.file = options.file;
    this.handle = this.connect();
  }

  /**
   * The open database. Each use first checks that the file is still the one opened: deleted or
   * replaced while running (an operator's `rm`, a restore), writes would go to a file nobody can
   * see, and a restart would forget every event already answered. Then it is reopened (a new,
   * empty file) and `onReplaced` says so.
   */
  get db(): Database.Database {
    if (this.identity !== null && this.handle.open && !this.handle.inTransaction && fileIdentity(this.file) !== this.identity) {
      this.handle.close();
      this.handle = this.connect();
      this.options.onReplaced?.(this.file);
    }
    return this.handle;
  }

  private connect(): Database.Database {
    const { options } = this;
    try {
      const db = new Database(options.file, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 1000))}`);
      if (!options.readonly) {
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
        migrate(db, options.migrations ?? MIGRATIONS);
        this.identity = options.file === ':memory:' ? null : fileIdentity(options.file);
      }
      return db;
    } catch (error) {
      throw new SanadError('state_unavailable', `The state database ${options.file} cannot be opened: ${(error as Error).message}`, {
        cause: error,
        hint: 'Check that SANAD_DATA_DIR is a writable folder with free space; sanad keeps answering without it.',
      });
    }
  }

  /** Opens `<dataDir>/sanad.db`, creating the folder. */
  static open(dataDir: string, options: Omit<SqliteStoreOptions, 'file'> = {}): SqliteStateStore {
    try {
      makeDirectory(dataDir);
    } catch (error) {
      throw new SanadError(
        'state_unavailable',
        `The data folder ${dataDir} cannot be created: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        {
          cause: error,
          hint: 'Point SANAD_DATA_DIR at a writable folder; sanad keeps answering without it.',
        },
      );
    }
    return new SqliteStateStore({ ...options, file: join(dataDir, DEFAULT_DB_NAME) });
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  // ---- StateStore ----------------------------------------------------------------------

  async claimEvent(key: string, at: Date = new Date()): Promise<boolean> {
    return this.db.prepare('INSERT OR IGNORE INTO events (key, at) VALUES (?, ?)').run(key, at.getTime()).changes === 1;
  }

  async recordQuestion(r: QuestionRecord): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO questions (platform, channel, user, question, answer, abstained, citations, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        r.platform,
        r.channel,
        r.user,
        redact(r.question),
        redact(r.answer),
        r.abstained ? 1 : 0,
        citationsJson(r.citations),
        r.at.getTime(),
      );
  }

  async recordFeedback(r: FeedbackRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO feedback (platform, channel, user, vote, question, answer, citations, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(r.platform, r.channel, r.user, r.vote, redact(r.question), redact(r.answer), citationsJson(r.citations), r.at.getTime());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  // ---- WorkLeases ----------------------------------------------------------------------

  async claimLease(request: LeaseRequest): Promise<LeaseClaim> {
    // IMMEDIATE, as for briefings: two processes on one file never both take the lease.
    return this.db
      .transaction((): LeaseClaim => {
        const { take, claim } = decideLease(
          this.db.prepare('SELECT * FROM leases WHERE key = ?').get(request.key) as LeaseRow | undefined,
          request,
        );
        if (take) {
          this.db
            .prepare(
              'INSERT INTO leases (key, owner, expires_at, attempts, at, payload) VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at, attempts = attempts + 1',
            )
            .run(request.key, request.owner, request.at.getTime() + request.leaseMs, request.at.getTime(), request.payload ?? null);
        }
        return claim;
      })
      .immediate();
  }

  async renewLease({ key, owner, at, leaseMs }: LeaseRequest): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE leases SET expires_at = ? WHERE key = ? AND owner = ? AND done_at IS NULL')
        .run(at.getTime() + leaseMs, key, owner).changes === 1
    );
  }

  async completeLease(key: string, owner: string, at: Date): Promise<boolean> {
    return (
      this.db
        .prepare('UPDATE leases SET done_at = ?, payload = NULL WHERE key = ? AND owner = ? AND done_at IS NULL')
        .run(at.getTime(), key, owner).changes === 1
    );
  }

  async unfinishedWork(prefix: string, at: Date, since: Date, limit: number): Promise<UnfinishedWork[]> {
    return this.db
      .prepare(
        'SELECT key, payload FROM leases WHERE done_at IS NULL AND payload IS NOT NULL AND expires_at <= ? AND at > ? AND substr(key, 1, length(?)) = ? ORDER BY at LIMIT ?',
      )
      .all(at.getTime(), since.getTime(), prefix, prefix, limit) as UnfinishedWork[];
  }

  // ---- BriefingStore -------------------------------------------------------------------

  async recordDocuments(documents: DocumentInput[], at: Date): Promise<KnowledgeChanges> {
    const now = at.getTime();
    return this.db
      .transaction((): KnowledgeChanges => {
        const diff = diffDocuments(this.db.prepare('SELECT * FROM documents').all() as DocumentRow[], documents);
        const insert = this.db.prepare(
          'INSERT INTO documents (document, collection, title, hash, first_seen, changed_at) VALUES (?, ?, ?, ?, ?, ?)',
        );
        const update = this.db.prepare(
          'UPDATE documents SET collection = ?, title = ?, hash = ?, changed_at = ?, removed_at = NULL WHERE document = ?',
        );
        const remove = this.db.prepare('UPDATE documents SET removed_at = ? WHERE document = ?');
        for (const doc of diff.insert) insert.run(doc.document, doc.collection, doc.title, doc.hash, now, now);
        for (const doc of diff.update) update.run(doc.collection, doc.title, doc.hash, now, doc.document);
        for (const document of diff.removed) remove.run(now, document);
        return diff.changes;
      })
      .immediate();
  }

  async knowledgeChangedSince(since: Date): Promise<KnowledgeLogEntry[]> {
    const rows = this.db
      .prepare('SELECT * FROM documents WHERE changed_at > ? AND removed_at IS NULL ORDER BY changed_at, document')
      .all(since.getTime()) as DocumentRow[];
    return rows.map(toDocumentEntry);
  }

  async purge(before: Date): Promise<PurgeResult> {
    const t = before.getTime();
    return this.db
      .transaction((): PurgeResult => ({
        // Leases are claims on events too (Discord messages): counted with them.
        events:
          this.db.prepare('DELETE FROM events WHERE at < ?').run(t).changes +
          this.db.prepare('DELETE FROM leases WHERE at < ?').run(t).changes,
        questions: this.db.prepare('DELETE FROM questions WHERE at < ?').run(t).changes,
        feedback: this.db.prepare('DELETE FROM feedback WHERE at < ?').run(t).changes,
        // A claim never completed is kept: it is what stops a late double post.
        briefings: this.db.prepare("DELETE FROM briefings WHERE state != 'claimed' AND COALESCE(posted_at, claimed_at) < ?").run(t).changes,
        documents: this.db.prepare('DELETE FROM documents WHERE removed_at IS NOT NULL AND removed_at < ?').run(t).changes,
      }))
      .immediate();
  }
}
