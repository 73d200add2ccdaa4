import { citationLabel } from '../core/reply.js';
import { DISCORD_LIMITS, embedSize } from '../platforms/index.js';
import { label } from './labels.js';
import type { Briefing, BriefingArticle, KeyPoint } from './model.js';
import { yesterdayLines } from './render-text.js';

export interface DiscordEmbed {
  title?: string;
  /** Makes the title a link. */
  url?: string;
  description?: string;
  color?: number;
  fields?: { name: string; value: string; inline?: boolean }[];
  footer?: { text: string };
}

export interface DiscordBriefingMessage {
  embeds: DiscordEmbed[];
  /** Never ping anyone, whatever a quote or a question contains. */
  allowed_mentions: { parse: [] };
}

const COLOR = 0x2f6f4f;

/** Escapes Discord markdown so quotes show as written. */
export function escapeDiscord(text: string): string {
  return text
    .replace(/([\\*_~`|[\]])/g, '\\$1')
    .replace(/^(\s*)([>#-])/gm, '$1\\$2')
    .replace(/@(everyone|here)/g, '@\u200b$1');
}

/** For plain-text places (embed titles): no markdown there, but still no mass-mention text. */
function defuse(text: string): string {
  return text.replace(/@(everyone|here)/g, '@\u200b$1');
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function pointText(p: KeyPoint, url?: string | null): string {
  return `> ${escapeDiscord(p.quote).replace(/\n/g, '\n> ')}\n— *${escapeDiscord(citationLabel(p))}*${webLink(url)}`;
}

/** ` [🔗](<url>)` for an http(s) address: angle brackets keep Discord from previewing it. */
function webLink(url: string | null | undefined): string {
  if (!url || !/^https?:\/\//i.test(url)) return '';
  return ` [🔗](<${url.replace(/[()<>\s]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}>)`;
}

function articleText(a: BriefingArticle, lang: Briefing['language']): string {
  const head = `**${escapeDiscord(a.title)}**${a.date ? ` · ${a.date}` : ''} · ${label(a.status, lang)}`;
  return [head, ...a.points.map((p) => pointText(p, a.url))].join('\n');
}

/** Joins as many blocks as fit in `max` characters; returns the text and how many were left out. */
function fit(blocks: string[], max: number): { text: string; left: number } {
  let text = '';
  let i = 0;
  for (; i < blocks.length; i++) {
    const next = text ? `${text}\n\n${blocks[i]}` : blocks[i]!;
    if (next.length > max) break;
    text = next;
  }
  if (i === 0 && blocks.length > 0) return { text: cut(blocks[0]!, max), left: blocks.length - 1 };
  return { text, left: blocks.length - i };
}

/**
 * Discord embeds for a briefing, inside every limit: title 256, description 4096, field value
 * 1024, 25 fields, 10 embeds, 6000 characters in all. The header and "yesterday" always fit;
 * documents take what is left, in order, and the rest is counted. Mentions never ping.
 */
export function renderDiscord(briefing: Briefing, options: { key?: string } = {}): DiscordBriefingMessage {
  const lang = briefing.language;
  const footer = { text: cut(options.key ? `${label('footer', lang)} · ${options.key}` : label('footer', lang), DISCORD_LIMITS.footer) };

  const [stats, ...declined] = yesterdayLines(briefing);
  const fields = [{ name: label('yesterday', lang), value: cut(escapeDiscord(stats!), DISCORD_LIMITS.fieldValue) }];
  if (declined.length > 0) {
    const list = declined.slice(1).map((l) => `• ${escapeDiscord(l.slice(2))}`);
    fields.push({
      name: cut(declined[0]!, DISCORD_LIMITS.fieldName),
      value: fit(list, DISCORD_LIMITS.fieldValue).text.replace(/\n\n/g, '\n') || '—',
    });
  }
  const headerText = [
    briefing.summary ? escapeDiscord(briefing.summary) : null,
    briefing.documents.length === 0 && !briefing.sources?.length ? label('noNews', lang) : null,
  ]
    .filter((t): t is string => t !== null)
    .join('\n\n');
  const header: DiscordEmbed = {
    title: cut(label('title', lang, { date: briefing.date }), DISCORD_LIMITS.title),
    color: COLOR,
    ...(headerText ? { description: cut(headerText, DISCORD_LIMITS.description) } : {}),
    fields,
    footer,
  };

  // Followed sources first, one embed each (its title links to the source), then knowledge files.
  const sections: { title: string; url?: string; blocks: string[] }[] = (briefing.sources ?? []).map((s) => ({
    title: `${label('newSince', lang)} · ${defuse(s.name)}`,
    ...(/^https?:\/\//i.test(s.url) ? { url: s.url } : {}),
    blocks: [
      ...s.articles.map((a) => articleText(a, lang)),
      ...(s.more > 0 ? [`*${label('moreArticles', lang, { count: s.more })}*`] : []),
    ],
  }));
  sections.push(
    ...briefing.documents.map((doc) => ({
      title: `${defuse(doc.title)}${doc.date ? ` · ${doc.date}` : ''} · ${label(doc.status, lang)}`,
      blocks: doc.points.map((p) => pointText(p)),
    })),
  );
  if (briefing.highlights.length > 0)
    sections.push({ title: label('highlights', lang), blocks: briefing.highlights.map((p) => pointText(p)) });

  const more = briefing.moreDocuments;
  const reserve = 80; // room for the "more documents" line
  let budget = DISCORD_LIMITS.embedTotal - embedSize(header) - reserve;
  const embeds: DiscordEmbed[] = [];
  let dropped = 0;
  for (const section of sections) {
    const title = cut(section.title, DISCORD_LIMITS.title);
    const room = Math.min(DISCORD_LIMITS.description, budget - title.length);
    if (embeds.length >= DISCORD_LIMITS.embedsPerMessage - 1 || room < 200) {
      dropped++;
      continue;
    }
    const { text } = fit(section.blocks, room);
    const embed: DiscordEmbed = { title, ...(section.url ? { url: section.url } : {}), description: text, color: COLOR };
    budget -= embedSize(embed);
    embeds.push(embed);
  }
  const totalMore = more + dropped;
  if (totalMore > 0)
    header.description = cut(
      [header.description, label('moreDocuments', lang, { count: totalMore })].filter(Boolean).join('\n\n'),
      DISCORD_LIMITS.description,
    );
  return { embeds: [header, ...embeds], allowed_mentions: { parse: [] } };
}
