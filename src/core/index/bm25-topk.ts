/**
 * BM25's best `limit` rows without scoring every row a common term touches (MaxScore, term at a
 * time): terms go rarest-bound first, fully accumulated, until the `limit`-th best partial score
 * already beats what all the remaining terms together could add; from then on no untouched row
 * can enter. The rows still in the running then get their own bound for the remaining (long,
 * common-word) terms from the skip blocks of 64 entries they fall in (each block keeps the most
 * one of its entries adds), which drops most of them before those postings are read; the rest
 * are scored block by block, skipping blocks that hold none of them. The threshold that decides
 * all this is raised early from below: the rows best so far are scored in full (their blocks
 * only), and the `limit`-th best of those real scores is a score the answer's last row reaches
 * (at 1M paragraphs it is ~45 % above the partial one, and most rows drop at once). Every row's terms are added
 * in the same order and with the same float operations as the exhaustive loop, so the set and
 * the scores are the exhaustive ones: best score first, ties to the lower row.
 */
import { decodeEntries, type Posting } from './postings.js';
import { isShared, type SharedArena } from './shared-arena.js';
import { TopK } from './vector-topk.js';

/**
 * Entries per skip block: a candidate costs at most one block's decoding per term, and a block of
 * a long posting spans rows that mostly lack the term but get its bound. At 1M paragraphs 16
 * against 64: search p50 53 -> 49 ms, ask p99 149-168 -> 122 ms, for 250 MB more of summaries.
 */
const BLOCK_ENTRIES = 16;
/** Bounds are compared with this relative slack, far above float rounding (1e-15). */
const SLACK = 1e-9;
/** Rows scored in full for the early threshold, per row asked for. */
const ESTIMATE_ROWS_PER_LIMIT = 2;
/** A summary is made again when the average length has moved by more than this share since it was made. */
const MAX_DRIFT = 0.01;

/** Per posting, computed on first use and extended once it has grown: its bound and skip blocks. */
export interface PostingSummary {
  n: number;
  bytes: Uint8Array;
  maxTf: number;
  minLength: number;
  /** Per block: first byte, the row before its first entry, its last row. */
  blocks: Int32Array;
  /**
   * Per block: the most one of its entries adds per unit of query weight, at average length
   * `avg`. At another average `a` the most is at most `max(1, a / avg)` times that: only the
   * length part of the norm scales with the average.
   */
  blockMax: Float64Array;
  avg: number;
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
  /** No row is longer. */
  longest: number;
  alive: Uint8Array;
  rowCount: number;
  k1: number;
  b: number;
  avg: number;
}

/** Per-question work arrays kept by the index between questions (all zero between them). */
export interface Bm25Scratch {
  /** Per row: its score so far. */
  acc: Float64Array;
  /** Per row: 0 not yet asked, 1 allowed, 2 not: `allow` is asked once a row, and only about rows that could enter. */
  allowed: Uint8Array;
  /** Each row's length norm through its length (see `Norms`), for the average length `normsAvg`. */
  norms: Norms;
  normsAvg: number;
  /** Rows touched by a question, and those of them still in the running. */
  touched: Int32Array;
  kept: Int32Array;
  /** Their scores, for selecting the threshold, and what the terms left can add to each at most. */
  values: Float64Array;
  bounds: Float64Array;
  /** Per row and one more: the block bounds' steps (see `keepWithinBlockBounds`). */
  steps: Int32Array;
}

/**
 * A row's length norm `k1 × (1 − b + b × length / avg)`, the same double the exhaustive loop
 * computes, read as `byLength[lengths[row]]`: the norm depends on the length alone, and a table
 * by length stays in cache where a double per row (8 MB at 1M rows) missed it on most entries
 * (1M, 120 questions at k = 16: search p50 82 -> 62 ms, the same rows and scores).
 */
export interface Norms {
  lengths: Int32Array;
  byLength: Float64Array;
}

