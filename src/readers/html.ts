import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { Block, DocumentReader, DocumentStructure, ReadInfo } from '../core/knowledge/reader.js';
import { normalize, type Lang } from '../core/text/index.js';
import { domToBlocks, type DomNode } from './dom-blocks.js';
import { cleanByline, pageMeta } from './html-meta.js';

/**
 * Page furniture by class, id or role: share bars, "read also" boxes, cookie banners, ads,
 * newsletter forms, comments. Removed before the article is extracted, so a box inside the
 * article body does not end up cited.
 */
const FURNITURE =
  /(^|[\s_-])(ads?|advert\w*|sponsor\w*|promo\w*|share\w*|social\w*|sharing|related|read-?(also|more|next)|more-?stories|most-?read|newsletter\w*|subscri\w*|signup|cookie\w*|consent\w*|gdpr|breadcrumbs?|tags?|comments?|sidebar|outbrain|taboola|paywall|popup|modal)([\s_-]|$)/i;
const FURNITURE_ROLES = /^(navigation|banner|contentinfo|dialog|alertdialog|complementary|search)$/;
/** A short block that only labels furniture: "اقرأ أيضا", "Read more:", "Advertisement". */
const FURNITURE_TEXT =
  /^(اقرأ أيضا|اقرأ أيضًا|اقرأ ايضا|اقرأ المزيد|إعلان|اعلان|شارك|read (also|more)|see also|related|advertisement|sponsored|lire aussi|à lire aussi|publicité|partager)\b/i;
const FURNITURE_TEXT_MAX_CHARS = 80;
/** An element holding more than this share of the page's text is not furniture, whatever its class. */
const ARTICLE_SHARE = 0.4;
/** Below this many characters of article text, the extraction missed: the whole body is read. */
const MIN_ARTICLE_CHARS = 200;

export const htmlReader: DocumentReader = {
  name: 'html',
  extensions: ['.html', '.htm', '.xhtml'],
  mediaTypes: ['text/html', 'application/xhtml+xml'],
  read: async (bytes, info) => readHtmlPage(bytes, info),
};

/**
 * A web page (saved or fetched) as a document: the article body without its navigation,
 * share bars, "read also" boxes, cookie banners, ads, newsletter forms and footers; headings,
 * lists, quotes and tables kept; the title without the site's name; byline and date from the
 * page's metadata (JSON-LD, meta tags) or its text. `info.url` is the address it came from.
 */
export function readHtmlPage(bytes: Uint8Array, info: Pick<ReadInfo, 'name' | 'url' | 'contentType'>): DocumentStructure {
  const html = decodeHtml(bytes, info.contentType);
  const { document } = parseHTML(html);
  const meta = pageMeta(document as never, info.url);
  removeFurniture(document.documentElement as unknown as Removable);
  let article: {
    title?: string | null;
    byline?: string | null;
    publishedTime?: string | null;
    content?: DomNode | null;
    textContent?: string | null;
    lang?: string | null;
  } | null = null;
  try {
    article = new Readability(document as unknown as Document, { serializer: (node) => node as unknown as DomNode }).parse();
  } catch {
    article = null; // a page Readability cannot take is read whole below
  }
  const body =
    article?.content && (article.textContent ?? '').trim().length >= MIN_ARTICLE_CHARS
      ? article.content
      : (parseHTML(html).document.body as unknown as DomNode);
  const title = meta.title ?? article?.title ?? null;
  const author = meta.author ?? cleanByline(article?.byline);
  const blocks = domToBlocks(body).filter((block) => !isFurniture(block, title, author));
  const lang = (meta.lang ?? article?.lang ?? null) as Lang | null;
  return {
    title,
    author,
    date: meta.date,
    url: meta.url,
    lang: lang === 'ar' || lang === 'en' || lang === 'fr' ? lang : null,
    blocks,
  };
}

interface Removable extends DomNode {
  getAttribute(name: string): string | null;
  remove(): void;
  querySelectorAll(selector: string): ArrayLike<Removable>;
}

function removeFurniture(root: Removable): void {
  const pageText = (root.textContent ?? '').length;
  for (const el of Array.from(root.querySelectorAll('[class], [id], [role], aside, footer, nav'))) {
    const name = el.nodeName.toLowerCase();
    const marks = `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`;
    const role = el.getAttribute('role') ?? '';
    if (name === 'article' || name === 'main' || name === 'body' || name === 'html') continue;
    if (!(name === 'aside' || name === 'footer' || name === 'nav' || FURNITURE.test(marks) || FURNITURE_ROLES.test(role))) continue;
    // A container named like furniture ("post has-share-buttons") that holds most of the page is
    // the article itself: it stays.
    if ((el.textContent ?? '').length > pageText * ARTICLE_SHARE) continue;
    el.remove();
  }
}

/** The title repeated as a heading, the byline line, and a lone furniture label are not text to cite. */
function isFurniture(block: Block, title: string | null, author: string | null): boolean {
  if (block.kind === 'list' || block.kind === 'table') return false;
  const text = block.text.trim();
  if (title && block.kind === 'heading' && normalize(text) === normalize(title)) return true;
  if (text.length <= FURNITURE_TEXT_MAX_CHARS && FURNITURE_TEXT.test(text)) return true;
  if (author && text.length <= FURNITURE_TEXT_MAX_CHARS * 2 && cleanByline(text) === author) return true;
  return false;
}

/** The page's bytes as text: the server's charset, else the BOM or `<meta charset>`, else UTF-8. */
export function decodeHtml(bytes: Uint8Array, contentType?: string): string {
  const declared = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1] ?? sniffCharset(bytes);
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes); // an unknown label: read as UTF-8
  }
}

function sniffCharset(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048));
  return /<meta[^>]+charset=["']?([\w-]+)/i.exec(head)?.[1] ?? null;
}
