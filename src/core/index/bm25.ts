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

  /** Scores every live row that shares a term with the query (weighted query terms allowed). */
  scores(query: Map<string, number>, allow?: (row: number) => boolean): Map<number, number> {
    const out = new Map<number, number>();
    const avg = this.liveCount > 0 ? this.totalLength / this.liveCount : 1;
    for (const [term, weight] of query) {
      const posting = this.postings.get(term);
      const idf = this.idf(term);
      if (!posting || idf === 0) continue;
      for (let i = 0; i < posting.rows.length; i++) {
        const row = posting.rows[i]!;
        if (!this.alive[row] || (allow && !allow(row))) continue;
        const tf = posting.tfs[i]!;
        const norm = tf + this.k1 * (1 - this.b + (this.b * this.lengths[row]!) / avg);
        out.set(row, (out.get(row) ?? 0) + weight * idf * ((tf * (this.k1 + 1)) / norm));
      }
    }
    return out;
  }
}