/**
 * A score `limit` rows reach in full, shared by the threads that each score a range of one
 * search's rows (search-helper.ts): it holds for the whole index, so each prunes with the higher
 * of its own and the other's. The float is kept as its bits in a BigInt64 so it is read and
 * written whole: a torn value could prune a row that belongs in the result.
 */
export class SharedThreshold {
  private readonly bits: BigInt64Array;
  private readonly float = new Float64Array(1);
  private readonly asBits = new BigInt64Array(this.float.buffer);

  constructor(readonly buffer = new SharedArrayBuffer(8)) {
    this.bits = new BigInt64Array(buffer);
  }

  /** Back to none (before a search starts). */
  reset(): void {
    Atomics.store(this.bits, 0, this.toBits(-Infinity));
  }

  read(): number {
    this.asBits[0] = Atomics.load(this.bits, 0);
    return this.float[0]!;
  }

  /** Raises the shared score to `score` unless it is as high already. */
  offer(score: number): void {
    const next = this.toBits(score);
    for (;;) {
      const known = Atomics.load(this.bits, 0);
      this.asBits[0] = known;
      if (!(score > this.float[0]!)) return;
      if (Atomics.compareExchange(this.bits, 0, known, next) === known) return;
    }
  }

  private toBits(score: number): bigint {
    this.float[0] = score;
    return this.asBits[0]!;
  }
}

/** Rows [from, to) a search covers: every row, or one thread's share of them (search-helper.ts). */
export interface RowRange {
  from: number;
  to: number;
}

/** A term's skip blocks [first, end) that can hold rows of a range, and their entries. */
interface BlockSpan {
  first: number;
  end: number;
  entries: number;
}

function blockSpan({ summary, posting }: ScoringTerm, { from, to }: RowRange): BlockSpan {
  const { blocks } = summary;
  const count = summary.blockMax.length;
  const ending = (b: number, row: number) => (b >= count || blocks[3 * b + 2]! >= row ? b : blockEndingFrom(blocks, b, count, row));
  const first = ending(0, from);
  // The first block ending at `to` or after may still start before it; the ones after it cannot.
  const end = Math.min(count, ending(first, to) + 1);
  return { first, end, entries: Math.max(0, Math.min(posting.n, end * BLOCK_ENTRIES) - first * BLOCK_ENTRIES) };
}

export function emptyScratch(): Bm25Scratch {
  const none = new Int32Array(0);
  return {
    acc: new Float64Array(0),
    allowed: new Uint8Array(0),
    norms: { lengths: new Int32Array(0), byLength: new Float64Array(0) },
    normsAvg: NaN,
    touched: none,
    kept: none,
    values: new Float64Array(0),
    bounds: new Float64Array(0),
    steps: none,
  };
}

const summaries = new WeakMap<Posting, PostingSummary>();
const blockRows = new Int32Array(BLOCK_ENTRIES);
const blockTfs = new Int32Array(BLOCK_ENTRIES);

/**
 * The posting's bound data and skip blocks. Postings only grow at their end, so a grown one is
 * summarised again from its last (possibly partial) block on, not from its start, unless the
 * average length has moved enough to loosen the block bounds.
 */
