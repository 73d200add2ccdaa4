import { parseDate } from '../core/knowledge/dates.js';
import { webAddress } from '../core/knowledge/parse.js';
import { normalize } from '../core/text/index.js';

/**
 * A web page's metadata, read before the article is extracted (extraction rewrites the page):
 * JSON-LD first (what news sites fill for search engines), then meta tags, then the page's text.
 */
export interface PageMeta {
  title: string | null;
  siteName: string | null;
  author: string | null;
  date: string | null;
  url: string | null;
  lang: string | null;
}

interface Doc {
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El>;
  documentElement: El | null;
}
interface El {
  getAttribute(name: string): string | null;
  textContent: string | null;
}

/** Words before a byline's name: "By", "Par", "بقلم", "كتب". */
const BYLINE_LEAD = /^\s*(by|par|de|بقلم|كتب|كتبت|إعداد|اعداد)[\s:]+/i;
/** A byline goes on with the date or the place after one of these. */
const BYLINE_END = /\s*(?:[·|•,،–—-]\s|\s(?:published|updated|publié|نشر|في)\s).*$/i;
const ARTICLE_TYPES =
  /^(NewsArticle|Article|BlogPosting|ReportageNewsArticle|AnalysisNewsArticle|OpinionNewsArticle|Report|WebPage|TechArticle)$/;
const TITLE_SEPARATORS = /\s+[|–—\-:·»«]\s+|\s+::\s+/;

export function pageMeta(doc: Doc, pageUrl?: string): PageMeta {
  const ld = jsonLdArticle(doc);
  const meta = (selector: string) => doc.querySelector(selector)?.getAttribute('content')?.trim() || null;
  const siteName = meta('meta[property="og:site_name"]') ?? meta('meta[name="application-name"]') ?? nameOf(ld?.publisher);
  const rawTitle =
    text(ld?.headline) ??
    meta('meta[property="og:title"]') ??
    meta('meta[name="twitter:title"]') ??
    (doc.querySelector('title')?.textContent?.trim() || null);
  const h1 = doc.querySelector('h1')?.textContent?.trim() ?? null;
  const author =
    nameOf(ld?.author) ?? authorName(meta('meta[name="author"]')) ?? authorName(meta('meta[property="article:author"]')) ?? textByline(doc);
  const dateText =
    text(ld?.datePublished) ??
    text(ld?.dateCreated) ??
    meta('meta[property="article:published_time"]') ??
    meta('meta[name="date"]') ??
    meta('meta[name="dc.date"]') ??
    meta('meta[name="DC.date.issued"]') ??
    meta('meta[name="pubdate"]') ??
    doc.querySelector('time[datetime]')?.getAttribute('datetime') ??
    null;
  const canonical = doc.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? meta('meta[property="og:url"]');
  return {
    title: rawTitle ? withoutSiteName(rawTitle, siteName, h1) : h1,
    siteName,
    author,
    date: dateText ? dateOf(dateText) : null,
    url: pageUrl ?? webAddress(canonical ?? null),
    lang: doc.documentElement?.getAttribute('lang')?.slice(0, 2).toLowerCase() || text(ld?.inLanguage)?.slice(0, 2) || null,
  };
}

/**
 * "Council approves cycle lanes - The Riverside Courier" → "Council approves cycle lanes": the
 * part that names the site goes; with no site name known, the part that is the page's h1 stays.
 */
export function withoutSiteName(title: string, siteName: string | null, h1: string | null): string {
  const parts = title
    .split(TITLE_SEPARATORS)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length < 2) return title.trim();
  const site = siteName ? normalize(siteName) : null;
  const kept = parts.filter((p) => !site || normalize(p) !== site);
  if (kept.length === 1) return kept[0]!;
  if (h1 && parts.some((p) => normalize(p) === normalize(h1))) return h1.trim();
  // No site name known: a short last part ("BBC News") is the site; keep the rest as written.
  const last = parts[parts.length - 1]!;
  return last.split(/\s+/).length <= 4 && site === null
    ? title.slice(0, title.lastIndexOf(last)).replace(TITLE_SEPARATORS, '').trim() || title
    : title.trim();
}

/** "By Tom Becker · Published 8 March 2024" → "Tom Becker". */
export function cleanByline(byline: string | null | undefined): string | null {
  if (!byline) return null;
  const name = byline.replace(BYLINE_LEAD, '').replace(BYLINE_END, '').trim();
  return name && name.split(/\s+/).length <= 6 && !/^https?:/.test(name) ? name : null;
}

function textByline(doc: Doc): string | null {
  for (const el of Array.from(doc.querySelectorAll('[rel="author"], .author, .byline, [itemprop="author"]'))) {
    const name = cleanByline(el.textContent);
    if (name) return name;
  }
  return null;
}

function authorName(value: string | null): string | null {
  return value && !/^https?:/.test(value) ? cleanByline(value) : null;
}

type Json = Record<string, unknown>;

function jsonLdArticle(doc: Doc): Json | null {
  for (const script of Array.from(doc.querySelectorAll('script[type="application/ld+json"]'))) {
    let data: unknown;
    try {
      data = JSON.parse(script.textContent ?? '');
    } catch {
      continue; // a broken JSON-LD block is common; the meta tags still stand
    }
    const found = flatten(data).find((item) => [item['@type']].flat().some((t) => typeof t === 'string' && ARTICLE_TYPES.test(t)));
    if (found) return found;
  }
  return null;
}

function flatten(data: unknown): Json[] {
  if (Array.isArray(data)) return data.flatMap(flatten);
  if (data && typeof data === 'object') {
    const item = data as Json;
    return [item, ...(Array.isArray(item['@graph']) ? flatten(item['@graph']) : [])];
  }
  return [];
}

/** "2024-05-14T09:30:00+03:00" → "2024-05-14"; other forms through the knowledge date parser. */
function dateOf(value: string): string | null {
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[T\s]|$)/.exec(value.trim());
  return iso ? iso[1]! : parseDate(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}

/** An author or publisher: a name, an object with a name, or a list of them. */
function nameOf(value: unknown): string | null {
  if (Array.isArray(value)) {
    const names = value.map(nameOf).filter((n): n is string => !!n);
    return names.length > 0 ? names.join(', ') : null;
  }
  if (value && typeof value === 'object') return text((value as Json).name);
  return cleanByline(text(value));
}
