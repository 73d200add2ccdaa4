/**
 * Discord's message size limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits).
 * Counted in UTF-16 code units, which is never less than Discord's own count.
 */
export const DISCORD_LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  /** Sum of title, description, field names and values, footer and author name of all embeds. */
  embedTotal: 6000,
  actionRows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  customId: 100,
  threadName: 100,
} as const;

export interface EmbedLike {
  title?: string;
  description?: string;
  fields?: { name: string; value: string }[];
  footer?: { text: string };
  author?: { name: string };
}

/** Characters of an embed that count towards the 6000-per-message total. */
export function embedSize(embed: EmbedLike): number {
  let size = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  size += embed.footer?.text.length ?? 0;
  size += embed.author?.name.length ?? 0;
  for (const field of embed.fields ?? []) size += field.name.length + field.value.length;
  return size;
}

export interface MessageLike {
  content?: string | null;
  embeds?: EmbedLike[];
  components?: { components?: { label?: string; custom_id?: string; customId?: string }[] }[];
}

/** The list of limits a message breaks; empty when Discord would accept it. */
export function limitViolations(message: MessageLike): string[] {
  const out: string[] = [];
  const L = DISCORD_LIMITS;
  if ((message.content?.length ?? 0) > L.content) out.push(`content > ${L.content}`);
  const embeds = message.embeds ?? [];
  if (embeds.length > L.embedsPerMessage) out.push(`embeds > ${L.embedsPerMessage}`);
  let total = 0;
  for (const [i, embed] of embeds.entries()) {
    total += embedSize(embed);
    if ((embed.title?.length ?? 0) > L.title) out.push(`embed ${i} title > ${L.title}`);
    if ((embed.description?.length ?? 0) > L.description) out.push(`embed ${i} description > ${L.description}`);
    if ((embed.footer?.text.length ?? 0) > L.footer) out.push(`embed ${i} footer > ${L.footer}`);
    const fields = embed.fields ?? [];
    if (fields.length > L.fields) out.push(`embed ${i} fields > ${L.fields}`);
    for (const [j, field] of fields.entries()) {
      if (field.name.length === 0 || field.name.length > L.fieldName) out.push(`embed ${i} field ${j} name length ${field.name.length}`);
      if (field.value.length === 0 || field.value.length > L.fieldValue)
        out.push(`embed ${i} field ${j} value length ${field.value.length}`);
    }
  }
  if (total > L.embedTotal) out.push(`embeds total ${total} > ${L.embedTotal}`);
  const rows = message.components ?? [];
  if (rows.length > L.actionRows) out.push(`action rows > ${L.actionRows}`);
  for (const row of rows) {
    const buttons = row.components ?? [];
    if (buttons.length > L.buttonsPerRow) out.push(`buttons in a row > ${L.buttonsPerRow}`);
    for (const button of buttons) {
      if ((button.label?.length ?? 0) > L.buttonLabel) out.push(`button label > ${L.buttonLabel}`);
      const id = button.custom_id ?? button.customId ?? '';
      if (id.length > L.customId) out.push(`custom_id > ${L.customId}`);
    }
  }
  return out;
}
