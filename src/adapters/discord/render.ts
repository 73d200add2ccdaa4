/**
 * Renders the core's platform-neutral `Reply` as Discord messages: embeds, buttons and
 * allowed-mentions. Pure: no client, no network. Long replies are split over embeds and then
 * over messages within every Discord limit; nothing is cut.
 */
import { ButtonStyle, ComponentType } from 'discord.js';
import type { APIActionRowComponent, APIButtonComponentWithCustomId, APIEmbed, APIEmbedField } from 'discord.js';
import { type Lang, message, type Reply, type ReplyCitation } from '../../core/index.js';
import { DISCORD_LIMITS as L, embedSize } from '../../platforms/index.js';
import { escapeDiscordMarkdown, shorten, splitText } from './text.js';

/** Nothing the bot sends may ping anyone: no @everyone/@here, role, user, nor the replied-to author. */
export const NO_MENTIONS = Object.freeze({ parse: [] as never[], repliedUser: false });

export type ButtonRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

/** One Discord message, in the shape discord.js `send`/`reply`/`edit` accept. */
export interface DiscordPayload {
  content: string;
  embeds: APIEmbed[];
  components: ButtonRow[];
  allowedMentions: typeof NO_MENTIONS;
}

export const COLORS = { answer: 0x2f9e44, decline: 0xf08c00, error: 0xe03131, notice: 0x1971c2 } as const;

/** Custom-id prefixes of the buttons; the interaction handler routes on these. */
export const CUSTOM_ID = {
  paragraph: 'sanad:para:',
  citation: 'sanad:cite:',
  vote: 'sanad:vote:',
} as const;

export interface RenderOptions {
  /**
   * Key of this answer for the buttons (votes, and paragraphs whose id is too long for a
   * custom id). No buttons when absent.
   */
  answerKey?: string;
}

// Room kept in every embed for the footer (mode and part counter), so packing never overflows.
const FOOTER_RESERVE = 64;
const EMBED_BUDGET = L.embedTotal - FOOTER_RESERVE;

/** The messages that carry `reply`, in order. Buttons go on the last one. */
export function renderReply(reply: Reply, options: RenderOptions = {}): DiscordPayload[] {
  const color = COLORS[reply.kind];
  const embeds = packEmbeds(descriptionChunks(reply), citationFields(reply), color);
  const messages = packMessages(embeds);
  const footer = reply.mode === 'none' ? null : reply.mode;
  messages.forEach((embedsOfMessage, i) => {
    const last = embedsOfMessage[embedsOfMessage.length - 1]!;
    const counter = messages.length > 1 ? `${i + 1}/${messages.length}` : null;
    const text = [footer, counter].filter(Boolean).join(' · ');
    if (text) last.footer = { text };
  });
  const payloads = messages.map((embedsOfMessage) => payload(embedsOfMessage));
  if (options.answerKey && reply.kind !== 'error' && reply.kind !== 'notice') {
    payloads[payloads.length - 1]!.components = buttons(reply, options.answerKey);
  }
  return payloads;
}

/** A short text reply (rate limit, "paragraph gone") as one embed, split if ever needed. */
export function renderNotice(text: string, kind: Reply['kind'] = 'notice'): DiscordPayload[] {
  const embeds = packEmbeds(splitText(text, L.description), [], COLORS[kind]);
  return packMessages(embeds).map((e) => payload(e));
}

/** The whole cited paragraph, for "Show paragraph": title is its label, the text unescaped-safe. */
export function renderParagraph(label: string, text: string): DiscordPayload[] {
  const chunks = splitText(escapeDiscordMarkdown(text), L.description);
  const embeds = packEmbeds(chunks, [], COLORS.notice);
  embeds[0]!.title = shorten(label, L.title);
  return packMessages(embeds).map((e) => payload(e));
}

/** The interim message while an answer streams in: plain content, replaced by the final embeds. */
export function renderPartial(text: string): DiscordPayload {
  const escaped = escapeDiscordMarkdown(text.trim());
  const content = escaped.length + 2 > L.content ? shorten(escaped, L.content - 2) : escaped;
  return { content: `${content} ▍`, embeds: [], components: [], allowedMentions: NO_MENTIONS };
}

function payload(embeds: APIEmbed[]): DiscordPayload {
  return { content: '', embeds, components: [], allowedMentions: NO_MENTIONS };
}

function descriptionChunks(reply: Reply): string[] {
  const parts = [escapeDiscordMarkdown(reply.text)];
  if (reply.notice) parts.push(`*${escapeDiscordMarkdown(reply.notice)}*`);
  // A decline's sources are only the closest paragraphs: say so before listing them.
  if (reply.kind === 'decline' && reply.citations.length > 0) parts.push(`**${escapeDiscordMarkdown(reply.sourcesLabel)}**`);
  const chunks: string[] = [];
  for (const part of parts) chunks.push(...splitText(part, L.description));
  return mergeChunks(chunks, L.description);
}

/** Joins consecutive small chunks back together with a blank line, up to `max`. */
function mergeChunks(chunks: string[], max: number): string[] {
  const out: string[] = [];
  for (const chunk of chunks) {
    const last = out[out.length - 1];
    if (last !== undefined && last.length + 2 + chunk.length <= max) out[out.length - 1] = `${last}\n\n${chunk}`;
    else out.push(chunk);
  }
  return out;
}

