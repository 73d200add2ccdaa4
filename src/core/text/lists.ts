/**
 * A Markdown or typed bullet at the start of a line ("- ", "* ", "• "). Numbers ("1. ") are not
 * bullets: the order they give is content.
 */
const BULLET = /^(\s*)[-*+•●▪–]\s+/;

/**
 * The line without its own bullet, for answers that put "• " in front of each quoted line:
 * "- Slack للتواصل" must become "• Slack للتواصل", not "• - Slack للتواصل".
 */
export function withoutBullet(line: string): string {
  return line.replace(BULLET, '$1');
}

/** Every line of `text` without its own bullet. */
export function withoutBullets(text: string): string {
  return text.split('\n').map(withoutBullet).join('\n');
}
