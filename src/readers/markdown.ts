import { stringify } from 'yaml';
import type { Block, DocumentStructure } from '../core/knowledge/reader.js';

/**
 * A document structure as a Markdown file with front matter, the form a fetched page is kept
 * in `knowledge/`: the core reads it back with the same headings, lists and quotes, and the
 * front matter keeps where it came from (`source`), its title, author and date.
 */
export function toMarkdown(structure: DocumentStructure, extra: Record<string, string> = {}): string {
  const front: Record<string, string> = {};
  if (structure.title) front.title = structure.title;
  if (structure.author) front.author = structure.author;
  if (structure.date) front.date = structure.date;
  if (structure.url) front.source = structure.url;
  if (structure.lang) front.lang = structure.lang;
  Object.assign(front, extra);
  const body = structure.blocks.map(blockText).filter(Boolean).join('\n\n');
  return `---\n${stringify(front, { lineWidth: 0 }).trimEnd()}\n---\n\n${body}\n`;
}

function blockText(block: Block): string {
  switch (block.kind) {
    case 'heading':
      return `${'#'.repeat(Math.min(Math.max(block.level, 1), 6))} ${oneLine(block.text)}`;
    case 'list':
      return block.items.map((item, i) => `${block.ordered ? `${i + 1}.` : '-'} ${oneLine(item)}`).join('\n');
    case 'quote':
      return `> ${oneLine(block.text)}`;
    case 'table':
      // Each row keeps its header, as a list item (the core cites a list with its intro).
      return block.rows
        .map(
          (row) =>
            `- ${row
              .map((cell, i) => (block.header?.[i] && cell ? `${block.header[i]}: ${cell}` : cell))
              .filter(Boolean)
              .join(' | ')}`,
        )
        .join('\n');
    default:
      return oneLine(block.text);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
