/**
 * BM25's best `limit` rows without scoring every row a common term touches (MaxScore, term at a
 * time): terms go rarest-bound first, fully accumulated, until the `limit`-th best partial score
 * already beats what all the remaining terms together could add; from then on no untouched row
 * can enter, so the remaining (long, common-word) postings only score the rows still in the
 * running, block by block, skipping blocks that hold none of them. The rows kept are then scored
 * again exactly as the exhaustive loop does (terms in query order, the same float operations),
 * so the set and the scores are the exhaustive ones: best score first, ties to the lower row.
 */
import type { Posting } from './postings.js';
import { TopK } from './vector-topk.js';

/** Entries per skip block: a candidate costs at most one block's decoding per term. */
const BLOCK_ENTRIES = 64;
/** Bounds are compared with this relative slack, far above float rounding (1e-15). */
const SLACK = 1e-9;

/** Per posting, computed on first use and again once it has grown: its bound and skip blocks. */
export interface PostingSummary {
  n: number;
  bytes: Uint8Array;
  maxTf: number;
  minLength: number;
  /** Per block: first byte, the row before its first entry, its last row. */
  blocks: Int32Array;
}

export interface QueryTerm {
  posting: Posting;
  /** Query weight × idf. */
  w: number;
}

/** A query term with its posting's summary and what it can add to a row at most. */
export interface ScoringTerm extends QueryTerm {
  summary: PostingSummary;
  bound: number;
}

export interface Bm25Rows {
  lengths: Int32Array;
  alive: Uint8Array;
  rowCount: number;
  k1: number;
  b: number;
  avg: number;
}

const summaries = new WeakMap<Posting, PostingSummary>();

/** The posting's bound data and skip blocks, rebuilt when it has grown or been replaced. */
export function summaryOf(posting: Posting, lengths: Int32Array): PostingSummary {
  const known = summaries.get(posting);
  if (known && known.n === posting.n && known.bytes === posting.bytes) return known;
  const blocks = new Int32Array(3 * Math.ceil(posting.n / BLOCK_ENTRIES));
  let maxTf = 0;
  let minLength = Infinity;
  let entry = 0;
  decode(posting.bytes, 0, posting.used, -1, Infinity, (row, tf, at, before) => {
    if (entry % BLOCK_ENTRIES === 0) {
      const blk = 3 * (entry / BLOCK_ENTRIES);
      blocks[blk] = at;
      blocks[blk + 1] = before;
    }
    blocks[3 * Math.floor(entry / BLOCK_ENTRIES) + 2] = row;
    entry++;
    if (tf > maxTf) maxTf = tf;
    if (lengths[row]! < minLength) minLength = lengths[row]!;
  });
  const summary = { n: posting.n, bytes: posting.bytes, maxTf, minLength, blocks };
  summaries.set(posting, summary);
  return summary;
}

/**
 * Calls `visit(row, tf, at, before)` for entries from byte `from` (the row before it `row`),
 * `at` being the entry's first byte and `before` the row before it, for at most `count` entries.
 */
function decode(
  bytes: Uint8Array,
  from: number,
  end: number,
  row: number,
  count: number,
  visit: (row: number, tf: number, at: number, before: number) => void,
): void {
  for (let i = from, seen = 0; i < end && seen < count; seen++) {
    const at = i;
    const before = row;
    let v = bytes[i++]!;
    if (v >= 0x80) {
      v &= 0x7f;
      let shift = 7;
      let x: number;
      do {
        x = bytes[i++]!;
        v |= (x & 0x7f) << shift;
        shift += 7;
      } while (x >= 0x80);
    }
    row += v >>> 1;
    let tf = 1;
    if (v & 1) {
      tf = bytes[i++]!;
      if (tf >= 0x80) {
        tf &= 0x7f;
        let shift = 7;
        let x: number;
        do {
          x = bytes[i++]!;
          tf |= (x & 0x7f) << shift;
          shift += 7;
        } while (x >= 0x80);
      }
    }
    visit(row, tf, at, before);
  }
}

/** Calls `visit(index, tf)` for each of `rows` (ascending) the posting holds, decoding only blocks that may hold one. */
function forRowsIn(posting: Posting, summary: PostingSummary, rows: Int32Array, visit: (index: number, tf: number) => void): void {
  const { blocks } = summary;
  let c = 0;
  for (let blk = 0; blk < blocks.length && c < rows.length; blk += 3) {
    if (rows[c]! > blocks[blk + 2]!) continue;
    const bytes = posting.bytes;
    const end = posting.used;
    let row = blocks[blk + 1]!;
    for (let at = blocks[blk]!, seen = 0; at < end && seen < BLOCK_ENTRIES && c < rows.length; seen++) {
      let v = bytes[at++]!;
      if (v >= 0x80) {
        v &= 0x7f;
        let shift = 7;
        let x: number;
        do {
          x = bytes[at++]!;
          v |= (x & 0x7f) << shift;
          shift += 7;
        } while (x >= 0x80);
      }
      row += v >>> 1;
      let tf = 1;
      if (v & 1) {
        tf = bytes[at++]!;
        if (tf >= 0x80) {
          tf &= 0x7f;
          let shift = 7;
          let x: number;
          do {
            x = bytes[at++]!;
            tf |= (x & 0x7f) << shift;
            shift += 7;
          } while (x >= 0x80);
        }
      }
      while (c < rows.length && rows[c]! < row) c++;
      if (rows[c] === row) visit(c++, tf);
    }
  }
}

/** What a term can add to any row at most. */
function upperBound(term: QueryTerm, summary: PostingSummary, index: Bm25Rows): number {
  const { k1, b, avg } = index;
  const tf = summary.maxTf;
  return ((term.w * (tf * (k1 + 1))) / (tf + k1 * (1 - b + (b * summary.minLength) / avg))) * (1 + SLACK);
}

