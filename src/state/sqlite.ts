import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SanadError } from '../core/errors.js';
import { redact } from '../core/ports.js';
import type { FeedbackRecord, QuestionRecord } from '../core/state.js';
import { makeDirectory } from './directory.js';
import { MIGRATIONS, migrate } from './migrations.js';
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

/** Most declined questions listed in a briefing. */
const MAX_DECLINED = 20;

interface BriefingRow {
  key: string;
  platform: string;
  channel: string;
  day: string;
  state: BriefingState;
  owner: string;
  claimed_at: number;
  attempts: number;
  posted_at: number | null;
  message_id: string | null;
  content: string | null;
}

interface DocumentRow {
  document: string;
  collection: string;
  title: string;
  hash: string;
  first_seen: number;
  changed_at: number;
  removed_at: number | null;
}

/**
 * The SQLite state store: question log, feedback, event dedupe, briefing log and knowledge log
 * in one file. better-sqlite3 is synchronous; the methods are `async` only to fit the port (a
 * thrown error becomes a rejection). WAL so readers never wait for the writer; a short busy timeout so a locked file
 * fails fast instead of freezing the bot. Question and answer text pass through `redact()`:
 * a token pasted into a question is not kept. Nothing else secret is ever written.
 */
export class SqliteStateStore implements SanadStore {
  readonly file: string;
  private handle: Database.Database;
  /** The file's device and inode when opened; null for `:memory:` and read-only stores. */
  private identity: string | null = null;