export function summaryOf(posting: Posting, index: Bm25Rows, arena?: SharedArena): PostingSummary {
  const { lengths, k1, b, avg } = index;
  const known = summaries.get(posting);
  const drift = known ? Math.abs(avg / known.avg - 1) : Infinity;
  if (known && current(known, posting, drift)) return known;
  const count = Math.ceil(posting.n / BLOCK_ENTRIES);
  const blocks = arena ? arena.allocate(Int32Array, 3 * count) : new Int32Array(3 * count);
  const blockMax = arena ? arena.allocate(Float64Array, count) : new Float64Array(count);
  let maxTf = 0;
  let minLength = Infinity;
  let from = 0;
  let at = 0;
  let row = -1;
  let base = avg;
  if (known && known.n < posting.n && known.n > 0 && drift <= MAX_DRIFT) {
    from = Math.floor((known.n - 1) / BLOCK_ENTRIES);
    blocks.set(known.blocks.subarray(0, 3 * from));
    blockMax.set(known.blockMax.subarray(0, from));
    at = known.blocks[3 * from]!;
    row = known.blocks[3 * from + 1]!;
    maxTf = known.maxTf;
    minLength = known.minLength;
    base = known.avg;
  }
  // New blocks' maxima are taken at today's average and stated for the summary's own.
  const restate = Math.max(1, base / avg) * (1 + SLACK);
  const k1p1 = k1 + 1;
  for (let blk = from; blk < count; blk++) {
    const size = Math.min(BLOCK_ENTRIES, posting.n - blk * BLOCK_ENTRIES);
    blocks[3 * blk] = at;
    blocks[3 * blk + 1] = row;
    at = decodeEntries(posting.bytes, at, row, size, blockRows, blockTfs);
    row = blockRows[size - 1]!;
    blocks[3 * blk + 2] = row;
    let most = 0;
    for (let e = 0; e < size; e++) {
      const tf = blockTfs[e]!;
      const length = lengths[blockRows[e]!]!;
      if (tf > maxTf) maxTf = tf;
      if (length < minLength) minLength = length;
      const g = (tf * k1p1) / (tf + k1 * (1 - b + (b * length) / avg));
      if (g > most) most = g;
    }
    blockMax[blk] = most * restate;
  }
  const summary = { n: posting.n, bytes: posting.bytes, maxTf, minLength, blocks, blockMax, avg: base };
  summaries.set(posting, summary);
  return summary;
}

/** The posting's summary with its arrays in `arena` (moved there when they were made elsewhere). */
export function sharedSummaryOf(posting: Posting, index: Bm25Rows, arena: SharedArena): PostingSummary {
  const summary = summaryOf(posting, index, arena);
  if (!isShared(summary.blocks)) summary.blocks = arena.copy(summary.blocks);
  if (!isShared(summary.blockMax)) summary.blockMax = arena.copy(summary.blockMax);
  return summary;
}

function current(known: PostingSummary, posting: Posting, drift: number): boolean {
  return known.n === posting.n && known.bytes === posting.bytes && drift <= MAX_DRIFT;
}

/** Whether the posting's summary is made and up to date (`summaryOf` would return it as it is). */
export function summarised(posting: Posting, index: Bm25Rows): boolean {
  const known = summaries.get(posting);
  return !!known && current(known, posting, Math.abs(index.avg / known.avg - 1));
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
    .map((term) => ({ ...term, summary: summaryOf(term.posting, index) }))
    .map((t) => ({ ...t, bound: upperBound(t, t.summary, index) }))
    .sort((x, y) => y.bound - x.bound);
}

/** The scratch arrays sized for the index, with each row's length norm for its current average length. */
function prepared(index: Bm25Rows, scratch: Bm25Scratch): Bm25Scratch {
  const { lengths, rowCount, k1, b, avg } = index;
  if (scratch.acc.length < rowCount) {
    const size = Math.max(rowCount, lengths.length);
    scratch.acc = new Float64Array(size);
    scratch.allowed = new Uint8Array(size);
    scratch.touched = new Int32Array(size);
    scratch.kept = new Int32Array(size);
    scratch.values = new Float64Array(size);
    scratch.bounds = new Float64Array(size);
    scratch.steps = new Int32Array(size + 1);
  }
  let table = scratch.norms.byLength;
  if (scratch.normsAvg !== avg || table.length <= index.longest) {
    table = new Float64Array(index.longest + 1);
    for (let length = 0; length < table.length; length++) table[length] = k1 * (1 - b + (b * length) / avg);
  }
  scratch.norms = { lengths, byLength: table };
  scratch.normsAvg = avg;
  return scratch;
}

/**
 * The `limit` best allowed rows, as row → score, best first (ties to the lower row), with the
 * exact scores of the exhaustive loop. `ordered` as `scoringOrder` returns it; every `w` above 0.
 */