/** One field per citation, `[n] title · ¶N · section` with the quote; long quotes continue in more fields. */
export function citationFields(reply: Reply): APIEmbedField[] {
  const fields: APIEmbedField[] = [];
  for (const citation of reply.citations) fields.push(...fieldsFor(citation));
  return fields;
}

function fieldsFor(citation: ReplyCitation): APIEmbedField[] {
  const fullName = escapeDiscordMarkdown(`[${citation.n}] ${citation.label}`);
  let name = fullName;
  let lead = '';
  if (fullName.length > L.fieldName) {
    // The label does not fit the field name: shorten it there, and give it in full in the value.
    name = shorten(fullName, L.fieldName);
    lead = `${fullName}\n`;
  }
  const quote = escapeDiscordMarkdown(citation.quote.trim()) || '…';
  // A web document's page as a masked link under the quote (outside the block quote).
  const link = webLink(citation.url);
  const chunks = splitText(lead + quote, L.fieldValue - 2 - link.length);
  return chunks
    .map((chunk, i) => ({
      name: i === 0 ? name : shorten(`${name} (${i + 1})`, L.fieldName),
      value: `> ${chunk.replace(/\n/g, '\n> ')}${i === 0 ? link : ''}`,
    }))
    .flatMap((field) => (field.value.length <= L.fieldValue ? [field] : splitField(field)));
}

/** `\n[🔗 host](<url>)` for an http(s) address; the angle brackets keep Discord from previewing it. */
function webLink(url: string | undefined): string {
  if (!url || !/^https?:\/\//i.test(url)) return '';
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return '';
  }
  const safe = url.replace(/[()<>\s]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `\n[🔗 ${escapeDiscordMarkdown(host)}](<${safe}>)`;
}

// A quote with many line breaks grows by "> " per line; re-split the rare field that then overflows.
function splitField(field: APIEmbedField): APIEmbedField[] {
  return splitText(field.value, L.fieldValue).map((value, i) => ({
    name: i === 0 ? field.name : shorten(`${field.name} …`, L.fieldName),
    value,
  }));
}

function packEmbeds(descriptions: string[], fields: APIEmbedField[], color: number): APIEmbed[] {
  const embeds: APIEmbed[] = descriptions.map((description) => ({ color, description }));
  let current: APIEmbed | undefined = embeds[embeds.length - 1];
  for (const field of fields) {
    const fieldSize = field.name.length + field.value.length;
    const full = !current || (current.fields?.length ?? 0) >= L.fields || embedSize(current) + fieldSize > EMBED_BUDGET;
    if (full) {
      current = { color, fields: [] };
      embeds.push(current);
    }
    (current!.fields ??= []).push(field);
  }
  if (embeds.length === 0) embeds.push({ color, description: '…' });
  return embeds;
}

function packMessages(embeds: APIEmbed[]): APIEmbed[][] {
  const messages: APIEmbed[][] = [];
  let current: APIEmbed[] = [];
  let size = 0;
  for (const embed of embeds) {
    const next = embedSize(embed);
    if (current.length > 0 && (current.length >= L.embedsPerMessage || size + next > EMBED_BUDGET)) {
      messages.push(current);
      current = [];
      size = 0;
    }
    current.push(embed);
    size += next;
  }
  if (current.length > 0) messages.push(current);
  return messages;
}

function buttons(reply: Reply, answerKey: string): ButtonRow[] {
  const rows: ButtonRow[] = [];
  const paragraphButtons = reply.citations.slice(0, L.buttonsPerRow).map((citation) => ({
    type: ComponentType.Button as const,
    style: ButtonStyle.Secondary as const,
    label: shorten(`${message('showParagraph', reply.language)} [${citation.n}]`, L.buttonLabel),
    custom_id: paragraphCustomId(citation, answerKey),
  }));
  if (paragraphButtons.length > 0) rows.push({ type: ComponentType.ActionRow, components: paragraphButtons });
  rows.push({
    type: ComponentType.ActionRow,
    components: (['up', 'down'] as const).map((vote) => ({
      type: ComponentType.Button as const,
      style: ButtonStyle.Secondary as const,
      emoji: { name: vote === 'up' ? '👍' : '👎' },
      custom_id: `${CUSTOM_ID.vote}${vote}:${answerKey}`,
    })),
  });
  return rows;
}

/** The paragraph id itself when it fits a custom id (survives restarts), else the answer key and n. */
export function paragraphCustomId(citation: Pick<ReplyCitation, 'paragraphId' | 'n'>, answerKey: string): string {
  const direct = `${CUSTOM_ID.paragraph}${citation.paragraphId}`;
  return direct.length <= L.customId ? direct : `${CUSTOM_ID.citation}${answerKey}:${citation.n}`;
}

/** Discord locale ("en-US", "fr", "ar") to the languages the bot speaks. */
export function langFromLocale(locale: string | null | undefined): Lang {
  const base = (locale ?? '').slice(0, 2).toLowerCase();
  return base === 'en' || base === 'fr' || base === 'ar' ? base : 'en';
}
