/**
 * Okapi BM25 over normalised, stemmed terms. Rows can be removed and added while the index
 * serves (a changed document is re-indexed alone); removed rows leave a tombstone.
 */
export interface Bm25Options {
  k1?: number;
  b?: number;
}

export class Bm25Index {
  private readonly postings = new Map<string, { rows: number[]; tfs: number[] }>();
  /** Live document frequency per term, kept as rows come and go: idf is asked per query term. */
  private readonly dfs = new Map<string, number>();
  private readonly lengths: number[] = [];
  private readonly alive: boolean[] = [];
  private totalLength = 0;
  private liveCount = 0;
  readonly k1: number;
  readonly b: number;

  constructor(options: Bm25Options = {}) {
    this.k1 = options.k1 ?? 1.2;
    this.b = options.b ?? 0.75;
  }

  get size(): number {
    return this.liveCount;
  }

  /** Adds one row of terms; returns its row number. */
  add(terms: string[]): number {
    const row = this.lengths.length;
    const tf = new Map<string, number>();
    for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + 1);
    for (const [term, count] of tf) {
      let posting = this.postings.get(term);
      if (!posting) this.postings.set(term, (posting = { rows: [], tfs: [] }));
      posting.rows.push(row);
      posting.tfs.push(count);
      this.dfs.set(term, (this.dfs.get(term) ?? 0) + 1);
    }

    this.lengths.push(terms.length);
    this.alive.push(true);
    this.totalLength += terms.length;
    this.liveCount++;
    return row;
  }

  /**
   * Removes rows (a changed or deleted document's paragraphs). One pass over the postings keeps
   * the document frequencies exact without storing every row's terms twice.
   */
  removeRows(rows: Iterable<number>): void {
    const gone = new Set<number>();
    for (const row of rows) {
      if (!this.alive[row]) continue;
      this.alive[row] = false;
      this.totalLength -= this.lengths[row]!;
      this.liveCount--;
      gone.add(row);
    }
    if (gone.size === 0) return;
    for (const [term, posting] of this.postings) {
      let removed = 0;
      for (const row of posting.rows) if (gone.has(row)) removed++;
      if (removed > 0) this.dfs.set(term, this.dfs.get(term)! - removed);
    }
  }

  /** Inverse document frequency; 0 for unknown terms. */
  idf(term: string): number {
    const df = this.dfs.get(term) ?? 0;
    if (df === 0) return 0;
    return Math.log(1 + (this.liveCount - df + 0.5) / (df + 0.5));
  }

  /** Document frequency of a term among live rows. */
  df(term: string): number {
    return this.dfs.get(term) ?? 0;
  }

  /**
   * The `limit` best live rows for a weighted query, as row → score. Scores accumulate in a
   * typed array and only the best rows are kept (a size-limited heap), so a query over 100,000
   * paragraphs whose n-grams touch most of them stays cheap.
   */
  scores(query: Map<string, number>, allow?: (row: number) => boolean, limit = Infinity): Map<number, number> {
    const acc = new Float64Array(this.lengths.length);
    const touched: number[] = [];
    const avg = this.liveCount > 0 ? this.totalLength / this.liveCount : 1;
    for (const [term, weight] of query) {
      const posting = this.postings.get(term);
      const idf = this.idf(term);
      if (!posting || idf === 0) continue;
      const w = weight * idf;
      for (let i = 0; i < posting.rows.length; i++) {
        const row = posting.rows[i]!;
        if (!this.alive[row]) continue;
        const tf = posting.tfs[i]!;
        const norm = tf + this.k1 * (1 - this.b + (this.b * this.lengths[row]!) / avg);
        if (acc[row] === 0) touched.push(row);
        acc[row]! += (w * (tf * (this.k1 + 1))) / norm;
      }
    }
    const allowed = allow ? touched.filter(allow) : touched;
    const best = allowed.length <= limit ? allowed : topRows(allowed, acc, limit);
    return new Map(best.map((row) => [row, acc[row]!]));
  }
}

/** The `n` rows with the highest scores, in no particular order (a size-n min-heap). */
function topRows(rows: number[], score: Float64Array, n: number): number[] {
  const heap: number[] = [];
  const less = (a: number, b: number) => score[a]! < score[b]!;
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (const row of rows) {
    if (heap.length < n) {
      heap.push(row);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!less(heap[i]!, heap[parent]!)) break;
        [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
        i = parent;
      }
    } else if (less(heap[0]!, row)) {
      heap[0] = row;
      down(0);
    }
  }
  return heap;
}