export function topScores(
  index: Bm25Rows,
  ordered: ScoringTerm[],
  allow: ((row: number) => boolean) | undefined,
  limit: number,
  scratch: Bm25Scratch,
  range: RowRange = { from: 0, to: index.rowCount },
  shared?: SharedThreshold,
): Map<number, number> {
  const { acc, allowed, norms, touched } = prepared(index, scratch);
  const { from, to } = range;
  const k1p1 = index.k1 + 1;
  const rest = new Float64Array(ordered.length + 1);
  for (let i = ordered.length - 1; i >= 0; i--) rest[i] = rest[i + 1]! + ordered[i]!.bound;
  const spans = ordered.map((t) => blockSpan(t, range));
  let restEntries = spans.reduce((n, s) => n + s.entries, 0);
  let count = 0;
  let i = 0;
  let threshold = -Infinity;
  // A score `limit` allowed rows reach in full (so the answer's last row does too): -Infinity until found.
  let reached = -Infinity;
  // What the threshold can be at most: the last one found plus the bounds read since.
  let ceiling = 0;
  let ceilingAt = 0;
  try {
    for (; i < ordered.length; i++) {
      if (shared) reached = Math.max(reached, shared.read());
      if (reached > rest[i]!) break;
      const term = ordered[i]!;
      // Worth checking only when what is left to read outweighs a pass over the rows touched,
      // and when the threshold could beat what is left.
      const most = ceiling + rest[ceilingAt]! - rest[i]!;
      if (count >= limit && restEntries > 2 * count && most > rest[i]!) {
        const best = bestOf(dense(count, to - from) ? null : touched, from, count, acc, ESTIMATE_ROWS_PER_LIMIT * limit, allowed, allow);
        threshold = best.length >= limit ? best[limit - 1]!.score : -Infinity;
        if (best.length >= limit) reached = Math.max(reached, reachedInFull(ordered, i, best, acc, norms, k1p1, index.avg, limit));
        shared?.offer(Math.max(threshold, reached));
        if (Math.max(threshold, reached) > rest[i]!) break;
        ceiling = Math.max(0, threshold);
        ceilingAt = i;
      }
      restEntries -= spans[i]!.entries;
      count = addToAll(term, spans[i]!, range, index.alive, acc, norms, k1p1, touched, count);
    }
    threshold = Math.max(threshold, reached, shared ? shared.read() : -Infinity);
    let kept = touched.subarray(0, count);
    if (i < ordered.length) {
      // Only rows that can still reach the threshold stay, each with its own bound for the terms
      // left from the blocks of their postings it falls in: far below `rest` for most rows, whose
      // blocks hold no short row with the word said often. The remaining terms score just them.
      let least = threshold - SLACK * Math.abs(threshold);
      let n = keepWithinBlockBounds(ordered, spans, i, rest[i]!, acc, range, scratch, least, index.avg);
      kept = scratch.kept.subarray(0, n);
      let bounds = scratch.bounds.subarray(0, n);
      // `allow` is asked only about the rows left (the threshold counts allowed rows only).
      n = 0;
      for (let c = 0; c < kept.length; c++) {
        if (admits(allowed, allow, kept[c]!)) {
          bounds[n] = bounds[c]!;
          kept[n++] = kept[c]!;
        }
      }
      kept = kept.subarray(0, n);
      bounds = bounds.subarray(0, n);
      // The threshold rises and what is left to add shrinks: fewer rows stay in the running.
      while (i < ordered.length) {
        addToRows(ordered[i++]!, kept, acc, norms, k1p1, bounds, index.avg);
        if (kept.length <= limit) continue;
        threshold = Math.max(kthScore(kept, acc, limit, scratch.values), reached);
        if (shared) {
          shared.offer(threshold);
          threshold = Math.max(threshold, shared.read());
        }
        least = threshold - SLACK * Math.abs(threshold);
        n = keepReaching(kept, bounds, acc, least);
        kept = kept.subarray(0, n);
        bounds = bounds.subarray(0, n);
      }
    }
    const heap = new TopK(limit);
    for (let c = 0; c < kept.length; c++) {
      const row = kept[c]!;
      if (heap.accepts(acc[row]!, row) && admits(allowed, allow, row)) heap.push(acc[row]!, row);
    }
    return new Map(heap.sorted().map(({ row, score }) => [row, score]));
  } finally {
    // Leaves the arrays zero for the next question, also when `allow` threw.
    if (dense(count, to - from)) {
      acc.fill(0, from, to);
      allowed.fill(0, from, to);
    } else {
      for (let c = 0; c < count; c++) {
        acc[touched[c]!] = 0;
        allowed[touched[c]!] = 0;
      }
    }
  }
}

