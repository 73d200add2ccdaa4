import type { Block } from '../../core/knowledge/reader.js';
import { joinLines, LIST_MARKER } from './layout.js';
import { toLines, type Run } from './lines.js';

/**
 * The blocks of a tagged PDF page from its structure tree (what LibreOffice, Word and Acrobat
 * write when asked for an accessible PDF): headings, paragraphs, lists and tables as the author
 * made them; page headers and footers are artifacts, outside the tree.
 */

/** A node of pdf.js's `getStructTree()`. */
export interface StructNode {
  role?: string;
  type?: string;
  id?: string;
  children?: StructNode[];
}

const HEADING = /^H([1-6])?$/;
const SKIP = new Set(['Figure', 'Formula', 'Artifact', 'Lbl', 'TOC', 'Index', 'Reference', 'Annot', 'Link']);
const QUOTE = new Set(['Quote', 'BlockQuote']);

export function taggedBlocks(tree: StructNode, runs: Run[], page: number): Block[] {
  const textOf = (node: StructNode): string => {
    const ids = new Set(contentIds(node));
    return joinLines(toLines(runs.filter((r) => r.mcid && ids.has(r.mcid))).map((l) => l.text));
  };
  const blocks: Block[] = [];
  const walk = (node: StructNode) => {
    const role = node.role ?? '';
    if (SKIP.has(role)) return;
    const heading = HEADING.exec(role);
    if (heading) blocks.push({ kind: 'heading', text: textOf(node), level: Number(heading[1] ?? 1), page });
    else if (role === 'L') {
      // Some producers leave the bullet or number inside the item's body instead of a Lbl.
      const raw = listItems(node, textOf);
      const ordered = raw.length > 0 && raw.every((item) => /^\s*\(?[0-9\u0660-\u0669]/.test(item));
      blocks.push({ kind: 'list', items: raw.map((item) => item.replace(LIST_MARKER, '').trim()), ordered, page });
    } else if (role === 'Table') blocks.push({ ...tableOf(node, textOf), page });
    else if (role === 'P' || role === 'Caption' || role === 'Note' || QUOTE.has(role) || isLeaf(node)) {
      const text = textOf(node);
      if (text) blocks.push({ kind: QUOTE.has(role) ? 'quote' : 'paragraph', text, page });
    } else for (const child of node.children ?? []) walk(child);
  };
  walk(tree);
  return blocks.filter((b) => (b.kind === 'list' ? b.items.length > 0 : b.kind === 'table' ? b.rows.length > 0 : b.text.length > 0));
}

function contentIds(node: StructNode): string[] {
  if (node.type === 'content' && node.id) return [node.id];
  if (node.role && SKIP.has(node.role)) return [];
  return (node.children ?? []).flatMap(contentIds);
}

/** A structure element that holds only content (a Span at the top), read as a paragraph. */
function isLeaf(node: StructNode): boolean {
  return !!node.role && (node.children ?? []).length > 0 && (node.children ?? []).every((c) => c.type === 'content' || c.role === 'Span');
}

function listItems(list: StructNode, textOf: (n: StructNode) => string): string[] {
  const items: string[] = [];
  for (const child of list.children ?? []) {
    if (child.role === 'L') items.push(...listItems(child, textOf));
    else if (child.role === 'LI') {
      const body = (child.children ?? []).filter((c) => c.role !== 'Lbl');
      const text = body.map(textOf).filter(Boolean).join(' ');
      if (text) items.push(text);
      for (const nested of body.flatMap((b) => b.children ?? []).filter((c) => c.role === 'L')) items.push(...listItems(nested, textOf));
    }
  }
  return items;
}

function tableOf(table: StructNode, textOf: (n: StructNode) => string): Extract<Block, { kind: 'table' }> {
  const rows: { cells: string[]; header: boolean }[] = [];
  const visit = (node: StructNode, inHead: boolean) => {
    for (const child of node.children ?? []) {
      if (child.role === 'TR') {
        const cells = (child.children ?? []).filter((c) => c.role === 'TH' || c.role === 'TD');
        rows.push({ cells: cells.map(textOf), header: inHead || (cells.length > 0 && cells.every((c) => c.role === 'TH')) });
      } else visit(child, inHead || child.role === 'THead');
    }
  };
  visit(table, false);
  const nonEmpty = rows.filter((r) => r.cells.some(Boolean));
  const head = nonEmpty[0]?.header || nonEmpty.length > 1 ? nonEmpty.shift() : undefined;
  return { kind: 'table', header: head?.cells ?? null, rows: nonEmpty.map((r) => r.cells) };
}
