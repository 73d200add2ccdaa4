/**
 * Okapi BM25 over normalised, stemmed terms. Rows can be removed and added while the index
 * serves (a changed document is re-indexed alone); removed rows leave a tombstone.
 *
 * Postings are delta-coded byte arrays (postings.ts), with each term's live document frequency
 * beside them: no object per posting entry, and a snapshot can hand its buffers over without
 * copying them.
 */
import { MAX_ROWS, appendEntry, emptyPosting, forEachEntry, type Posting } from './postings.js';
import { runAtOnce, type Steps } from './steps.js';
import { TopK } from './vector-topk.js';
import {
  emptyScratch,
  mergeTop,
  scoringOrder,
  sharedSummaryOf,
  summarised,
  summaryOf,
  topScores,
  type Bm25Rows,
  type QueryTerm,
  type ScoringTerm,
} from './bm25-topk.js';
import { SearchHelper, SplitBalance, type HelperResult } from './search-helper.js';
import { SharedArena, sharedCopy, isShared } from './shared-arena.js';

/**
 * Term frequencies are kept in 16 bits (2 bytes an entry instead of 4: 70 MB less at 100k
 * paragraphs). A term said more than 65,535 times in one paragraph counts as 65,535: BM25's tf
 * saturation makes the score differ by less than one part in 10^5.
 */
const MAX_TF = 0xffff;

export interface Bm25Options {
  k1?: number;
  b?: number;
  /**
   * Rows from which a search is split with the search helper thread (search-helper.ts): below,
   * a search takes a few ms and the hand-over is not worth its memory (a second set of per-row
   * work arrays) and its wake-ups.
   */
  splitFrom?: number;
}

/** `splitFrom` by default: at 100k paragraphs BM25 takes ~8 ms a question, at 1M ~33 ms. */
const SPLIT_FROM = 50_000;

/** The index's state as plain arrays, for a snapshot (see snapshot.ts). */
export interface Bm25State {
  terms: string[];
  /** Per term: entries, live document frequency, bytes and last row, four int32 each. */
  counts: Int32Array;
  /** Every term's coded postings, one after another in `terms` order. */
  postings: Uint8Array;
  lengths: Int32Array;
  alive: Uint8Array;
  totalLength: number;
  liveCount: number;
}

/** A search begun by `startScores`. */
export interface PendingScores {
  /** The scores `scores` returns: best first, ties to the lower row. */
  finish(): Map<number, number>;
}

function done(scores: Map<number, number>): PendingScores {
  return { finish: () => scores };
}

/** `Bm25State` with the postings left where they are: each term's bytes as a view, in `terms` order (what a snapshot writes). */
export type Bm25Pieces = Omit<Bm25State, 'postings'> & { postings: Uint8Array[] };

