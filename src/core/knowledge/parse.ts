import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { cleanInvisible, detectLanguage, normalize, type Lang } from '../text/index.js';
import { isDateline, parseDate } from './dates.js';
import { toParagraphs } from './paragraphs.js';
import type { KnowledgeDocument, Paragraph } from './types.js';

/**
 * Reads a scraped article or a Markdown note into citable paragraphs. Plain text is one
 * paragraph per line (as news scrapes come) or blank-line separated wrapped prose; short lines
 * without sentence punctuation are headings; lines after an intro ending in ':' are list items
 * kept with their intro; print/share furniture and datelines are metadata, not paragraphs.
 */

const HEADING_MAX_CHARS = 90;
const HEADING_MAX_WORDS = 12;
/** A list item may be longer than a heading: a line of its own under an intro ending in ':'. */
const ITEM_MAX_CHARS = 160;
const ITEM_MAX_WORDS = 25;
const SENTENCE_FINAL = /[.!?؟؛…]["»”'’)]*$/;
const ANY_FINAL = /[.!?؟؛…:：،,;]["»”'’)]*$/;
const MD_HEADING = /^(#{1,6})\s+(.*)$/;
const MD_ITEM = /^\s*(?:[-*+•●▪–]|\d{1,3}[.)])\s+(.*)$/;
/** Print and share buttons scraped with the page: "طباعة …" at the top, "شارك" at the bottom. */
const PRINT_LINE = /^\s*(طباعة|print|imprimer)(\s|$)/i;
const SHARE_LINE = /^\s*(شارك|مشاركة|share|partager|tweet|تويت|facebook|twitter)\s*$/i;

type Line = { text: string; md?: 'heading' | 'item'; level?: number };

interface FrontMatter {
  title?: string;
  date?: string;
  source?: string;
  lang?: string;
  author?: string;
  url?: string;
}

export interface ParseInput {
  /** Path inside the knowledge folder, `/`-separated: the document id. */
  document: string;
  collection: string;
  text: string;
  hash?: string;
}

export function parseDocument(input: ParseInput): KnowledgeDocument {
  const { frontMatter, body } = splitFrontMatter(input.text.replace(/^\uFEFF/, ''));
  const markdown = input.document.endsWith('.md');
  const lines = toLines(body, markdown);

  let title = stringOrNull(frontMatter.title);
  if (!title) {
    const first = lines.shift();
    title = first ? cleanInvisible(first.text) : input.document;
  }
  let date = frontMatter.date ? parseDate(String(frontMatter.date)) ?? String(frontMatter.date) : null;
  let author = stringOrNull(frontMatter.author);

  // The page header: datelines and the print/byline widget before the first paragraph.
  while (lines.length > 0) {
    const line = lines[0]!.text;
    if (!date && isDateline(line)) date = parseDate(line);
    else if (PRINT_LINE.test(line)) author ??= bylineAuthor(line, title);
    else if (!isDateline(line)) break;
    lines.shift();
  }
  while (lines.length > 0 && SHARE_LINE.test(lines[lines.length - 1]!.text)) lines.pop();

  const blocks = structure(lines, title);
  const lang = (frontMatter.lang as Lang | undefined) ?? detectLanguage(blocks.map((b) => b.text).join(' ').slice(0, 4000));
  const source = stringOrNull(frontMatter.source);
  const url = webAddress(stringOrNull(frontMatter.url) ?? source);
  const meta = { document: input.document, collection: input.collection, title, lang, url };
  return {
    document: input.document,
    collection: input.collection,
    title,
    date,
    author,
    source,
    ...(url ? { url } : {}),
    lang,
    hash: input.hash ?? createHash('sha256').update(input.text).digest('hex'),
    paragraphs: toParagraphs(blocks, meta),
  };
}

/** An http(s) address, or null: front matter `source` may also name a book or a person. */
export function webAddress(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : value instanceof Date ? value.toISOString().slice(0, 10) : null;
}

const require = createRequire(import.meta.url);

function splitFrontMatter(text: string): { frontMatter: FrontMatter; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!m) return { frontMatter: {}, body: text };
  // The YAML parser loads only for documents that have front matter.
  const { parse: parseYaml } = require('yaml') as typeof import('yaml');
  try {
    const data = parseYaml(m[1]!) as unknown;
    const frontMatter = data && typeof data === 'object' ? (data as FrontMatter) : {};
    const date: unknown = frontMatter.date;
    if (date instanceof Date) frontMatter.date = date.toISOString().slice(0, 10);
    return { frontMatter, body: text.slice(m[0].length) };
  } catch {
    return { frontMatter: {}, body: text };
  }
}

/** The byline widget reads "طباعة <start of the title> <author>": the author is what is left. */
function bylineAuthor(line: string, title: string): string | null {
  let rest = cleanInvisible(line.replace(PRINT_LINE, ''));
  const titleWords = cleanInvisible(title).split(' ');
  const words = rest.split(' ');
  let i = 0;
  while (i < words.length && i < titleWords.length && normalize(words[i]!) === normalize(titleWords[i]!)) i++;
  rest = words.slice(i).join(' ');
  return rest && rest.split(' ').length <= 5 ? rest : null;
}

/**
 * Splits the body into lines. Blank-line separated blocks of hard-wrapped prose are joined into
 * one line each; otherwise every line stands alone, as in a scraped article.
 */
function toLines(body: string, markdown: boolean): Line[] {
  const out: Line[] = [];
  const blocks = body.split(/\r?\n\s*\r?\n/);
  for (const block of blocks) {
    const raw = block.split(/\r?\n/).filter((l) => l.trim().length > 0);
    if (raw.length === 0) continue;
    const marked = raw.map((l) => markdown && (MD_HEADING.test(l.trim()) || MD_ITEM.test(l)));
    const wrapped =
      raw.length > 1 &&
      !marked.some(Boolean) &&
      raw.slice(0, -1).every((l) => l.trim().length >= 40 && !ANY_FINAL.test(l.trim()));
    if (wrapped) {
      out.push({ text: raw.map((l) => l.trim()).join(' ') });
      continue;
    }
    for (const line of raw) {
      const heading = markdown ? MD_HEADING.exec(line.trim()) : null;
      const item = markdown ? MD_ITEM.exec(line) : null;
      if (heading) out.push({ text: heading[2]!.trim(), md: 'heading', level: heading[1]!.length });
      else if (item) out.push({ text: line.trim(), md: 'item' });
      else out.push({ text: line.trim() });
    }
  }
  return out.filter((l) => cleanInvisible(l.text).length > 0);
}

function isShort(text: string): boolean {
  const t = text.trim();
  return t.length <= HEADING_MAX_CHARS && t.split(/\s+/).length <= HEADING_MAX_WORDS;
}

function isHeadingLike(line: Line): boolean {
  if (line.md === 'heading') return true;
  if (line.md === 'item') return false;
  const t = line.text.trim();
  return isShort(t) && !ANY_FINAL.test(t) && !/^["«“]/.test(t);
}

/** A line that ends with ':' introduces a list. */
function isItemLike(text: string): boolean {
  const t = text.trim();
  return t.length <= ITEM_MAX_CHARS && t.split(/\s+/).length <= ITEM_MAX_WORDS;
}

function isIntro(line: Line): boolean {
  return !line.md && /[:：]["»”)]*$/.test(line.text.trim());
}

interface Block {
  text: string;
  section: string | null;
}

function structure(lines: Line[], title: string): Block[] {
  const blocks: Block[] = [];
  let path: { text: string; level: number }[] = [];
  let lastWasHeading = false;
  const titleKey = normalize(cleanInvisible(title));

  const setHeading = (text: string, level?: number) => {
    const clean = text.trim();
    // A heading that repeats the title (front matter title, then "# Title") heads the whole
    // document: it is not a section, or every citation would say the title twice.
    if (normalize(cleanInvisible(clean)) === titleKey) {
      path = [];
      lastWasHeading = false;
      return;
    }
    if (level !== undefined) path = [...path.filter((h) => h.level < level), { text: clean, level }];
    else if (lastWasHeading && path.length > 0) path = [...path, { text: clean, level: path[path.length - 1]!.level + 1 }];
    else path = [{ text: clean, level: 1 }];
    lastWasHeading = true;
  };
  const section = () => (path.length > 0 ? path[path.length - 1]!.text : null);

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // A short unpunctuated line is a heading, unless it is the document's last line.
    if (line.md === 'heading' || (isHeadingLike(line) && i + 1 < lines.length)) {
      setHeading(line.text, line.level);
      continue;
    }
    if (isIntro(line)) {
      const items: string[] = [];
      // Normalised items seen so far: a repeat ends the list, checked in constant time per item.
      const seen = new Set<string>();
      let j = i + 1;
      for (; j < lines.length; j++) {
        const candidate = lines[j]!;
        const text = candidate.text.trim();
        if (candidate.md === 'heading' || (!candidate.md && !isItemLike(text))) break;
        const normal = normalize(text);
        if (seen.has(normal)) break; // a repeated item is the next heading
        const next = lines[j + 1];
        // A short line followed by prose is a sub-heading of the intro, not its first item.
        const prose = next && !isIntro(next) && (!isItemLike(next.text) || (SENTENCE_FINAL.test(next.text.trim()) && !isShort(next.text)));
        if (items.length === 0 && !candidate.md && isShort(text) && prose) break;
        items.push(text);
        seen.add(normal);
        if (SENTENCE_FINAL.test(text) && !candidate.md) {
          j++;
          break;
        }
      }
      blocks.push({ text: [line.text.trim(), ...items].join('\n'), section: section() });
      lastWasHeading = false;
      i = j - 1;
      continue;
    }
    if (line.md === 'item') {
      // A Markdown list with no intro: the items form one paragraph.
      const items = [line.text.trim()];
      while (lines[i + 1]?.md === 'item') items.push(lines[++i]!.text.trim());
      blocks.push({ text: items.join('\n'), section: section() });
      lastWasHeading = false;
      continue;
    }
    blocks.push({ text: line.text.trim(), section: section() });
    lastWasHeading = false;
  }
  return blocks;
}

/** A document from already-split paragraphs (a QA set's own documents, e.g. ARCD). */
export function documentFromParagraphs(input: {
  document: string;
  collection: string;
  title: string;
  paragraphs: string[];
  lang?: Lang;
}): KnowledgeDocument {
  const lang = input.lang ?? detectLanguage(input.paragraphs.join(' ').slice(0, 4000));
  const hash = createHash('sha256').update(JSON.stringify([input.title, input.paragraphs])).digest('hex');
  const paragraphs: Paragraph[] = input.paragraphs.map((text, i) => ({
    id: `${input.document}#${createHash('sha1').update(normalize(text)).digest('hex').slice(0, 10)}-${i + 1}`,
    document: input.document,
    collection: input.collection,
    title: input.title,
    n: i + 1,
    section: null,
    text,
    lang,
  }));
  return { document: input.document, collection: input.collection, title: input.title, date: null, author: null, source: null, lang, hash, paragraphs };
}
