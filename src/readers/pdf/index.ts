import { getDocumentProxy } from 'unpdf';
import type { Block, DocumentReader, DocumentStructure, ReadInfo } from '../../core/knowledge/reader.js';
import { ReadError } from '../../core/knowledge/reader.js';
import { repairArabicBlocks } from './arabic.js';
import { joinLines, layoutBlocks, pageStyle } from './layout.js';
import { toLines, type Line, type Run } from './lines.js';
import { taggedBlocks, type StructNode } from './tagged.js';

/** Below this share of the page's text, a structure tree is too thin to trust: the layout is read. */
const TAGGED_MIN_SHARE = 0.6;
const SENTENCE_END = /[.!?؟…:]["»”'’)]*$/;
/** A page number line: "3", "- 3 -", "Page 3 of 10", "صفحة 3 من 10". */
const PAGE_NUMBER =
  /^(?:page|p\.|صفحة|الصفحة)?\s*[-–]?\s*[0-9\u0660-\u0669]{1,4}\s*[-–]?\s*(?:(?:of|sur|من|\/)\s*[0-9\u0660-\u0669]{1,4})?$/i;
/** A line repeated on at least this share of pages (3 at least) is a running header or footer. */
const RUNNING_SHARE = 0.5;

interface TextItem {
  str?: string;
  transform?: number[];
  width?: number;
  fontName?: string;
  type?: string;
  id?: string;
}

/**
 * PDFs through pdf.js (unpdf's build, which runs on Node 20): text per page with its page
 * number; structure from the structure tree when the PDF is tagged, else from the layout;
 * paragraphs joined across line and page breaks; Arabic extraction damage repaired.
 */
export const pdfReader: DocumentReader = {
  name: 'pdf',
  extensions: ['.pdf'],
  mediaTypes: ['application/pdf'],
  read: (bytes, info) => readPdf(bytes, info),
};

/** `repair: false` reads without the Arabic repair, to measure what it does (scripts/pdf-arabic.ts). */
export async function readPdf(bytes: Uint8Array, info: ReadInfo, options: { repair?: boolean } = {}): Promise<DocumentStructure> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // pdf.js takes ownership of the buffer it is given: it gets a copy.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { isEvalSupported: false, useSystemFonts: false, verbosity: 0 });
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'PasswordException') throw new ReadError('is protected by a password (save an unprotected copy to use it)');
    throw new ReadError(`is not a valid PDF (${(error as Error).message})`);
  }
  try {
    if (info.maxPages !== undefined && pdf.numPages > info.maxPages) {
      throw new ReadError(`has ${pdf.numPages} pages, over the limit of ${info.maxPages} pages per document (SANAD_MAX_PAGES)`);
    }
    const meta = await pdf.getMetadata().catch(() => null);
    const tagged =
      !!(meta?.info as { hasStructTree?: boolean } | undefined)?.hasStructTree ||
      !!(meta as { hasStructTree?: boolean } | null)?.hasStructTree;
    const pages: { runs: Run[]; tree: StructNode | null }[] = [];
    for (let n = 1; n <= pdf.numPages; n++) {
      const page = await pdf.getPage(n);
      const content = await page.getTextContent({ includeMarkedContent: true });
      const tree = tagged ? ((await page.getStructTree().catch(() => null)) as StructNode | null) : null;
      pages.push({ runs: runsOf(content.items as TextItem[]), tree });
      page.cleanup();
    }
    const lines = withoutRunningLines(pages.map((p) => toLines(p.runs)));
    const style = pageStyle(lines.flat());
    const perPage = pages.map((p, i) => {
      const layout = layoutBlocks(lines[i]!, style, i + 1);
      if (!p.tree) return layout;
      const fromTree = taggedBlocks(p.tree, p.runs, i + 1);
      return textLength(fromTree) >= TAGGED_MIN_SHARE * textLength(layout) ? fromTree : layout;
    });
    const joined = joinAcrossPages(perPage);
    const blocks = options.repair === false ? joined : repairArabicBlocks(joined);
    const docInfo = (meta?.info ?? {}) as { Title?: string; Author?: string; CreationDate?: string };
    return {
      title: usableTitle(docInfo.Title, info.name),
      author: docInfo.Author?.trim() || null,
      date: pdfDate(docInfo.CreationDate),
      pages: pdf.numPages,
      blocks,
    };
  } finally {
    await pdf.destroy();
  }
}

/** Text runs in stream order, each with the marked-content id it sits in (artifacts have none). */
function runsOf(items: TextItem[]): Run[] {
  const runs: Run[] = [];
  const stack: (string | null)[] = [];
  for (const item of items) {
    if (item.type === 'beginMarkedContentProps' || item.type === 'beginMarkedContent') stack.push(item.id ?? null);
    else if (item.type === 'endMarkedContent') stack.pop();
    else if (item.str !== undefined && item.transform) {
      const [a, b, c, d, x, y] = item.transform as [number, number, number, number, number, number];
      runs.push({
        text: item.str,
        x,
        y,
        width: item.width ?? 0,
        size: Math.hypot(c, d) || Math.hypot(a, b),
        font: item.fontName ?? '',
        mcid: [...stack].reverse().find((id) => id !== null) ?? null,
      });
    }
  }
  return runs;
}

/** Running headers, footers and page numbers are dropped: they are on every page, not in the text. */
function withoutRunningLines(pages: Line[][]): Line[][] {
  const key = (line: Line) =>
    line.text
      .replace(/[0-9\u0660-\u0669]+/g, '#')
      .replace(/\s+/g, ' ')
      .trim();
  const seen = new Map<string, number>();
  for (const lines of pages) for (const k of new Set(lines.map(key))) seen.set(k, (seen.get(k) ?? 0) + 1);
  const running = (line: Line) => pages.length >= 3 && (seen.get(key(line)) ?? 0) >= Math.max(3, pages.length * RUNNING_SHARE);
  return pages.map((lines) =>
    lines.filter((line, i) => !running(line) && !((i === 0 || i === lines.length - 1) && PAGE_NUMBER.test(line.text.trim()))),
  );
}

/** A paragraph cut by a page break (no sentence end before it) goes on with the next page's first paragraph. */
function joinAcrossPages(pages: Block[][]): Block[] {
  const out: Block[] = [];
  for (const blocks of pages) {
    const [first, ...rest] = blocks;
    const last = out[out.length - 1];
    if (first && last?.kind === 'paragraph' && first.kind === 'paragraph' && !SENTENCE_END.test(last.text)) {
      last.text = joinLines([last.text, first.text]);
      out.push(...rest);
    } else out.push(...blocks);
  }
  return out;
}

function textLength(blocks: Block[]): number {
  return blocks.reduce(
    (n, b) => n + (b.kind === 'list' ? b.items.join('').length : b.kind === 'table' ? b.rows.flat().join('').length : b.text.length),
    0,
  );
}

/** The PDF's own title, unless it is a leftover file name ("Microsoft Word - x.docx", "untitled"). */
function usableTitle(title: string | undefined, name: string): string | null {
  const t = title?.trim();
  if (
    !t ||
    /^(untitled|sans titre|بدون عنوان)$/i.test(t) ||
    /\.(docx?|odt|pdf|txt|html?)$/i.test(t) ||
    /^microsoft (word|powerpoint)/i.test(t)
  )
    return null;
  return t === name ? null : t;
}

/** "D:20240301120000Z" → "2024-03-01". */
function pdfDate(value: string | undefined): string | null {
  const m = /^D?:?(\d{4})(\d{2})(\d{2})/.exec(value ?? '');
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}