/** Whether `allow` takes the row, asking it once a row. */
function admits(allowed: Uint8Array, allow: ((row: number) => boolean) | undefined, row: number): boolean {
  if (allowed[row] === 0) allowed[row] = !allow || allow(row) ? 1 : 2;
  return allowed[row] === 1;
}

/**
 * Adds the term to every live row of the range its posting holds, noting rows touched for the
 * first time; returns the rows touched. Only the span's first and last blocks can hold rows
 * outside the range: they alone are checked row by row.
 */
function addToAll(
  term: ScoringTerm,
  span: BlockSpan,
  { from, to }: RowRange,
  alive: Uint8Array,
  acc: Float64Array,
  { lengths, byLength }: Norms,
  k1p1: number,
  touched: Int32Array,
  count: number,
): number {
  const w = term.w;
  const { bytes, n } = term.posting;
  const { blocks } = term.summary;
  for (let b = span.first; b < span.end; b++) {
    const size = Math.min(BLOCK_ENTRIES, n - b * BLOCK_ENTRIES);
    decodeEntries(bytes, blocks[3 * b]!, blocks[3 * b + 1]!, size, blockRows, blockTfs);
    // Rows outside the range are another thread's (search-helper.ts): they read as dead here.
    const edge = blocks[3 * b + 1]! + 1 < from || blocks[3 * b + 2]! >= to;
    for (let e = 0; e < size; e++) {
      const r = blockRows[e]!;
      if (!alive[r] || (edge && (r < from || r >= to))) continue;
      const tf = blockTfs[e]!;
      const before = acc[r]!;
      // Noted without a branch: whether a row is new is a coin toss, and a mispredicted branch costs more.
      touched[count] = r;
      count += before === 0 ? 1 : 0;
      acc[r] = before + (w * (tf * k1p1)) / (tf + byLength[lengths[r]!]!);
    }
  }
  return count;
}

/** What the term adds at most, per unit of its blocks' `blockMax`, at average length `avg`. */
function blockScale(term: ScoringTerm, avg: number): number {
  return term.w * Math.max(1, avg / term.summary.avg) * (1 + SLACK);
}

/**
 * Puts in `scratch.kept`, in row order, the touched rows whose score so far plus their bound for
 * the terms from `from` on reaches `least`, and those bounds in `scratch.bounds`; returns how
 * many. A row's bound adds each term's bound for the block of its posting the row falls in: the
 * blocks are laid out as steps over the rows (a block adds its bound where its rows start and
 * takes it off after its last), in fixed point rounded up so that no sum falls below the real
 * one, and a single pass over every row adds the steps up. `rest` is the terms' global bounds
 * together, which no row's sum exceeds.
 */
