/**
 * Splits already-escaped mrkdwn into chunks of at most `max` characters, breaking at the most
 * natural boundary available (blank line, line, sentence, word) and never inside an HTML entity
 * or a surrogate pair. Nothing is dropped: joining the chunks gives back the text, modulo the
 * whitespace at the breaks.
 */
export function splitText(text: string, max: number): string[] {
  if (max < 16) throw new RangeError(`splitText: max must be at least 16, got ${max}`);
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = breakPoint(rest, max);
    const head = rest.slice(0, cut).trimEnd();
    if (head) chunks.push(head);
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim() || chunks.length === 0) chunks.push(rest);
  return chunks;
}

const BOUNDARIES = [/\n\s*\n/g, /\n/g, /[.!?؟。;؛](?=\s)/g, /[\s،,]/g];

function breakPoint(text: string, max: number): number {
  const window = text.slice(0, max + 1);
  for (const boundary of BOUNDARIES) {
    let best = -1;
    for (const match of window.matchAll(boundary)) {
      const end = match.index + match[0].length;
      if (end <= max) best = end;
    }
    // A break in the first third would make many tiny chunks; fall through to a finer boundary.
    if (best > max / 3) return best;
  }
  return safeHardCut(text, max);
}

function safeHardCut(text: string, max: number): number {
  let cut = max;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp !== -1 && cut - amp < 8 && !text.slice(amp, cut).includes(';')) cut = amp;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return cut;
}
