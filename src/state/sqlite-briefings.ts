import type Database from 'better-sqlite3';
import { type BriefingRow, MAX_DECLINED, toBriefingEntry } from './rows.js';
import type { BriefingLog } from './briefing-log.js';
import type { BriefingClaim, BriefingLogEntry, BriefingOutcome, ClaimRequest, QuestionStats } from './types.js';

/**
 * The briefing log on SQLite: one row per channel and day, claimed under one write lock, so two
 * schedulers on the same file never both post. `db` is the store's open database (reopened when
 * its file was replaced).
 */
export class SqliteBriefingLog implements BriefingLog {
  constructor(private readonly db: () => Database.Database) {}

  /** What a channel asked and said yesterday, for the briefing's "yesterday" line. */
  async questionStats(platform: string, channel: string, from: Date, to: Date): Promise<QuestionStats> {
    const range = [platform, channel, from.getTime(), to.getTime()];
    const q = this.db()
      .prepare(
        'SELECT COUNT(*) AS asked, COALESCE(SUM(abstained), 0) AS declined FROM questions WHERE platform = ? AND channel = ? AND at >= ? AND at < ?',
      )
      .get(...range) as { asked: number; declined: number };
    const f = this.db()
      .prepare(
        "SELECT COALESCE(SUM(vote = 'up'), 0) AS up, COALESCE(SUM(vote = 'down'), 0) AS down FROM feedback WHERE platform = ? AND channel = ? AND at >= ? AND at < ?",
      )
      .get(...range) as { up: number; down: number };
    const declined = this.db()
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
    return this.db()
      .transaction((): BriefingClaim => {
        const row = this.db().prepare('SELECT * FROM briefings WHERE key = ?').get(request.key) as BriefingRow | undefined;
        const now = request.at.getTime();
        if (!row) {
          this.db()
            .prepare(
              "INSERT INTO briefings (key, platform, channel, day, state, owner, claimed_at, attempts) VALUES (?, ?, ?, ?, 'claimed', ?, ?, 1)",
            )
            .run(request.key, request.platform, request.channel, request.day, request.owner, now);
          return { status: 'claimed', attempt: 1 };
        }
        if (row.state !== 'claimed') return { status: 'done', entry: toBriefingEntry(row) };
        const expiresAt = Number(row.claimed_at) + request.leaseMs;
        if (row.owner !== request.owner && expiresAt > now) return { status: 'busy', retryAt: new Date(expiresAt) };
        // Abandoned (its holder crashed or gave up), or our own earlier attempt: take it over.
        this.db()
          .prepare('UPDATE briefings SET owner = ?, claimed_at = ?, attempts = attempts + 1 WHERE key = ?')
          .run(request.owner, now, request.key);
        return { status: 'claimed', attempt: row.attempts + 1 };
      })
      .immediate();
  }

  async completeBriefing(key: string, owner: string, outcome: BriefingOutcome): Promise<boolean> {
    const result = this.db()
      .prepare(
        "UPDATE briefings SET state = ?, posted_at = ?, message_id = ?, content = ? WHERE key = ? AND owner = ? AND state = 'claimed'",
      )
      .run(outcome.state, outcome.at.getTime(), outcome.messageId ?? null, outcome.content ?? null, key, owner);
    return result.changes === 1;
  }

  async releaseBriefing(key: string, owner: string): Promise<void> {
    // Back-date the claim so the next trigger may take it over at once.
    this.db().prepare("UPDATE briefings SET claimed_at = 0 WHERE key = ? AND owner = ? AND state = 'claimed'").run(key, owner);
  }

  async briefing(key: string): Promise<BriefingLogEntry | null> {
    const row = this.db().prepare('SELECT * FROM briefings WHERE key = ?').get(key) as BriefingRow | undefined;
    return row ? toBriefingEntry(row) : null;
  }

  async lastBriefing(platform: string, channel: string, before?: Date): Promise<BriefingLogEntry | null> {
    const row = this.db()
      .prepare(
        "SELECT * FROM briefings WHERE platform = ? AND channel = ? AND state IN ('posted', 'skipped') AND posted_at < ? ORDER BY posted_at DESC LIMIT 1",
      )
      .get(platform, channel, before ? before.getTime() : Number.MAX_SAFE_INTEGER) as BriefingRow | undefined;
    return row ? toBriefingEntry(row) : null;
  }

  async briefingHistory(platform: string, channel: string, limit: number): Promise<BriefingLogEntry[]> {
    const rows = this.db()
      .prepare("SELECT * FROM briefings WHERE platform = ? AND channel = ? AND state = 'posted' ORDER BY day DESC LIMIT ?")
      .all(platform, channel, limit) as BriefingRow[];
    return rows.map(toBriefingEntry);
  }
}
