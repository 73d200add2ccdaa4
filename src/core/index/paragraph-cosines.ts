import type { IndexParts } from './index-state.js';

/** Cosine per paragraph row (its best chunk) of the vector store's exact top chunks. */
export function vectorTop(
  { vectors }: IndexParts,
  query: Float32Array,
  allow: ((row: number) => boolean) | undefined,
  top: number,
): Map<number, number> {
  const out = new Map<number, number>();
  const rowOf = (storeRow: number) => vectors.metadata(storeRow)!.row as number;
  const filter = allow && ((storeRow: number) => allow(rowOf(storeRow)));
  for (const hit of vectors.searchRaw(query, top, filter)) keepBest(out, hit.metadata.row as number, hit.score);
  return out;
}

/** Adds to `cosines` the BM25 candidates' own chunks, which fusion needs scored too. */
export function withCandidates(
  { vectors, paragraphs }: IndexParts,
  query: Float32Array,
  cosines: Map<number, number>,
  candidates: Iterable<number>,
): Map<number, number> {
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
  owners.forEach((row, i) => keepBest(cosines, row, scores[i]!));
  return cosines;
}

function keepBest(out: Map<number, number>, row: number, score: number): void {
  if (score > (out.get(row) ?? -Infinity)) out.set(row, score);
}
