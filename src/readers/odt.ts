import { DOMParser } from 'linkedom';
import type { Block, DocumentReader, DocumentStructure } from '../core/knowledge/reader.js';
import { ReadError } from '../core/knowledge/reader.js';
import { nameOf, type DomNode } from './dom-blocks.js';
import { openZip } from './zip.js';

/** Text and frames that are not part of the running text: notes, comments, drawings, change marks. */
const SKIP = new Set([
  'note',
  'annotation',
  'frame',
  'sequence-decls',
  'tracked-changes',
  'table-column',
  'table-columns',
  'soft-page-break',
  'bookmark',
  'bookmark-start',
  'bookmark-end',
]);

/** OpenDocument text (LibreOffice, Google Docs export): headings with their level, lists, tables. */
export const odtReader: DocumentReader = {
  name: 'odt',
  extensions: ['.odt'],
  mediaTypes: ['application/vnd.oasis.opendocument.text'],
  async read(bytes): Promise<DocumentStructure> {
    const zip = await openZip(bytes, 'ODT');
    const content = await zip.text('content.xml');
    if (!content) throw new ReadError('is not a valid ODT file (content.xml is missing)');
    const doc = new DOMParser().parseFromString(content, 'text/xml') as unknown as {
      getElementsByTagName(name: string): ArrayLike<DomNode>;
    };
    const body = doc.getElementsByTagName('office:text')[0];
    if (!body) throw new ReadError('is an OpenDocument file without text (a spreadsheet or a presentation?)');
    const meta = await zip.text('meta.xml');
    return { ...(meta ? odfMeta(meta) : {}), blocks: odfBlocks(body) };
  },
};

export function odfBlocks(root: DomNode): Block[] {
  const blocks: Block[] = [];
  const walk = (node: DomNode) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType !== 1) continue;
      const name = nameOf(child);
      if (SKIP.has(name)) continue;
      if (name === 'h')
        blocks.push({ kind: 'heading', text: odfText(child), level: Number(child.getAttribute?.('text:outline-level') ?? 1) || 1 });
      else if (name === 'p') blocks.push({ kind: 'paragraph', text: odfText(child).replace(/\n/g, ' ') });
      else if (name === 'list') blocks.push({ kind: 'list', items: listItems(child) });
      else if (name === 'table') blocks.push(tableBlock(child));
      else walk(child); // sections, index bodies and the like hold more blocks
    }
  };
  walk(root);
  return blocks;
}

/** A paragraph's text: `text:s` spaces, tabs and line breaks as a reader sees them. */
function odfText(node: DomNode): string {
  let out = '';
  for (const child of Array.from(node.childNodes)) {
    if (child.nodeType === 3) out += child.textContent ?? '';
    else if (child.nodeType === 1) {
      const name = nameOf(child);
      if (SKIP.has(name)) continue;
      if (name === 's') out += ' '.repeat(Number(child.getAttribute?.('text:c') ?? 1) || 1);
      else if (name === 'tab') out += ' ';
      else if (name === 'line-break') out += '\n';
      else out += odfText(child);
    }
  }
  return out
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

function listItems(list: DomNode): string[] {
  const items: string[] = [];
  for (const item of Array.from(list.childNodes)) {
    if (item.nodeType !== 1) continue;
    for (const part of Array.from(item.childNodes)) {
      if (part.nodeType !== 1) continue;
      const name = nameOf(part);
      if (name === 'list') items.push(...listItems(part));
      else if (name === 'p' || name === 'h') {
        const text = odfText(part).replace(/\n/g, ' ');
        if (text) items.push(text);
      }
    }
  }
  return items;
}

/** Rows of cells; the header is `table:table-header-rows` when marked, else the first row. */
function tableBlock(table: DomNode): Block {
  const rows: { cells: string[]; header: boolean }[] = [];
  const visit = (node: DomNode, header: boolean) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType !== 1) continue;
      const name = nameOf(child);
      if (name === 'table-row') {
        const cells = Array.from(child.childNodes).filter((c) => c.nodeType === 1 && nameOf(c) === 'table-cell');
        rows.push({ cells: cells.map((c) => odfText(c).replace(/\n/g, ' ')), header });
      } else if (name !== 'table') visit(child, header || name === 'table-header-rows');
    }
  };
  visit(table, false);
  const nonEmpty = rows.filter((r) => r.cells.some(Boolean));
  const head = nonEmpty[0]?.header || nonEmpty.length > 1 ? nonEmpty.shift() : undefined;
  return { kind: 'table', header: head?.cells ?? null, rows: nonEmpty.map((r) => r.cells) };
}

/** Title, author and date from an OpenDocument's meta.xml. */
export function odfMeta(xml: string): Pick<DocumentStructure, 'title' | 'author' | 'date'> {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as { getElementsByTagName(name: string): ArrayLike<DomNode> };
  const first = (...names: string[]) => {
    for (const name of names) {
      const value = doc.getElementsByTagName(name)[0]?.textContent?.trim();
      if (value) return value;
    }
    return null;
  };
  const date = first('dc:date', 'meta:creation-date');
  return { title: first('dc:title'), author: first('dc:creator', 'meta:initial-creator'), date: date?.slice(0, 10) ?? null };
}
