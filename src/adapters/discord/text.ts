/**
 * Text helpers for Discord: markdown escaping and splitting at natural boundaries. Splitting
 * never drops a character other than the whitespace it splits on.
 */

/** Escapes Discord markdown so knowledge text shows literally (no bold, links, spoilers, headings). */
export function escapeDiscordMarkdown(text: string): string {
  return text.replace(/([\\*_~`|[\]()])/g, '\\$1').replace(/^(\s*)(>|#|-#|-\s|\d+\.\s)/gm, '$1\\$2');
}

/** Undoes `escapeDiscordMarkdown`, to read the bot's own earlier answers back as conversation. */
export function unescapeDiscordMarkdown(text: string): string {
  return text.replace(/\\([\\*_~`|[\]()>#-]|\d)/g, '$1');
}

const SENTENCE_END = /[.!?؟。۔…;؛]["'»”)]*\s/g;

/** Splits `text` into chunks of at most `max` UTF-16 units, preferring paragraph, line, sentence and word ends. */
export function splitText(text: string, max: number): string[] {
  if (max < 2) throw new RangeError('splitText: max must be at least 2');
  const chunks: string[] = [];
  let rest = text.trim();
  // Each pass removes at least one character, so the loop is bounded by the text length.
  while (rest.length > max) {
    const cut = cutPoint(rest, max);
    const head = rest.slice(0, cut).trimEnd();
    chunks.push(head);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) chunks.push(rest);
  return chunks;
}

function cutPoint(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  const floor = Math.floor(max / 2);
  const paragraph = window.lastIndexOf('\n\n');
  if (paragraph >= floor) return paragraph;
  const line = window.lastIndexOf('\n');
  if (line >= floor) return line;
  let sentence = -1;
  for (const match of window.matchAll(SENTENCE_END)) {
    const end = match.index + match[0].length - 1;
    if (end <= max) sentence = end;
  }
  if (sentence >= floor) return sentence;
  const space = window.lastIndexOf(' ');
  if (space >= floor) return space;
  let cut = max;
  // Never split a surrogate pair or separate an escape backslash from what it escapes.
  if (isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
  if (text[cut - 1] === '\\') cut -= 1;
  return Math.max(1, cut);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** Shortens a one-line label (a thread name, a button label) where cutting is expected; adds an ellipsis. */
export function shorten(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine.length <= max) return oneLine;
  let cut = max - 1;
  if (isHighSurrogate(oneLine.charCodeAt(cut - 1))) cut -= 1;
  return oneLine.slice(0, cut).trimEnd() + '…';
}
