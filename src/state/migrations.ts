import type Database from 'better-sqlite3';

/**
 * Schema migrations, applied in order. `PRAGMA user_version` holds how many have run; never
 * edit a shipped migration, append a new one. Times are epoch milliseconds (INTEGER).
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the question log, feedback, processed events, the briefing log.
  `
  CREATE TABLE events (
    key TEXT PRIMARY KEY,
    at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    user TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    citations TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    user TEXT NOT NULL,
    vote TEXT NOT NULL CHECK (vote IN ('up', 'down')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE TABLE briefings (
    key TEXT PRIMARY KEY,
    platform TEXT NOT NULL,
    channel TEXT NOT NULL,
    day TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('claimed', 'posted', 'skipped')),
    owner TEXT NOT NULL,
    claimed_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    posted_at INTEGER,
    message_id TEXT,
    content TEXT
  );
  `,
  // 2: the knowledge log (what the briefing calls new), and indexes for the time-range reads.
  `
  CREATE TABLE documents (
    document TEXT PRIMARY KEY,
    collection TEXT NOT NULL,
    title TEXT NOT NULL,
    hash TEXT NOT NULL,
    first_seen INTEGER NOT NULL,
    changed_at INTEGER NOT NULL,
    removed_at INTEGER
  );
  CREATE INDEX questions_channel_at ON questions (platform, channel, at);
  CREATE INDEX feedback_channel_at ON feedback (platform, channel, at);
  CREATE INDEX events_at ON events (at);
  CREATE INDEX briefings_channel ON briefings (platform, channel, posted_at);
  `,
  // 3: leases on work every replica receives (Discord messages): who holds it, until when, done.
  `
  CREATE TABLE leases (
    key TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 1,
    done_at INTEGER,
    at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX leases_at ON leases (at);
  `,
  // 4: the work a lease covers (a Slack request's body), kept until it is done, so that another
  // replica can do it when its holder dies after Slack's acknowledgement.
  `
  ALTER TABLE leases ADD COLUMN payload TEXT;
  CREATE INDEX leases_unfinished ON leases (expires_at) WHERE done_at IS NULL AND payload IS NOT NULL;
  `,
];

/** Brings the database up to `migrations.length`; each step in its own transaction. */
export function migrate(db: Database.Database, migrations: readonly string[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`the database schema is version ${current}, newer than this sanad knows (${migrations.length}); upgrade sanad`);
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
  return migrations.length;
}