  constructor(private readonly options: SqliteStoreOptions) {
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
      throw new SanadError('state_unavailable', `The data folder ${dataDir} cannot be created: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
        cause: error,
        hint: 'Point SANAD_DATA_DIR at a writable folder; sanad keeps answering without it.',
      });
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

  async recordQuestion(record: QuestionRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO questions (platform, channel, user, question, answer, abstained, citations, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        record.platform,
        record.channel,
        record.user,
        redact(record.question),
        redact(record.answer),
        record.abstained ? 1 : 0,
        JSON.stringify(record.citations.map(({ document, paragraph, paragraphId }) => ({ document, paragraph, paragraphId }))),
        record.at.getTime(),
      );
  }

  async recordFeedback(record: FeedbackRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO feedback (platform, channel, user, vote, question, answer, citations, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(
        record.platform,
        record.channel,
        record.user,
        record.vote,
        redact(record.question),
        redact(record.answer),
        JSON.stringify(record.citations.map(({ document, paragraph, paragraphId }) => ({ document, paragraph, paragraphId }))),
        record.at.getTime(),
      );
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  // ---- BriefingStore -------------------------------------------------------------------

  async questionStats(platform: string, channel: string, from: Date, to: Date): Promise<QuestionStats> {
    const range = [platform, channel, from.getTime(), to.getTime()];
    const q = this.db
      .prepare('SELECT COUNT(*) AS asked, COALESCE(SUM(abstained), 0) AS declined FROM questions WHERE platform = ? AND channel = ? AND at >= ? AND at < ?')
      .get(...range) as { asked: number; declined: number };
    const f = this.db
      .prepare(
        "SELECT COALESCE(SUM(vote = 'up'), 0) AS up, COALESCE(SUM(vote = 'down'), 0) AS down FROM feedback WHERE platform = ? AND channel = ? AND at >= ? AND at < ?",
      )
      .get(...range) as { up: number; down: number };
    const declined = this.db
      .prepare(
        'SELECT question FROM questions WHERE platform = ? AND channel = ? AND at >= ? AND at < ? AND abstained = 1 GROUP BY question ORDER BY MIN(at) LIMIT ?',
      )
      .all(...range, MAX_DECLINED) as { question: string }[];
    return {
      asked: q.asked,
      answered: q.asked - q.declined,
      declined: q.declined,
      up: f.up,
      down: f.down,
      declinedQuestions: declined.map((row) => row.question),
    };
  }

  async claimBriefing(request: ClaimRequest): Promise<BriefingClaim> {
    // IMMEDIATE: the read and the write happen under one write lock, so two schedulers on the
    // same file cannot both see "no row" and both post.
    return this.db
      .transaction((): BriefingClaim => {
        const row = this.db.prepare('SELECT * FROM briefings WHERE key = ?').get(request.key) as BriefingRow | undefined;
        const now = request.at.getTime();
        if (!row) {
          this.db
            .prepare("INSERT INTO briefings (key, platform, channel, day, state, owner, claimed_at, attempts) VALUES (?, ?, ?, ?, 'claimed', ?, ?, 1)")
            .run(request.key, request.platform, request.channel, request.day, request.owner, now);
          return { status: 'claimed', attempt: 1 };
        }
        if (row.state !== 'claimed') return { status: 'done', entry: toEntry(row) };
        if (row.owner !== request.owner && row.claimed_at + request.leaseMs > now) {
          return { status: 'busy', retryAt: new Date(row.claimed_at + request.leaseMs) };
        }
        // Abandoned (its holder crashed or gave up), or our own earlier attempt: take it over.
        this.db.prepare('UPDATE briefings SET owner = ?, claimed_at = ?, attempts = attempts + 1 WHERE key = ?').run(request.owner, now, request.key);
        return { status: 'claimed', attempt: row.attempts + 1 };
      })
      .immediate();
  }

  async completeBriefing(
    key: string,
    owner: string,
    outcome: { state: 'posted' | 'skipped'; messageId?: string | null; content?: string | null; at: Date },
  ): Promise<boolean> {
    const result = this.db
      .prepare("UPDATE briefings SET state = ?, posted_at = ?, message_id = ?, content = ? WHERE key = ? AND owner = ? AND state = 'claimed'")
      .run(outcome.state, outcome.at.getTime(), outcome.messageId ?? null, outcome.content ?? null, key, owner);
    return result.changes === 1;
  }

  async releaseBriefing(key: string, owner: string): Promise<void> {
    // Back-date the claim so the next trigger may take it over at once.
    this.db.prepare("UPDATE briefings SET claimed_at = 0 WHERE key = ? AND owner = ? AND state = 'claimed'").run(key, owner);
  }

  async briefing(key: string): Promise<BriefingLogEntry | null> {
    const row = this.db.prepare('SELECT * FROM briefings WHERE key = ?').get(key) as BriefingRow | undefined;
    return row ? toEntry(row) : null;
  }

  async lastBriefing(platform: string, channel: string, before?: Date): Promise<BriefingLogEntry | null> {
    const row = this.db
      .prepare(
        "SELECT * FROM briefings WHERE platform = ? AND channel = ? AND state IN ('posted', 'skipped') AND posted_at < ? ORDER BY posted_at DESC LIMIT 1",
      )
      .get(platform, channel, before ? before.getTime() : Number.MAX_SAFE_INTEGER) as BriefingRow | undefined;
    return row ? toEntry(row) : null;
  }

  async briefingHistory(platform: string, channel: string, limit: number): Promise<BriefingLogEntry[]> {
    const rows = this.db
      .prepare("SELECT * FROM briefings WHERE platform = ? AND channel = ? AND state = 'posted' ORDER BY day DESC LIMIT ?")
      .all(platform, channel, limit) as BriefingRow[];
    return rows.map(toEntry);
  }

  async recordDocuments(documents: { document: string; collection: string; title: string; hash: string }[], at: Date): Promise<KnowledgeChanges> {
    const changes: KnowledgeChanges = { added: [], changed: [], removed: [] };
    const now = at.getTime();
    this.db
      .transaction(() => {
        const rows = this.db.prepare('SELECT * FROM documents').all() as DocumentRow[];
        const known = new Map(rows.map((row) => [row.document, row]));
        const current = new Set<string>();
        for (const doc of documents) {
          current.add(doc.document);
          const row = known.get(doc.document);
          if (!row) {
            this.db
              .prepare('INSERT INTO documents (document, collection, title, hash, first_seen, changed_at) VALUES (?, ?, ?, ?, ?, ?)')
              .run(doc.document, doc.collection, doc.title, doc.hash, now, now);
            changes.added.push(doc.document);
          } else if (row.hash !== doc.hash || row.removed_at !== null) {
            this.db
              .prepare('UPDATE documents SET collection = ?, title = ?, hash = ?, changed_at = ?, removed_at = NULL WHERE document = ?')
              .run(doc.collection, doc.title, doc.hash, now, doc.document);
            (row.removed_at !== null ? changes.added : changes.changed).push(doc.document);
          }
        }
        for (const row of rows) {
          if (!current.has(row.document) && row.removed_at === null) {
            this.db.prepare('UPDATE documents SET removed_at = ? WHERE document = ?').run(now, row.document);
            changes.removed.push(row.document);
          }
        }
      })
      .immediate();
    return changes;
  }

  async knowledgeChangedSince(since: Date): Promise<KnowledgeLogEntry[]> {
    const rows = this.db
      .prepare('SELECT * FROM documents WHERE changed_at > ? AND removed_at IS NULL ORDER BY changed_at, document')
      .all(since.getTime()) as DocumentRow[];
    return rows.map((row) => ({
      document: row.document,
      collection: row.collection,
      title: row.title,
      hash: row.hash,
      firstSeen: new Date(row.first_seen),
      changedAt: new Date(row.changed_at),
      removedAt: row.removed_at === null ? null : new Date(row.removed_at),
    }));
  }

  async purge(before: Date): Promise<PurgeResult> {
    const t = before.getTime();
    return this.db
      .transaction(
        (): PurgeResult => ({
          events: this.db.prepare('DELETE FROM events WHERE at < ?').run(t).changes,
          questions: this.db.prepare('DELETE FROM questions WHERE at < ?').run(t).changes,
          feedback: this.db.prepare('DELETE FROM feedback WHERE at < ?').run(t).changes,
          // A claim never completed is kept: it is what stops a late double post.
          briefings: this.db.prepare("DELETE FROM briefings WHERE state != 'claimed' AND COALESCE(posted_at, claimed_at) < ?").run(t).changes,
          documents: this.db.prepare('DELETE FROM documents WHERE removed_at IS NOT NULL AND removed_at < ?').run(t).changes,
        }),
      )
      .immediate();
  }
}

function toEntry(row: BriefingRow): BriefingLogEntry {
  return {
    key: row.key,
    platform: row.platform,
    channel: row.channel,
    day: row.day,
    state: row.state,
    owner: row.owner,
    claimedAt: new Date(row.claimed_at),
    attempts: row.attempts,
    postedAt: row.posted_at === null ? null : new Date(row.posted_at),
    messageId: row.message_id,
    content: row.content,
  };
}

export { MIGRATIONS, migrate };
