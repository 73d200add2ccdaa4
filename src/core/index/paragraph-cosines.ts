import type { IndexParts } from './index-state.js';

/**
 * Cosine per paragraph row (its best chunk): the vector store's exact top chunks, plus the
 * BM25 candidates' own chunks, which fusion needs scored too.
 */
export function paragraphCosines(
  { vectors, paragraphs }: IndexParts,
  query: Float32Array,
  allow: ((row: number) => boolean) | undefined,
  candidates: Iterable<number>,
  top: number,
): Map<number, number> {
  const out = new Map<number, number>();
  const keep = (row: number, score: number) => {
    if (score > (out.get(row) ?? -Infinity)) out.set(row, score);
  };
  const rowOf = (storeRow: number) => vectors.metadata(storeRow)!.row as number;
  const filter = allow && ((storeRow: number) => allow(rowOf(storeRow)));
  for (const hit of vectors.searchRaw(query, top, filter)) keep(hit.metadata.row as number, hit.score);
  const storeRows: number[] = [];
  const owners: number[] = [];
  for (const row of candidates) {
    for (const id of paragraphs.chunksOf(row)) {
      const storeRow = vectors.rowOf(id);
      if (storeRow === undefined) continue;
      storeRows.push(storeRow);
      owners.push(row);
    }
  }
  const scores = vectors.scoreRows(query, storeRows);
  owners.forEach((row, i) => keep(row, scores[i]!));
  return out;
}
