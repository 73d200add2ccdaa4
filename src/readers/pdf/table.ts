import type { Block } from '../../core/knowledge/reader.js';
import { toLines, type Run } from './lines.js';

/**
 * A table of an untagged PDF from its runs: columns are the runs' overlapping horizontal extents
 * (a centred header overlaps its column's cells), rows are bands around the first column's
 * runs (cells are centred vertically, so a wrapped cell starts above its row's first cell).
 */

/** Two runs of one cell's wrapped lines are closer than this many font sizes. */
const WRAPPED_LINE = 1.3;

export function tableFromRuns(runs: Run[], rtl: boolean): Extract<Block, { kind: 'table' }> | null {
  const cells = runs.filter((r) => r.text.trim());
  if (cells.length < 4) return null;
  const columns = columnsOf(cells);
  if (columns.length < 2) return null;
  // Reading order of columns: right to left in an Arabic table.
  if (rtl) columns.reverse();
  const column = (run: Run) => columns.findIndex((c) => run.x < c.right && run.x + run.width > c.left);
  const anchors = rowAnchors(cells.filter((r) => column(r) === 0));
  if (anchors.length < 2) return null;
  const bounds = anchors.map((y, i) => ({
    top: i === 0 ? Infinity : (anchors[i - 1]! + y) / 2,
    bottom: i === anchors.length - 1 ? -Infinity : (y + anchors[i + 1]!) / 2,
  }));
  const grid: Run[][][] = bounds.map(() => columns.map(() => []));
  for (const run of cells) {
    const row = bounds.findIndex((b) => run.y <= b.top && run.y > b.bottom);
    const col = column(run);
    if (row >= 0 && col >= 0) grid[row]![col]!.push(run);
  }
  const rows = grid.map((row) =>
    row.map((cell) =>
      toLines(cell.sort((a, b) => b.y - a.y || a.x - b.x))
        .map((l) => l.text)
        .join(' '),
    ),
  );
  const [header, ...body] = rows;
  return body.length > 0 ? { kind: 'table', header: header!, rows: body } : null;
}

function columnsOf(runs: Run[]): { left: number; right: number }[] {
  const spans = runs.map((r) => ({ left: r.x, right: r.x + r.width })).sort((a, b) => a.left - b.left);
  const columns: { left: number; right: number }[] = [];
  for (const span of spans) {
    const last = columns[columns.length - 1];
    if (last && span.left < last.right) last.right = Math.max(last.right, span.right);
    else columns.push({ ...span });
  }
  return columns;
}

/** One baseline per row of the first column: a cell's wrapped second line is not a new row. */
function rowAnchors(firstColumn: Run[]): number[] {
  const ys = firstColumn.map((r) => ({ y: r.y, size: r.size })).sort((a, b) => b.y - a.y);
  const anchors: number[] = [];
  let group: number[] = [];
  for (let i = 0; i < ys.length; i++) {
    const near = i > 0 && ys[i - 1]!.y - ys[i]!.y <= ys[i]!.size * WRAPPED_LINE;
    if (!near && group.length > 0) {
      anchors.push(group.reduce((a, b) => a + b, 0) / group.length);
      group = [];
    }
    group.push(ys[i]!.y);
  }
  if (group.length > 0) anchors.push(group.reduce((a, b) => a + b, 0) / group.length);
  return anchors;
}