/** BM25's inverse document frequency of a term used by `df` of `n` rows; 0 for an unused term. */
export function bm25Idf(df: number, n: number): number {
  return df === 0 ? 0 : Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

export class Bm25Index {
  private readonly postings = new Map<string, Posting>();
  private lengths: Int32Array = new Int32Array(1024);
  private alive: Uint8Array = new Uint8Array(1024);
  private rowCount = 0;
  private totalLength = 0;
  private liveCount = 0;
  /** The most terms any row has had (removed rows included): the length norms' table reaches it. */
  private longest = 0;
  /** Per-row work arrays kept between questions (zeroed after each): 37 MB at 1M rows. */
  private readonly scratch = emptyScratch();
  /** Where a split search divides the rows between this thread and the helper. */
  private readonly balance = new SplitBalance();
  readonly k1: number;
  readonly b: number;
  private readonly splitFrom: number;

  constructor(options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
    this.splitFrom = options.splitFrom ?? SPLIT_FROM;
  }

  get size(): number {
    return this.liveCount;
  }

  /** Whether the index is big enough for its searches to be split with the search helper thread. */
  private get splitsSearches(): boolean {
    return this.rowCount >= this.splitFrom;
  }

  /** Adds one row of terms; returns its row number. */
  add(terms: string[]): number {
    const row = this.rowCount;
    const tf = new Map<string, number>();
    for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + 1);
    if (row >= MAX_ROWS) throw new RangeError(`BM25 holds at most ${MAX_ROWS} rows`);
    for (const [term, count] of tf) {
      const posting = this.postingOf(term);
      appendEntry(posting, row, Math.min(count, MAX_TF));
      posting.df++;
    }
    return this.endRow(row, terms.length);
  }

  /** A term's posting, made empty when the term is new: the term takes its place in term order here. */
  postingOf(term: string): Posting {
    let posting = this.postings.get(term);
    if (!posting) this.postings.set(term, (posting = emptyPosting()));
    return posting;
  }

  /**
   * `add` for a row whose terms were counted already (by a worker, see row-terms.ts): the
   * postings of its distinct terms in the order first met (from `postingOf`), their counts from
   * `tfs[from]` on, and how many terms it has in all.
   */
  addCounted(postings: Posting[], tfs: Int32Array, from: number, length: number): number {
    const row = this.rowCount;
    if (row >= MAX_ROWS) throw new RangeError(`BM25 holds at most ${MAX_ROWS} rows`);
    for (let k = 0; k < postings.length; k++) {
      const posting = postings[k]!;
      appendEntry(posting, row, Math.min(tfs[from + k]!, MAX_TF));
      posting.df++;
    }
    return this.endRow(row, length);
  }

  private endRow(row: number, length: number): number {
    if (row === this.lengths.length) {
      this.lengths = grow(this.lengths, row * 2, row);
      const alive = new Uint8Array(row * 2);
      alive.set(this.alive);
      this.alive = alive;
    }
    this.lengths[row] = length;
    this.longest = Math.max(this.longest, length);
    this.alive[row] = 1;
    this.rowCount++;
    this.totalLength += length;
    this.liveCount++;
    return row;
  }

  /**
   * Removes rows (a changed or deleted document's paragraphs). One pass over the postings keeps
   * the document frequencies exact without storing every row's terms twice.
   */
  removeRows(rows: Iterable<number>): void {
    const gone = new Uint8Array(this.rowCount);
    let any = false;
    for (const row of rows) {
      if (!this.alive[row]) continue;
      this.alive[row] = 0;
      this.totalLength -= this.lengths[row]!;
      this.liveCount--;
      gone[row] = 1;
      any = true;
    }
    if (!any) return;
    for (const posting of this.postings.values()) {
      let removed = 0;
      forEachEntry(posting, (row) => (removed += gone[row]!));
      posting.df -= removed;
    }
  }

  /**
   * Summarises every posting (its bound and skip blocks), one posting a step, as a term's first
   * question would: at 1M paragraphs that first use decodes a posting of up to ~10^5 entries,
   * the main cost of the slowest questions after a start.
   */
  *summarising(): Steps<void> {
    // A big index also moves what its searches read into shared memory, where the search
    // helper reads it too: the postings (already there when restored from a snapshot), their
    // summaries, the lengths and liveness. A posting that grows later leaves it, and a search
    // using it runs on one thread.
    const arena = this.splitsSearches ? new SharedArena() : null;
    if (arena) SearchHelper.get(); // started now, so it is ready by the first question
    for (const posting of this.postings.values()) {
      if (!arena) summaryOf(posting, this.rows());
      else {
        if (!isShared(posting.bytes)) posting.bytes = arena.copy(posting.bytes.subarray(0, posting.used));
        sharedSummaryOf(posting, this.rows(), arena);
      }
      yield;
    }
    if (arena && !isShared(this.lengths)) this.lengths = sharedCopy(this.lengths);
    if (arena && !isShared(this.alive)) this.alive = sharedCopy(this.alive);
  }

  /** Postings whose summary is missing or out of date (0 once `summarising` has run on an unchanged index). */
  unsummarised(): number {
    const rows = this.rows();
    let n = 0;
    for (const posting of this.postings.values()) if (!summarised(posting, rows)) n++;
    return n;
  }

  /** Inverse document frequency; 0 for unknown terms. */
  idf(term: string): number {
    return bm25Idf(this.postings.get(term)?.df ?? 0, this.liveCount);
  }

  /** Document frequency of a term among live rows. */
  df(term: string): number {
    return this.postings.get(term)?.df ?? 0;
  }

  /**
   * The `limit` best allowed live rows for a weighted query, as row → score, best first (ties to
   * the lower row); every allowed row the query touches when they are no more than `limit`. Each
   * score adds the terms up in `scoringOrder`. With a limit and positive weights the best rows
   * are found with MaxScore pruning (bm25-topk.ts), which returns exactly what the exhaustive
   * loop (`exhaustiveScores`) returns, to the last bit.
   */
  scores(query: Map<string, number>, allow?: (row: number) => boolean, limit = Infinity): Map<number, number> {
    return this.startScores(query, allow, limit).finish();
  }

  /** Wakes the search helper when a search is coming that it will take part in (search-helper.ts `ring`). */
  expectSearch(): void {
    if (this.splitsSearches) SearchHelper.get()?.ring();
  }

  /**
   * `scores`, begun: on a big index the search helper thread starts on its share of the rows
   * and this thread scores the rest before returning; `finish` waits for the helper and merges
   * (search-helper.ts). The caller may do other synchronous work in between (the vector scan):
   * the split gives this thread fewer rows the longer that work takes, so both end together.
   */
  startScores(query: Map<string, number>, allow?: (row: number) => boolean, limit = Infinity): PendingScores {
    const terms = this.queryTerms(query);
    if (!(limit < this.liveCount) || terms.some((t) => !(t.w > 0))) return done(this.allScores(terms, allow, limit));
    const rows = this.rows();
    const split = this.balance.split(this.rowCount);
    const upper = { from: split, to: this.rowCount };
    // `allow` is this thread's: a filtered search stays here.
    const job = !allow && this.splitsSearches ? (SearchHelper.get()?.start(rows, terms, limit, upper) ?? null) : null;
    if (!job) return done(topScores(rows, terms, allow, limit, this.scratch));
    const started = performance.now();
    let lower: Map<number, number>;
    try {
      lower = topScores(rows, terms, undefined, limit, this.scratch, { from: 0, to: split }, job.threshold);
    } catch (error) {
      job.wait(); // the helper reads the index until it answers
      throw error;
    }
    return {
      finish: () => {
        const ownMs = performance.now() - started;
        const higher = job.wait();
        if (!higher) return mergeTop(lower, resultOf(topScores(rows, terms, undefined, limit, this.scratch, upper)), limit);
        this.balance.note(ownMs, higher.ms, split, this.rowCount);
        return mergeTop(lower, higher, limit);
      },
    };
  }

  /** `scores` by scoring every row each term touches: the reference the pruned search must equal. */
  exhaustiveScores(query: Map<string, number>, allow?: (row: number) => boolean, limit = Infinity): Map<number, number> {
    return this.allScores(this.queryTerms(query), allow, limit);
  }

  private rows(): Bm25Rows {
    const avg = this.liveCount > 0 ? this.totalLength / this.liveCount : 1;
    return { lengths: this.lengths, longest: this.longest, alive: this.alive, rowCount: this.rowCount, k1: this.k1, b: this.b, avg };
  }

  /** The query's known terms with their weight × idf, in the order scores add them up (see `scoringOrder`). */
  private queryTerms(query: Map<string, number>): ScoringTerm[] {
    const terms: QueryTerm[] = [];
    for (const [term, weight] of query) {
      const posting = this.postings.get(term);
      const idf = this.idf(term);
      if (posting && idf !== 0) terms.push({ posting, w: weight * idf });
    }
    return scoringOrder(this.rows(), terms);
  }

  private allScores(terms: ScoringTerm[], allow?: (row: number) => boolean, limit = Infinity): Map<number, number> {
    const acc = new Float64Array(this.rowCount);
    const touched: number[] = [];
    const { k1, b, avg } = this.rows();
    for (const { posting, w } of terms) {
      forEachEntry(posting, (row, tf) => {
        if (!this.alive[row]) return;
        const norm = tf + k1 * (1 - b + (b * this.lengths[row]!) / avg);
        if (acc[row] === 0) touched.push(row);
        acc[row]! += (w * (tf * (k1 + 1))) / norm;
      });
    }
    const allowed = allow ? touched.filter(allow) : touched;
    if (allowed.length <= limit) return new Map(allowed.sort((x, y) => acc[y]! - acc[x]! || x - y).map((row) => [row, acc[row]!]));
    const heap = new TopK(limit);
    for (const row of allowed) if (heap.accepts(acc[row]!, row)) heap.push(acc[row]!, row);
    return new Map(heap.sorted().map(({ row, score }) => [row, score]));
  }

  /**
   * The whole state as a few flat arrays (postings concatenated in term order), those a search
   * reads in shared memory: an index worker hands them over, and the index the main thread makes
   * of them shares them with the search helper (search-helper.ts) as they are.
   */
  exportState(): Bm25State {
    const { postings, ...rest } = this.pieces(sharedCopy);
    const flat = new Uint8Array(new SharedArrayBuffer(postings.reduce((n, p) => n + p.length, 0)));
    let at = 0;
    for (const p of postings) {
      flat.set(p, at);
      at += p.length;
    }
    return { ...rest, postings: flat };
  }

  /**
   * The state without copying the postings (views of each term's bytes, in term order): a
   * snapshot writes them as they are, where a flat copy of them was 160 MB more at 100k paragraphs.
   * Read the views before the index changes.
   */
  exportPieces(): Bm25Pieces {
    return this.pieces((array) => array.slice() as typeof array);
  }

  /** The pieces, the lengths and liveness copied by `copy`. */
  private pieces(copy: <T extends Int32Array | Uint8Array>(array: T) => T): Bm25Pieces {
    const terms = [...this.postings.keys()];
    const counts = new Int32Array(terms.length * 4);
    const postings: Uint8Array[] = [];
    let t = 0;
    for (const p of this.postings.values()) {
      counts.set([p.n, p.df, p.used, p.last], 4 * t);
      postings.push(p.bytes.subarray(0, p.used));
      t++;
    }
    return {
      terms,
      counts,
      postings,
      lengths: copy(this.lengths.subarray(0, this.rowCount)),
      alive: copy(this.alive.subarray(0, this.rowCount)),
      totalLength: this.totalLength,
      liveCount: this.liveCount,
    };
  }

  /** An index in exactly an exported state; its postings are views of the given arrays. */
  static fromState(state: Bm25State, options: Bm25Options = {}): Bm25Index {
    return runAtOnce(Bm25Index.restoring(state, options));
  }

  /** `fromState` in steps of a few thousand terms (see steps.ts). */
  static *restoring(state: Bm25State, options: Bm25Options = {}): Steps<Bm25Index> {
    const index = new Bm25Index(options);
    let at = 0;
    if (state.counts.length !== 4 * state.terms.length) throw new RangeError('BM25 state arrays do not agree');
    for (let t = 0; t < state.terms.length; t++) {
      const c = state.counts;
      const used = c[4 * t + 2]!;
      index.postings.set(state.terms[t]!, {
        bytes: state.postings.subarray(at, at + used),
        used,
        n: c[4 * t]!,
        df: c[4 * t + 1]!,
        last: c[4 * t + 3]!,
      });
      at += used;
      if (t % 4096 === 4095) yield;
    }
    if (at !== state.postings.length || state.alive.length !== state.lengths.length) {
      throw new RangeError('BM25 state arrays do not agree');
    }
    index.rowCount = state.lengths.length;
    index.lengths = state.lengths.length > 0 ? state.lengths : new Int32Array(1024);
    index.alive = state.alive.length > 0 ? state.alive : new Uint8Array(1024);
    index.totalLength = state.totalLength;
    index.liveCount = state.liveCount;
    for (const length of state.lengths) index.longest = Math.max(index.longest, length);
    return index;
  }
}

/** A copy of the first `used` entries in an array of `size`. */
function grow<T extends Int32Array>(array: T, size: number, used: number): T {
  const next = new (array.constructor as new (length: number) => T)(Math.max(size, 2));
  next.set(array.subarray(0, used));
  return next;
}

function resultOf(best: Map<number, number>): HelperResult {
  return { rows: Int32Array.from(best.keys()), scores: Float64Array.from(best.values()), ms: 0 };
}
