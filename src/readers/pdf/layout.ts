import type { Block } from '../../core/knowledge/reader.js';
import type { Line, Run } from './lines.js';
import { tableFromRuns } from './table.js';

/**
 * The blocks of an untagged PDF page, from its lines' geometry: headings from font size (or a
 * heading font of body size on a line of its own), list items from their markers, paragraphs
 * joined across line breaks, tables from lines split into cells.
 */

/** Text this much larger than the body is a heading. */
const HEADING_SIZE_RATIO = 1.15;
const HEADING_MAX_WORDS = 14;
/** A vertical gap this many times the usual line spacing starts a new paragraph. */
const PARAGRAPH_GAP = 1.4;
/** A line shorter than this share of the widest line, ending a sentence, ends its paragraph. */
const SHORT_LINE = 0.8;
export const LIST_MARKER = /^\s*(?:[•◦▪●○■►–*·-]|\(?[0-9\u0660-\u0669]{1,3}[.)]|[0-9\u0660-\u0669]{1,3}\s?-)\s*/;
const SENTENCE_END = /[.!?؟…:]["»”'’)]*$/;
const ANY_END = /[.!?؟…:;؛,،]["»”'’)]*$/;

export interface PageStyle {
  /** The body text's font size and font, the most used in the document. */
  bodySize: number;
  bodyFont: string;
  /** Heading font sizes, largest first: their rank is the heading level. */
  headingSizes: number[];
}

/** The document's body size and font, and its heading sizes, from all its lines. */
export function pageStyle(lines: Line[]): PageStyle {
  const bySize = new Map<number, number>();
  const byFont = new Map<string, number>();
  for (const line of lines) {
    const size = Math.round(line.size * 2) / 2;
    bySize.set(size, (bySize.get(size) ?? 0) + line.text.length);
    byFont.set(line.font, (byFont.get(line.font) ?? 0) + line.text.length);
  }
  const bodySize = [...bySize].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 12;
  const bodyFont = [...byFont].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  const headingSizes = [...bySize.keys()].filter((s) => s >= bodySize * HEADING_SIZE_RATIO).sort((a, b) => b - a);
  return { bodySize, bodyFont, headingSizes };
}

export function layoutBlocks(lines: Line[], style: PageStyle, page: number): Block[] {
  const blocks: Block[] = [];
  const spacing = lineSpacing(lines, style.bodySize);
  const widest = Math.max(...lines.map((l) => l.width), 1);
  let paragraph: string[] = [];
  let list: string[] | null = null;
  let previous: Line | null = null;
  const flush = () => {
    if (paragraph.length > 0) blocks.push({ kind: 'paragraph', text: joinLines(paragraph), page });
    if (list && list.length > 0) blocks.push({ kind: 'list', items: list, page });
    paragraph = [];
    list = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.segments > 1) {
      const end = tableEnd(lines, i, style);
      // A table has rows of cells; one stray wide gap (a full stop drawn apart) is not one.
      const table =
        end - i >= 2 && lines.slice(i, end).filter((l) => l.segments > 1).length >= 2
          ? tableFromRuns(
              lines.slice(i, end).flatMap((l) => l.runs as Run[]),
              lines[i]!.rtl,
            )
          : null;
      if (table) {
        flush();
        blocks.push({ ...table, page });
        previous = null;
        i = end - 1;
        continue;
      }
    }
    const level = headingLevel(line, style);
    if (level) {
      flush();
      // A heading that wraps onto a second line of the same size is one heading.
      const last = blocks[blocks.length - 1];
      if (last?.kind === 'heading' && previous && level === last.level && near(previous, line, spacing * 2)) last.text += ' ' + line.text;
      else blocks.push({ kind: 'heading', text: line.text, level, page });
      previous = line;
      continue;
    }
    const marker = LIST_MARKER.exec(line.text);
    const startsBlock =
      !previous || headingLevel(previous, style) !== 0 || !near(previous, line, spacing * PARAGRAPH_GAP) || endsParagraph(previous, widest);
    if (marker && marker[0].length < line.text.length) {
      // An item after its intro: the intro ends here, and the core keeps the list with it.
      if (paragraph.length > 0) {
        blocks.push({ kind: 'paragraph', text: joinLines(paragraph), page });
        paragraph = [];
      }
      (list ??= []).push(line.text.slice(marker[0].length).trim());
    } else if (list && !startsBlock) {
      list[list.length - 1] = joinLines([list[list.length - 1]!, line.text]);
    } else {
      if (startsBlock || list) flush();
      paragraph.push(line.text);
    }
    previous = line;
  }
  flush();
  return blocks;
}

/** 0 for body text, else the heading level: by size rank, or 3 for a heading font of body size. */
export function headingLevel(line: Line, style: PageStyle): number {
  const words = line.text.split(/\s+/).length;
  if (words > HEADING_MAX_WORDS || LIST_MARKER.test(line.text)) return 0;
  const size = Math.round(line.size * 2) / 2;
  const rank = style.headingSizes.indexOf(size);
  if (rank >= 0) return Math.min(rank + 1, 6);
  if (
    line.font !== style.bodyFont &&
    Math.abs(size - style.bodySize) < 0.5 &&
    !ANY_END.test(line.text) &&
    line.runs.every((r) => r.font === line.font)
  ) {
    return Math.min(style.headingSizes.length + 1, 6);
  }
  return 0;
}

/** Where a table that starts at line `start` ends: cells keep coming, no heading, no full-width prose. */
function tableEnd(lines: Line[], start: number, style: PageStyle): number {
  const left = Math.min(...lines.map((l) => l.x));
  const widest = Math.max(...lines.map((l) => l.width));
  let end = start + 1;
  for (; end < lines.length; end++) {
    const line = lines[end]!;
    if (headingLevel(line, style) && line.size > style.bodySize) break;
    if (Math.abs(lines[end - 1]!.y - line.y) > style.bodySize * 3) break;
    const prose = line.segments === 1 && line.width > widest * 0.6 && Math.abs(line.x - left) < 3;
    if (prose) break;
  }
  return end;
}

function lineSpacing(lines: Line[], bodySize: number): number {
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const gap = Math.abs(lines[i - 1]!.y - lines[i]!.y);
    if (gap > 0 && Math.abs(lines[i]!.size - bodySize) < 0.5) gaps.push(gap);
  }
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)] ?? bodySize * 1.2;
}

function near(a: Line, b: Line, distance: number): boolean {
  return Math.abs(a.y - b.y) <= distance + 0.5;
}

function endsParagraph(line: Line, widest: number): boolean {
  return line.width < widest * SHORT_LINE && SENTENCE_END.test(line.text);
}

/** Lines of a paragraph as one text: a word hyphenated at a line end is joined again. */
export function joinLines(lines: string[]): string {
  let text = '';
  for (const line of lines) {
    const t = line.trim();
    if (!text) text = t;
    else if (/[a-z]-$/.test(text) && /^[a-z]/.test(t)) text = text.slice(0, -1) + t;
    else text += ' ' + t;
  }
  return text;
}