/**
 * The terms as scores add them up, largest bound first (ties in query order): the pruned search
 * needs that order, and the exhaustive loop follows it so both make the same sums to the last bit.
 */
export function scoringOrder(index: Bm25Rows, terms: QueryTerm[]): ScoringTerm[] {
  return terms
    .map((term) => ({ ...term, summary: summaryOf(term.posting, index.lengths) }))
    .map((t) => ({ ...t, bound: upperBound(t, t.summary, index) }))
    .sort((x, y) => y.bound - x.bound);
}

/**
 * The `limit` best allowed rows, as row → score, best first (ties to the lower row), with the
 * exact scores of the exhaustive loop. `terms` in query order; every `w` above 0.
 */
export function topScores(
  index: Bm25Rows,
  ordered: ScoringTerm[],
  allow: ((row: number) => boolean) | undefined,
  limit: number,
  acc: Float64Array,
): Map<number, number> {
  const { lengths, alive, k1, b, avg } = index;
  const rest = new Float64Array(ordered.length + 1);
  for (let i = ordered.length - 1; i >= 0; i--) rest[i] = rest[i + 1]! + ordered[i]!.bound;
  let restEntries = ordered.reduce((n, t) => n + t.posting.n, 0);
  // 0 unknown, 1 allowed, 2 not: `allow` is asked once a row, and only about rows that could enter.
  const allowed = new Uint8Array(index.rowCount);
  const isAllowed = (row: number) => {
    if (allowed[row] === 0) allowed[row] = !allow || allow(row) ? 1 : 2;
    return allowed[row] === 1;
  };
  const touched: number[] = [];
  let i = 0;
  let threshold = -Infinity;
  // What the threshold can be at most: the last one found plus the bounds read since.
  let ceiling = 0;
  let ceilingAt = 0;
  for (; i < ordered.length; i++) {
    const term = ordered[i]!;
    // Worth checking only when what is left to read outweighs a pass over the rows touched,
    // and when the threshold could beat what is left.
    const most = ceiling + rest[ceilingAt]! - rest[i]!;
    if (touched.length >= limit && restEntries > 2 * touched.length && most > rest[i]!) {
      threshold = kthBest(touched, acc, limit, isAllowed);
      if (threshold > rest[i]!) break;
      ceiling = Math.max(0, threshold);
      ceilingAt = i;
    }
    restEntries -= term.posting.n;
    const w = term.w;
    const { bytes, used } = term.posting;
    let row = -1;
    for (let at = 0; at < used;) {
      let v = bytes[at++]!;
      if (v >= 0x80) {
        v &= 0x7f;
        let shift = 7;
        let x: number;
        do {
          x = bytes[at++]!;
          v |= (x & 0x7f) << shift;
          shift += 7;
        } while (x >= 0x80);
      }
      row += v >>> 1;
      let tf = 1;
      if (v & 1) {
        tf = bytes[at++]!;
        if (tf >= 0x80) {
          tf &= 0x7f;
          let shift = 7;
          let x: number;
          do {
            x = bytes[at++]!;
            tf |= (x & 0x7f) << shift;
            shift += 7;
          } while (x >= 0x80);
        }
      }
      if (!alive[row]) continue;
      const norm = tf + k1 * (1 - b + (b * lengths[row]!) / avg);
      if (acc[row] === 0) touched.push(row);
      acc[row]! += (w * (tf * (k1 + 1))) / norm;
    }
  }
  let rows: ArrayLike<number> = touched;
  if (i < ordered.length) {
    // Only rows that can still reach the threshold stay; the remaining terms score just them.
    const floor = threshold - rest[i]! - SLACK * threshold;
    let kept = new Int32Array(touched.length);
    let n = 0;
    for (const row of touched) if (acc[row]! >= floor && isAllowed(row)) kept[n++] = row;
    kept = kept.subarray(0, n).sort();
    for (; i < ordered.length; i++) {
      const term = ordered[i]!;
      const w = term.w;
      const running = kept;
      forRowsIn(term.posting, term.summary, running, (c, tf) => {
        const row = running[c]!;
        acc[row]! += (w * (tf * (k1 + 1))) / (tf + k1 * (1 - b + (b * lengths[row]!) / avg));
      });
      // The threshold rises and what is left to add shrinks: fewer rows stay in the running.
      if (kept.length <= limit) continue;
      threshold = kthBest(kept, acc, limit, isAllowed);
      const least = threshold - rest[i + 1]! - SLACK * Math.abs(threshold);
      n = 0;
      for (let c = 0; c < kept.length; c++) if (acc[kept[c]!]! >= least) kept[n++] = kept[c]!;
      kept = kept.subarray(0, n);
    }
    rows = kept;
  }
  const heap = new TopK(limit);
  for (let c = 0; c < rows.length; c++) {
    const row = rows[c]!;
    if (heap.accepts(acc[row]!, row) && isAllowed(row)) heap.push(acc[row]!, row);
  }
  for (const row of touched) acc[row] = 0;
  return new Map(heap.sorted().map(({ row, score }) => [row, score]));
}

/** The `limit`-th best score among allowed rows; -Infinity when fewer are allowed. */
function kthBest(rows: ArrayLike<number>, acc: Float64Array, limit: number, isAllowed: (row: number) => boolean): number {
  const heap = new TopK(limit);
  for (let j = 0; j < rows.length; j++) {
    const row = rows[j]!;
    const s = acc[row]!;
    if (heap.accepts(s, row) && isAllowed(row)) heap.push(s, row);
  }
  return heap.threshold;
}