function keepWithinBlockBounds(
  ordered: ScoringTerm[],
  spans: BlockSpan[],
  first: number,
  rest: number,
  acc: Float64Array,
  { from, to }: RowRange,
  scratch: Bm25Scratch,
  least: number,
  avg: number,
): number {
  const { steps, kept, bounds } = scratch;
  // The largest power of two that keeps every sum below 2^30: exact in int32.
  const unit = 2 ** Math.floor(Math.log2(2 ** 30 / (rest + 1)));
  let written = to;
  for (let j = first; j < ordered.length; j++) {
    const { blocks, blockMax } = ordered[j]!.summary;
    const scale = blockScale(ordered[j]!, avg) * unit;
    // A block starts where the one before ends: one write a block, of the change between them.
    let start = from;
    let before = 0;
    for (let b = spans[j]!.first; b < spans[j]!.end; b++) {
      const step = Math.ceil(scale * blockMax[b]!);
      steps[start]! += step - before;
      before = step;
      start = blocks[3 * b + 2]! + 1;
    }
    steps[start]! -= before;
    written = Math.max(written, start);
  }
  const perUnit = 1 / unit;
  let n = 0;
  let sum = 0;
  for (let row = from; row < to; row++) {
    sum += steps[row]!;
    const s = acc[row]!;
    if (s > 0 && s + sum * perUnit >= least) {
      bounds[n] = sum * perUnit;
      kept[n++] = row;
    }
  }
  steps.fill(0, from, written + 1);
  return n;
}

/** Moves the rows whose score plus bound reaches `least` (and their bounds) to the front; returns how many. */
function keepReaching(rows: Int32Array, bounds: Float64Array, acc: Float64Array, least: number): number {
  let n = 0;
  for (let c = 0; c < rows.length; c++) {
    if (acc[rows[c]!]! + bounds[c]! >= least) {
      bounds[n] = bounds[c]!;
      rows[n++] = rows[c]!;
    }
  }
  return n;
}

/**
 * Adds the term to each of `rows` (ascending) its posting holds, decoding only blocks that may
 * hold one, and takes the term's block bound off `bounds` of the rows it was counted for.
 */
function addToRows(
  term: ScoringTerm,
  rows: Int32Array,
  acc: Float64Array,
  { lengths, byLength }: Norms,
  k1p1: number,
  bounds: Float64Array,
  avg: number,
): void {
  const { blocks, blockMax } = term.summary;
  const { bytes, n } = term.posting;
  const w = term.w;
  const scale = blockScale(term, avg);
  const end = rows.length;
  const count = blockMax.length;
  let c = 0;
  for (let b = 0; b < count && c < end; b++) {
    if (rows[c]! > blocks[3 * b + 2]!) b = blockEndingFrom(blocks, b, count, rows[c]!);
    if (b === count) break;
    const blk = 3 * b;
    const last = blocks[blk + 2]!;
    const size = Math.min(BLOCK_ENTRIES, n - b * BLOCK_ENTRIES);
    const drop = scale * blockMax[b]!;
    decodeEntries(bytes, blocks[blk]!, blocks[blk + 1]!, size, blockRows, blockTfs);
    // Every row up to the block's last one falls in it; the block's last entry ends the search.
    let e = 0;
    for (; c < end && rows[c]! <= last; c++) {
      const row = rows[c]!;
      bounds[c] = bounds[c]! - drop;
      while (blockRows[e]! < row) e++;
      if (blockRows[e] === row) {
        const tf = blockTfs[e]!;
        acc[row]! += (w * (tf * k1p1)) / (tf + byLength[lengths[row]!]!);
      }
    }
  }
}

/**
 * The first block from `b` on (`count` when none) whose last row is `row` or after, by galloping
 * then bisecting: late terms score few rows, most of a long posting's blocks hold none of them.
 */
function blockEndingFrom(blocks: Int32Array, b: number, count: number, row: number): number {
  let below = b;
  let span = 1;
  let at = b + 1;
  while (at < count && blocks[3 * at + 2]! < row) {
    below = at;
    span *= 2;
    at = below + span;
  }
  at = Math.min(at, count);
  while (below + 1 < at) {
    const mid = (below + at) >> 1;
    if (blocks[3 * mid + 2]! < row) below = mid;
    else at = mid;
  }
  return at;
}

/** The `limit`-th best score of `rows` (all allowed, more than `limit`), by selection in `values`. */
function kthScore(rows: Int32Array, acc: Float64Array, limit: number, values: Float64Array): number {
  const n = rows.length;
  for (let c = 0; c < n; c++) values[c] = acc[rows[c]!]!;
  return kthLargest(values, n, limit);
}

