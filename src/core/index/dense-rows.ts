/**
 * Chunk vectors mapped to paragraph rows, scored by exhaustive dot product. Placeholder for the
 * Float32Array store; the best chunk of a paragraph is the paragraph's cosine.
 */
export class DenseRows {
  private readonly vectors: (Float32Array | null)[] = [];
  private readonly owner: number[] = [];

  add(vector: Float32Array, row: number): void {
    this.vectors.push(vector);
    this.owner.push(row);
  }

  removeRow(row: number): void {
    for (let i = 0; i < this.owner.length; i++) if (this.owner[i] === row) this.vectors[i] = null;
  }

  scoreRows(query: Float32Array, allow: (row: number) => boolean): Map<number, number> {
    const out = new Map<number, number>();
    for (let i = 0; i < this.vectors.length; i++) {
      const v = this.vectors[i];
      if (!v) continue;
      const row = this.owner[i]!;
      if (!allow(row)) continue;
      let dot = 0;
      for (let d = 0; d < v.length; d++) dot += v[d]! * query[d]!;
      if (dot > (out.get(row) ?? -Infinity)) out.set(row, dot);
    }
    return out;
  }
}
