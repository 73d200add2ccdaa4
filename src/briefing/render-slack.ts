import { citationLabel } from '../core/reply.js';
import { label } from './labels.js';
import type { Briefing, KeyPoint } from './model.js';
import { yesterdayLines } from './render-text.js';

/** Slack's limits: 50 blocks a message, 3000 characters a section, 150 a header. */
export const SLACK_LIMITS = { blocks: 50, section: 3000, header: 150, fallbackText: 3000 } as const;

export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] }
  | { type: 'divider' };

export interface SlackBriefingMessage {
  /** Notification and fallback text. */
  text: string;
  blocks: SlackBlock[];
  /** Message metadata carrying the briefing key, so a restart can find what was posted. */
  metadata?: { event_type: 'sanad_briefing'; event_payload: { key: string } };
}

/** Escapes Slack's control characters and defuses plain-text @here/@channel/@everyone. */
export function escapeSlack(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(here|channel|everyone)\b/gi, '@\u2060$1');
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Splits lines into mrkdwn sections of at most 3000 characters each. */
function sections(lines: string[]): SlackBlock[] {
  const out: SlackBlock[] = [];
  let current = '';
  for (const raw of lines) {
    const line = cut(raw, SLACK_LIMITS.section);
    if (current && current.length + 1 + line.length > SLACK_LIMITS.section) {
      out.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push({ type: 'section', text: { type: 'mrkdwn', text: current } });
  return out;
}

function pointLines(p: KeyPoint, url?: string | null): string[] {
  return [`> ${escapeSlack(p.quote).replace(/\n/g, '\n> ')}`, `_${link(url, citationLabel(p))}_`];
}

/** `<url|label>` for an http(s) address (the address cannot close the link early); else the label. */
function link(url: string | null | undefined, text: string): string {
  if (!url || !/^https?:\/\//i.test(url)) return escapeSlack(text);
  const safe = url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  return `<${safe}|${escapeSlack(text).replace(/\|/g, '¦')}>`;
}

/**
 * Slack Block Kit for a briefing: at most 50 blocks (extra content is cut with a note), no
 * section over 3000 characters, every text escaped, and nothing that pings.
 */
export function renderSlack(briefing: Briefing, options: { key?: string } = {}): SlackBriefingMessage {
  const lang = briefing.language;
  const title = label('title', lang, { date: briefing.date });
  const body: SlackBlock[] = [];
  if (briefing.summary) body.push(...sections([`*${label('summary', lang)}*`, escapeSlack(briefing.summary)]));
  const sources = briefing.sources ?? [];
  if (sources.length > 0) {
    body.push(...sections([`*${label('newSince', lang)}*`]));
    for (const source of sources) {
      const lines = [`*${escapeSlack(source.name)}*`];
      for (const a of source.articles) {
        lines.push(
          `*${link(a.url, a.title)}*${a.date ? ` · ${a.date}` : ''} · ${label(a.status, lang)}`,
          ...a.points.flatMap((p) => pointLines(p, a.url)),
        );
      }
      if (source.more > 0) lines.push(`_${label('moreArticles', lang, { count: source.more })}_`);
      body.push(...sections(lines));
    }
  }
  if (briefing.documents.length > 0) {
    body.push(...sections([`*${label('whatsNew', lang)}*`]));
    for (const doc of briefing.documents) {
      const heading = `*${escapeSlack(doc.title)}*${doc.date ? ` · ${doc.date}` : ''} · ${label(doc.status, lang)}`;
      body.push(...sections([heading, ...doc.points.flatMap((p) => pointLines(p))]));
    }
    if (briefing.moreDocuments > 0)
      body.push({ type: 'context', elements: [{ type: 'mrkdwn', text: label('moreDocuments', lang, { count: briefing.moreDocuments }) }] });
  } else if (sources.length === 0) {
    body.push(...sections([label('noNews', lang)]));
  }
  if (briefing.highlights.length > 0)
    body.push(...sections([`*${label('highlights', lang)}*`, ...briefing.highlights.flatMap((p) => pointLines(p))]));
  body.push({ type: 'divider' });
  const [stats, ...declined] = yesterdayLines(briefing);
  body.push(
    ...sections([
      `*${label('yesterday', lang)}*`,
      escapeSlack(stats!),
      ...declined.map((l) => (l.startsWith('- ') ? `• ${escapeSlack(l.slice(2))}` : escapeSlack(l))),
    ]),
  );

  const footer: SlackBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: label('footer', lang) }] };
  const room = SLACK_LIMITS.blocks - 2; // the header and the footer
  const kept =
    body.length > room
      ? [...body.slice(0, room - 1), { type: 'context' as const, elements: [{ type: 'mrkdwn' as const, text: '…' }] }]
      : body;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(title, SLACK_LIMITS.header), emoji: true } },
    ...kept,
    footer,
  ];

  return {
    text: cut(fallbackText(briefing, title), SLACK_LIMITS.fallbackText),
    blocks,
    ...(options.key ? { metadata: { event_type: 'sanad_briefing' as const, event_payload: { key: options.key } } } : {}),
  };
}

function fallbackText(briefing: Briefing, title: string): string {
  const titles = [
    ...(briefing.sources ?? []).flatMap((s) => s.articles.map((a) => a.title)),
    ...briefing.documents.map((d) => d.title),
  ].join(' · ');
  return escapeSlack(titles ? `${title}: ${titles}` : title);
}
