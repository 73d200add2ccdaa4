/**
 * A size-k min-heap of (score, row): the scan keeps the best k seen so far and only touches the
 * heap when a score reaches the current k-th best, so ranking costs O(n + m log k) rather than a
 * full sort. Ties go to the lower row (earlier insertion), which makes results deterministic.
 */
export class TopK {
  readonly k: number;
  size = 0;
  private readonly score: Float64Array;
  private readonly rowOf: Int32Array;

  constructor(k: number) {
    this.k = Math.max(0, Math.floor(k));
    this.score = new Float64Array(this.k);
    this.rowOf = new Int32Array(this.k);
  }

  /** Scores below this cannot enter; -Infinity until the heap is full. */
  get threshold(): number {
    return this.size < this.k ? -Infinity : this.score[0]!;
  }

  /** True when (s, row) would enter: better than the worst kept, ties broken by lower row. */
  accepts(s: number, row: number): boolean {
    if (this.size < this.k) return this.k > 0;
    const worst = this.score[0]!;
    return s > worst || (s === worst && row < this.rowOf[0]!);
  }

  /** Inserts (s, row); call only after `accepts` returned true. */
  push(s: number, row: number): void {
    if (this.size < this.k) {
      let i = this.size++;
      // sift up
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.worse(s, row, parent)) break;
        this.score[i] = this.score[parent]!;
        this.rowOf[i] = this.rowOf[parent]!;
        i = parent;
      }
      this.score[i] = s;
      this.rowOf[i] = row;
      return;
    }
    // replace the root, sift down
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && this.worseAt(r, l) ? r : l;
      if (!this.worseAtThan(child, s, row)) break;
      this.score[i] = this.score[child]!;
      this.rowOf[i] = this.rowOf[child]!;
      i = child;
    }
    this.score[i] = s;
    this.rowOf[i] = row;
  }

  /** Entries best first. */
  sorted(): Array<{ row: number; score: number }> {
    const out: Array<{ row: number; score: number }> = [];
    for (let i = 0; i < this.size; i++) out.push({ row: this.rowOf[i]!, score: this.score[i]! });
    return out.sort((a, b) => b.score - a.score || a.row - b.row);
  }

  /** (s, row) ranks below the entry at index j. */
  private worse(s: number, row: number, j: number): boolean {
    const t = this.score[j]!;
    return s < t || (s === t && row > this.rowOf[j]!);
  }

  private worseAt(i: number, j: number): boolean {
    return this.worse(this.score[i]!, this.rowOf[i]!, j);
  }

  /** The entry at index i ranks below (s, row). */
  private worseAtThan(i: number, s: number, row: number): boolean {
    const t = this.score[i]!;
    return t < s || (t === s && this.rowOf[i]! > row);
  }
}
