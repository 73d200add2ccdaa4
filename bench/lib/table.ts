/** Plain-text tables for the terminal: right-aligned numbers, left-aligned text. */
export type Cell = string | number | null | undefined;

function show(cell: Cell): string {
  if (cell === null || cell === undefined) return '–';
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell) || Number.isInteger(cell)) return String(cell);
    const abs = Math.abs(cell);
    return abs >= 100 ? cell.toFixed(0) : abs >= 10 ? cell.toFixed(1) : abs >= 1 ? cell.toFixed(2) : cell.toFixed(3);
  }
  return cell;
}

export function table(title: string, headers: string[], rows: Cell[][], notes: string[] = []): string {
  const cells = rows.map((row) => row.map(show));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => (row[i] ?? '').length)));
  const numeric = headers.map((_, i) => rows.every((row) => typeof row[i] === 'number' || row[i] == null));
  const line = (row: string[]) =>
    row
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [`\n${title}`, line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  for (const note of notes) out.push(`  ${note}`);
  return out.join('\n');
}
