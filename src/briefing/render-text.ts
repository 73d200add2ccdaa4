import { citationLabel } from '../core/reply.js';
import { label } from './labels.js';
import type { Briefing, KeyPoint } from './model.js';

/** A citation of the text rendering: `[n]` in the text refers to it; enough to label a chip. */
export interface TextCitation {
  n: number;
  title: string;
  paragraph: number;
  section: string | null;
  quote: string;
  /** Opens the whole paragraph through the web chat's `GET /api/paragraph/:id`; absent = the quote only. */
  paragraphId?: string;
  document?: string;
}

/**
 * The briefing as text (the web chat's `BriefingView`): plain, markdown-ish lines with `- ` items
 * and `[n]` citation markers, which the page renders as text, never as HTML.
 */
export interface BriefingTextView {
  title: string;
  /** The day it covers, YYYY-MM-DD. */
  date: string;
  text: string;
  citations: TextCitation[];
  /** Channel or collection it was made for, shown small. */
  channel?: string;
}

/**
 * Plain, markdown-ish text: `#` headings, `- ` items, each key point followed by its source.
 * `numbered` puts `[n]` markers in the text and returns the citations separately (web chat);
 * `inline` writes the source after each quote (CLI, logs).
 */
export function renderText(
  briefing: Briefing,
  style: 'inline' | 'numbered' = 'inline',
): { title: string; text: string; citations: TextCitation[] } {
  const lang = briefing.language;
  const lines: string[] = [];
  const citations: TextCitation[] = [];
  const point = (p: KeyPoint) => {
    if (style === 'inline') return `- «${p.quote}» (${citationLabel(p)})`;
    const n = citations.length + 1;
    citations.push({
      n,
      title: p.title,
      paragraph: p.paragraph,
      section: p.section,
      quote: p.quote,
      paragraphId: p.paragraphId,
      document: p.document,
    });
    return `- ${p.quote} [${n}]`;
  };

  if (briefing.summary) lines.push(`## ${label('summary', lang)}`, briefing.summary, '');
  const sources = briefing.sources ?? [];
  if (sources.length > 0) {
    lines.push(`## ${label('newSince', lang)}`);
    for (const source of sources) {
      lines.push('', `### ${source.name}`);
      for (const article of source.articles) {
        lines.push('', `#### ${article.title}${article.date ? ` (${article.date})` : ''} · ${label(article.status, lang)}`);
        if (article.url) lines.push(article.url);
        for (const p of article.points) lines.push(point(p));
      }
      if (source.more > 0) lines.push('', label('moreArticles', lang, { count: source.more }));
    }
    if (briefing.documents.length > 0) lines.push('');
  }
  if (briefing.documents.length > 0) {
    lines.push(`## ${label('whatsNew', lang)}`);
    for (const doc of briefing.documents) {
      lines.push('', `### ${doc.title}${doc.date ? ` (${doc.date})` : ''} · ${label(doc.status, lang)}`);
      for (const p of doc.points) lines.push(point(p));
    }
    if (briefing.moreDocuments > 0) lines.push('', label('moreDocuments', lang, { count: briefing.moreDocuments }));
  } else if (sources.length === 0) {
    lines.push(label('noNews', lang));
  }
  if (briefing.highlights.length > 0) {
    lines.push('', `## ${label('highlights', lang)}`);
    for (const p of briefing.highlights) lines.push(point(p));
  }
  lines.push('', `## ${label('yesterday', lang)}`, ...yesterdayLines(briefing));
  return { title: label('title', lang, { date: briefing.date }), text: lines.join('\n').trim(), citations };
}

/** The stats line and the declined questions, shared by every rendering. */
export function yesterdayLines(briefing: Briefing): string[] {
  const y = briefing.yesterday;
  const lang = briefing.language;
  if (y.asked === 0 && y.up + y.down === 0) return [label('noQuestions', lang)];
  const out = [label('stats', lang, { asked: y.asked, answered: y.answered, declined: y.declined, up: y.up, down: y.down })];
  if (y.declinedQuestions.length > 0) out.push(label('declinedList', lang), ...y.declinedQuestions.map((q) => `- ${q}`));
  return out;
}

/** Markdown for `sanad briefing`: the title as a heading, then the inline rendering. */
export function renderMarkdown(briefing: Briefing): string {
  const { title, text } = renderText(briefing, 'inline');
  return `# ${title}\n\n${text}\n`;
}

/** The web chat's view of a briefing. */
export function toBriefingView(briefing: Briefing, channel?: string): BriefingTextView {
  const { title, text, citations } = renderText(briefing, 'numbered');
  return { title, date: briefing.date, text, citations, ...(channel ? { channel } : {}) };
}
