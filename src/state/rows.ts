/**
 * What the SQLite and PostgreSQL stores share: their rows (times in epoch milliseconds; the
 * `pg` driver returns BIGINT as a string, SQLite a number), the mapping to entries, and the
 * decisions taken in code over rows read (the knowledge diff, a lease claim).
 */
import type { LeaseClaim, LeaseRequest, QuestionRecord } from '../core/state.js';
import type { BriefingLogEntry, BriefingState, KnowledgeChanges, KnowledgeLogEntry } from './types.js';

/** Most declined questions listed in a briefing. */
export const MAX_DECLINED = 20;

type Millis = number | string;

export interface BriefingRow {
  key: string;
  platform: string;
  channel: string;
  day: string;
  state: BriefingState;
  owner: string;
  claimed_at: Millis;
  attempts: number;
  posted_at: Millis | null;
  message_id: string | null;
  content: string | null;
}

export interface DocumentRow {
  document: string;
  collection: string;
  title: string;
  hash: string;
  first_seen: Millis;
  changed_at: Millis;
  removed_at: Millis | null;
}

export interface LeaseRow {
  key: string;
  owner: string;
  expires_at: Millis;
  attempts: number;
  done_at: Millis | null;
}

export interface DocumentInput {
  document: string;
  collection: string;
  title: string;
  hash: string;
}

const date = (ms: Millis): Date => new Date(Number(ms));

export function toBriefingEntry(row: BriefingRow): BriefingLogEntry {
  return {
    key: row.key,
    platform: row.platform,
    channel: row.channel,
    day: row.day,
    state: row.state,
    owner: row.owner,
    claimedAt: date(row.claimed_at),
    attempts: row.attempts,
    postedAt: row.posted_at === null ? null : date(row.posted_at),
    messageId: row.message_id,
    content: row.content,
  };
}

export function toDocumentEntry(row: DocumentRow): KnowledgeLogEntry {
  return {
    document: row.document,
    collection: row.collection,
    title: row.title,
    hash: row.hash,
    firstSeen: date(row.first_seen),
    changedAt: date(row.changed_at),
    removedAt: row.removed_at === null ? null : date(row.removed_at),
  };
}

/** The citations of a question or a vote as stored: what finds the paragraph again, no text. */
export function citationsJson(citations: QuestionRecord['citations']): string {
  return JSON.stringify(citations.map(({ document, paragraph, paragraphId }) => ({ document, paragraph, paragraphId })));
}

/** What recording the current knowledge writes over the known rows, and the changes it reports. */
export interface DocumentsDiff {
  insert: DocumentInput[];
  update: DocumentInput[];
  removed: string[];
  changes: KnowledgeChanges;
}

export function diffDocuments(rows: DocumentRow[], documents: DocumentInput[]): DocumentsDiff {
  const known = new Map(rows.map((row) => [row.document, row]));
  const diff: DocumentsDiff = { insert: [], update: [], removed: [], changes: { added: [], changed: [], removed: [] } };
  const current = new Set<string>();
  for (const doc of documents) {
    current.add(doc.document);
    const row = known.get(doc.document);
    if (!row) {
      diff.insert.push(doc);
      diff.changes.added.push(doc.document);
    } else if (row.hash !== doc.hash || row.removed_at !== null) {
      diff.update.push(doc);
      // A document back after its removal is new again.
      (row.removed_at !== null ? diff.changes.added : diff.changes.changed).push(doc.document);
    }
  }
  diff.removed = rows.filter((row) => !current.has(row.document) && row.removed_at === null).map((row) => row.document);
  diff.changes.removed.push(...diff.removed);
  return diff;
}

/**
 * A lease claim decided over the row read under a write lock (SQLite; PostgreSQL decides in one
 * upsert and reads the row only when it did not take it): `take` says whether to write the claim.
 */
export function decideLease(row: LeaseRow | undefined, request: LeaseRequest): { take: boolean; claim: LeaseClaim } {
  if (!row) return { take: true, claim: { status: 'claimed', attempt: 1 } };
  if (row.done_at !== null) return { take: false, claim: { status: 'done' } };
  const expiresAt = Number(row.expires_at);
  if (expiresAt > request.at.getTime()) return { take: false, claim: { status: 'busy', expiresAt: new Date(expiresAt) } };
  return { take: true, claim: { status: 'claimed', attempt: row.attempts + 1 } };
}
