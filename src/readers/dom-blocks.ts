import type { Block } from '../core/knowledge/reader.js';

/**
 * The blocks of an HTML (or XHTML) body, in reading order: headings with their level,
 * paragraphs, lists with their items, quotes, and tables with their header row. Shared by the
 * web page, Word (through mammoth's HTML) and EPUB readers.
 */

/** Never text to cite: code, media, forms, and the page furniture a saved page still holds. */
const SKIP = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'canvas',
  'iframe',
  'object',
  'img',
  'video',
  'audio',
  'picture',
  'form',
  'button',
  'input',
  'select',
  'textarea',
  'nav',
  'figcaption',
  'head',
  'title',
  'meta',
  'link',
]);
const BLOCK = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'body',
  'center',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figure',
  'footer',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'header',
  'hr',
  'li',
  'main',
  'ol',
  'p',
  'pre',
  'section',
  'summary',
  'table',
  'tbody',
  'thead',
  'tfoot',
  'tr',
  'td',
  'th',
  'ul',
]);
const HEADING = /^h([1-6])$/;

/** The small part of the DOM this needs, so linkedom's and other parsers' nodes both fit. */
export interface DomNode {
  nodeType: number;
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<DomNode>;
  getAttribute?(name: string): string | null;
}

const ELEMENT = 1;
const TEXT = 3;

export function nameOf(node: DomNode): string {
  const name = node.nodeName.toLowerCase();
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/** The text of an element as a reader sees it: whitespace collapsed, `<br>` as a line break. */
export function inlineText(node: DomNode): string {
  const parts: string[] = [];
  const visit = (n: DomNode) => {
    if (n.nodeType === TEXT) parts.push(n.textContent ?? '');
    else if (n.nodeType === ELEMENT) {
      const name = nameOf(n);
      if (SKIP.has(name)) return;
      if (name === 'br') parts.push('\n');
      else for (const child of Array.from(n.childNodes)) visit(child);
      if (BLOCK.has(name)) parts.push(' ');
    }
  };
  visit(node);
  return parts
    .join('')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join('\n');
}

export function domToBlocks(root: DomNode): Block[] {
  const blocks: Block[] = [];
  let pending: string[] = [];
  const flush = () => {
    const text = pending.join(' ').replace(/\s+/g, ' ').trim();
    if (text) blocks.push({ kind: 'paragraph', text });
    pending = [];
  };

  const walk = (node: DomNode) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === TEXT) {
        pending.push(child.textContent ?? '');
        continue;
      }
      if (child.nodeType !== ELEMENT) continue;
      const name = nameOf(child);
      if (SKIP.has(name)) continue;
      if (!BLOCK.has(name)) {
        pending.push(inlineText(child));
        continue;
      }
      flush();
      const heading = HEADING.exec(name);
      if (heading) push(blocks, { kind: 'heading', text: inlineText(child).replace(/\n/g, ' '), level: Number(heading[1]) });
      else if (name === 'p' || name === 'pre' || name === 'dt' || name === 'summary')
        push(blocks, { kind: 'paragraph', text: paragraphText(child, name) });
      else if (name === 'ul' || name === 'ol') push(blocks, { kind: 'list', items: listItems(child), ordered: name === 'ol' });
      else if (name === 'blockquote') push(blocks, { kind: 'quote', text: inlineText(child).replace(/\n/g, ' ') });
      else if (name === 'table') push(blocks, tableBlock(child));
      else if (name === 'hr') continue;
      else if (hasBlockChild(child)) walk(child);
      else push(blocks, { kind: 'paragraph', text: inlineText(child).replace(/\n/g, ' ') });
    }
    flush();
  };
  walk(root);
  return blocks;
}

function push(blocks: Block[], block: Block): void {
  if (block.kind === 'list' ? block.items.length > 0 : block.kind === 'table' ? block.rows.length > 0 : block.text.trim().length > 0)
    blocks.push(block);
}

function paragraphText(node: DomNode, name: string): string {
  const text = inlineText(node);
  // A `<pre>` keeps its lines; elsewhere a `<br>` inside a paragraph is only a visual break.
  return name === 'pre' ? text : text.replace(/\n/g, ' ');
}

function hasBlockChild(node: DomNode): boolean {
  return Array.from(node.childNodes).some((c) => c.nodeType === ELEMENT && BLOCK.has(nameOf(c)));
}

/** A list's items; a nested list's items follow their parent item as items of their own. */
function listItems(list: DomNode): string[] {
  const items: string[] = [];
  for (const li of Array.from(list.childNodes)) {
    if (li.nodeType !== ELEMENT || nameOf(li) !== 'li') continue;
    const own: DomNode[] = [];
    const nested: DomNode[] = [];
    for (const c of Array.from(li.childNodes))
      (c.nodeType === ELEMENT && (nameOf(c) === 'ul' || nameOf(c) === 'ol') ? nested : own).push(c);
    const text = own
      .map((c) => (c.nodeType === TEXT ? (c.textContent ?? '') : inlineText(c)))
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (text) items.push(text);
    for (const sub of nested) items.push(...listItems(sub));
  }
  return items;
}

/** Rows of cells; the header is the row of `<th>` cells (or `<thead>`), else the first row. */
function tableBlock(table: DomNode): Block {
  const rows: { cells: string[]; header: boolean }[] = [];
  const visit = (node: DomNode, inHead: boolean) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType !== ELEMENT) continue;
      const name = nameOf(child);
      if (name === 'table') continue; // a nested table is read as part of its cell's text
      if (name === 'tr' || name === 'table-row') {
        const cells = Array.from(child.childNodes).filter((c) => c.nodeType === ELEMENT && /^(td|th|table-cell)$/.test(nameOf(c)));
        rows.push({
          cells: cells.map((c) => inlineText(c).replace(/\n/g, ' ')),
          header: inHead || (cells.length > 0 && cells.every((c) => nameOf(c) === 'th')),
        });
      } else visit(child, inHead || name === 'thead' || name === 'table-header-rows');
    }
  };
  visit(table, false);
  const nonEmpty = rows.filter((r) => r.cells.some(Boolean));
  const headerRow = nonEmpty[0]?.header || nonEmpty.length > 1 ? nonEmpty.shift() : undefined;
  return { kind: 'table', header: headerRow?.cells ?? null, rows: nonEmpty.map((r) => r.cells) };
}