/** The `limit`-th largest of `values[0 .. n)` (n >= limit), by quickselect, reordering them. */
function kthLargest(values: Float64Array, n: number, limit: number): number {
  const want = limit - 1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!;
    let l = lo;
    let h = hi;
    while (l <= h) {
      while (values[l]! > pivot) l++;
      while (values[h]! < pivot) h--;
      if (l <= h) {
        const t = values[l]!;
        values[l++] = values[h]!;
        values[h--] = t;
      }
    }
    if (want <= h) hi = h;
    else if (want >= l) lo = l;
    else return values[want]!;
  }
  return values[want]!;
}

/**
 * Whether so many rows are touched that a pass over all accumulators in row order beats visiting
 * the touched ones in the order they came: at 1M rows those are cache misses, 8 MB apart.
 */
function dense(count: number, rowCount: number): boolean {
  return count > rowCount >> 4;
}

/**
 * The `limit` best of the first `count` of `rows` that are allowed (or of rows 0 to `count` − 1
 * in order, without `rows`) by their score so far, best first (fewer when fewer are allowed).
 */
function bestOf(
  rows: Int32Array | null,
  from: number,
  count: number,
  acc: Float64Array,
  limit: number,
  allowed: Uint8Array,
  allow: ((row: number) => boolean) | undefined,
): Array<{ row: number; score: number }> {
  const heap = new TopK(limit);
  // What a row must beat to enter: nothing untouched, then the heap's worst once it is full. Rows
  // come in ascending order when `rows` is null, so a tie with the worst never enters there (it
  // would lose to the lower row): one comparison a row on a pass over every row of a big index.
  let floor = 0;
  if (!rows) {
    for (let row = from; row < from + count; row++) {
      const s = acc[row]!;
      if (s <= floor || !heap.accepts(s, row) || !admits(allowed, allow, row)) continue;
      heap.push(s, row);
      if (heap.size === limit) floor = heap.threshold;
    }
    return heap.sorted();
  }
  for (let j = 0; j < count; j++) {
    const row = rows[j]!;
    const s = acc[row]!;
    if (s > 0 && heap.accepts(s, row) && admits(allowed, allow, row)) heap.push(s, row);
  }
  return heap.sorted();
}

/**
 * The `limit`-th best full score of the given rows (allowed, with their partial scores in `acc`
 * for the terms before `from`): the terms left are added from the blocks that hold the rows, and
 * each row's partial score is put back as it was.
 */
function reachedInFull(
  ordered: ScoringTerm[],
  from: number,
  best: Array<{ row: number; score: number }>,
  acc: Float64Array,
  norms: Norms,
  k1p1: number,
  avg: number,
  limit: number,
): number {
  const rows = Int32Array.from(best, (b) => b.row).sort();
  const bounds = new Float64Array(rows.length);
  for (let j = from; j < ordered.length; j++) addToRows(ordered[j]!, rows, acc, norms, k1p1, bounds, avg);
  const full = new Float64Array(rows.length);
  for (const [c, row] of rows.entries()) full[c] = acc[row]!;
  for (const { row, score } of best) acc[row] = score;
  return kthLargest(full, rows.length, limit);
}

/**
 * The `limit` best of two ranges' results (each best first, every row of `low` below every row
 * of `high`), best first with ties to the lower row: the whole index's result.
 */
export function mergeTop(low: Map<number, number>, high: { rows: Int32Array; scores: Float64Array }, limit: number): Map<number, number> {
  const out = new Map<number, number>();
  const lows = low.entries();
  let next = lows.next();
  let h = 0;
  while (out.size < limit) {
    const takeHigh = h < high.rows.length && (next.done || high.scores[h]! > next.value[1]);
    if (takeHigh) {
      out.set(high.rows[h]!, high.scores[h]!);
      h++;
    } else if (!next.done) {
      out.set(next.value[0], next.value[1]);
      next = lows.next();
    } else break;
  }
  return out;
}
