// Small DOM helpers. Every piece of text goes into the page as text (textContent, text nodes),
// never as HTML: a knowledge paragraph that contains markup shows as text.
import { lang } from './strings.js';

export const $ = (id) => document.getElementById(id);

/** Creates an element with a class and optional text (always as text). */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/**
 * The direction of a text by its dominant script: right-to-left when it has at least as many
 * Arabic-script letters as Latin ones. The first letter misleads: an Arabic answer that opens
 * with "Slack" is still Arabic. (The core's `dominantDirection` does the same for the terminal.)
 */
export function directionOf(text) {
  const arabic = (String(text).match(/\p{Script=Arabic}/gu) || []).length;
  const latin = (String(text).match(/\p{Script=Latin}/gu) || []).length;
  if (arabic === 0 && latin === 0) return 'auto';
  return arabic >= latin ? 'rtl' : 'ltr';
}

/** Sets an element's text and its direction from that text. */
export function setText(node, text) {
  node.textContent = text;
  node.dir = directionOf(text);
}

export function timeNow(at = new Date()) {
  const time = el('time', 'time', at.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' }));
  time.dateTime = at.toISOString();
  return time;
}
