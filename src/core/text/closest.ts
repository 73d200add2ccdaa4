/**
 * "Did you mean": the candidate closest to a mistyped name by edit distance (Levenshtein), used
 * for config keys and command-line options alike, so both suggest the same way.
 */

/** Two edits cover a dropped, doubled or swapped letter ("jsn", "jsonn", "cahnnel" is three). */
export const DEFAULT_MAX_EDITS = 2;

/** The candidate within `maxEdits` edits of `name` (case-insensitive), nearest first; null when none is. */
export function closestName(name: string, candidates: readonly string[], maxEdits = DEFAULT_MAX_EDITS): string | null {
  let best: string | null = null;
  let bestDistance = maxEdits + 1;
  for (const candidate of candidates) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/** Insertions, deletions and substitutions needed to turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
