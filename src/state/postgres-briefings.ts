import type pg from 'pg';
import { type BriefingRow, MAX_DECLINED, toBriefingEntry } from './rows.js';
import type { BriefingLog } from './briefing-log.js';
import type { BriefingClaim, BriefingLogEntry, BriefingOutcome, ClaimRequest, QuestionStats } from './types.js';

/**
 * The briefing log on PostgreSQL: one row per channel and day, claimed by one upsert that takes
 * over only an expired or own claim, so exactly one replica posts each briefing.
 */
export class PgBriefingLog implements BriefingLog {
  constructor(private readonly pool: pg.Pool) {}

  /** What a channel asked and said yesterday, for the briefing's "yesterday" line (all replicas). */
  async questionStats(platform: string, channel: string, from: Date, to: Date): Promise<QuestionStats> {
    const range = [platform, channel, from.getTime(), to.getTime()];
    const where = 'platform = $1 AND channel = $2 AND at >= $3 AND at < $4';
    const [q, f, declined] = await Promise.all([
      this.pool.query<{ asked: number; declined: number }>(
        `SELECT COUNT(*)::int AS asked, COUNT(*) FILTER (WHERE abstained)::int AS declined FROM questions WHERE ${where}`,
        range,
      ),
      this.pool.query<{ up: number; down: number }>(
        `SELECT COUNT(*) FILTER (WHERE vote = 'up')::int AS up, COUNT(*) FILTER (WHERE vote = 'down')::int AS down FROM feedback WHERE ${where}`,
        range,
      ),
      this.pool.query<{ question: string }>(
        `SELECT question FROM questions WHERE ${where} AND abstained GROUP BY question ORDER BY MIN(at) LIMIT $5`,
        [...range, MAX_DECLINED],
      ),
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
    if (row && row.state !== 'claimed') return { status: 'done', entry: toBriefingEntry(row) };
    // Held by another replica (or released just now: then the retry comes at once).
    return { status: 'busy', retryAt: new Date(row ? Number(row.claimed_at) + request.leaseMs : now) };
  }

  async completeBriefing(key: string, owner: string, outcome: BriefingOutcome): Promise<boolean> {
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
    return row ? toBriefingEntry(row) : null;
  }

  async lastBriefing(platform: string, channel: string, before?: Date): Promise<BriefingLogEntry | null> {
    const { rows } = await this.pool.query<BriefingRow>(
      "SELECT * FROM briefings WHERE platform = $1 AND channel = $2 AND state IN ('posted', 'skipped') AND posted_at < $3 ORDER BY posted_at DESC LIMIT 1",
      [platform, channel, before ? before.getTime() : Number.MAX_SAFE_INTEGER],
    );
    return rows[0] ? toBriefingEntry(rows[0]) : null;
  }

  async briefingHistory(platform: string, channel: string, limit: number): Promise<BriefingLogEntry[]> {
    const { rows } = await this.pool.query<BriefingRow>(
      "SELECT * FROM briefings WHERE platform = $1 AND channel = $2 AND state = 'posted' ORDER BY day DESC LIMIT $3",
      [platform, channel, limit],
    );
    return rows.map(toBriefingEntry);
  }

  private async row(key: string): Promise<BriefingRow | null> {
    const { rows } = await this.pool.query<BriefingRow>('SELECT * FROM briefings WHERE key = $1', [key]);
    return rows[0] ?? null;
  }
}
