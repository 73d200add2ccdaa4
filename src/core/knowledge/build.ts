import { cleanInvisible, detectLanguage, normalize } from '../text/index.js';
import { toParagraphs, type CitableBlock } from './paragraphs.js';
import type { Block, DocumentStructure } from './reader.js';
import type { KnowledgeDocument } from './types.js';

/** A row of a table reads "header: cell | header: cell", so a quoted row still says what each value is. */
const CELL_SEPARATOR = ' | ';
/** A paragraph that ends like this introduces the list after it: the two are cited together. */
const INTRO_END = /[:：]["»”)]*$/;

export interface BuildInput {
  /** Path inside the knowledge folder, `/`-separated: the document id. */
  document: string;
  collection: string;
  /** sha256 of the raw bytes. */
  hash: string;
  /** The reader's name, kept on the document ("pdf"). */
  format?: string;
}

/**
 * Makes a reader's structure into a knowledge document, the same way for every format:
 * headings become the section of the blocks under them (never cited themselves), a list stays
 * with the sentence that introduces it, each table row is one paragraph that keeps its header,
 * and every paragraph keeps the page it starts on.
 */
export function buildDocument(structure: DocumentStructure, input: BuildInput): KnowledgeDocument {
  const blocks = structure.blocks.map(clean).filter((b): b is Block => b !== null);
  let title = cleanText(structure.title ?? '');
  // A title repeated as the first heading is the title, not a section.
  const first = blocks[0];
  if (first?.kind === 'heading' && (!title || normalize(first.text) === normalize(title))) {
    title ||= first.text;
    blocks.shift();
  }
  title ||= input.document.replace(/^.*\//, '').replace(/\.[^.]+$/, '');

  const citable = toCitable(blocks);
  const lang = structure.lang ?? detectLanguage(citable.map((b) => b.text).join(' ').slice(0, 4000));
  const url = structure.url ?? null;
  return {
    document: input.document,
    collection: input.collection,
    title,
    date: structure.date ?? null,
    author: structure.author ?? null,
    source: url,
    ...(url ? { url } : {}),
    ...(structure.pages ? { pages: structure.pages } : {}),
    ...(input.format ? { format: input.format } : {}),
    lang,
    hash: input.hash,
    paragraphs: toParagraphs(citable, { document: input.document, collection: input.collection, title, lang, url }),
  };
}

function toCitable(blocks: Block[]): CitableBlock[] {
  const out: CitableBlock[] = [];
  const path: { text: string; level: number }[] = [];
  const section = () => path[path.length - 1]?.text ?? null;
  let lastWasIntro = false;
  for (const block of blocks) {
    const page = block.page !== undefined ? { page: block.page } : {};
    switch (block.kind) {
      case 'heading':
        while (path.length > 0 && path[path.length - 1]!.level >= block.level) path.pop();
        path.push({ text: block.text, level: block.level });
        lastWasIntro = false;
        continue;
      case 'list': {
        const items = block.items.map((item, i) => (block.ordered ? `${i + 1}. ${item}` : item));
        const intro = out[out.length - 1];
        if (lastWasIntro && intro) intro.text = [intro.text, ...items].join('\n');
        else out.push({ text: items.join('\n'), section: section(), ...page });
        break;
      }
      case 'table':
        for (const row of block.rows) out.push({ text: tableRow(block.header, row), section: section(), ...page });
        break;
      default:
        out.push({ text: block.text, section: section(), ...page });
    }
    lastWasIntro = block.kind === 'paragraph' && INTRO_END.test(block.text);
  }
  return out.filter((b) => b.text.trim().length > 0);
}

function tableRow(header: string[] | null, row: string[]): string {
  return row
    .map((cell, i) => (header?.[i] && cell ? `${header[i]}: ${cell}` : cell))
    .filter((cell) => cell.trim().length > 0)
    .join(CELL_SEPARATOR);
}

/** Drops empty blocks and invisible characters; keeps the text otherwise untouched. */
function clean(block: Block): Block | null {
  switch (block.kind) {
    case 'list': {
      const items = block.items.map(cleanText).filter(Boolean);
      return items.length > 0 ? { ...block, items } : null;
    }
    case 'table': {
      const rows = block.rows.map((row) => row.map(cleanText)).filter((row) => row.some(Boolean));
      return rows.length > 0 ? { ...block, header: block.header?.map(cleanText) ?? null, rows } : null;
    }
    default: {
      const text = cleanText(block.text);
      return text ? { ...block, text } : null;
    }
  }
}

function cleanText(text: string): string {
  return text
    .split('\n')
    .map((line) => cleanInvisible(line))
    .filter(Boolean)
    .join('\n');
}
