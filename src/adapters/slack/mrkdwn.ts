/**
 * Text crossing the Slack boundary. Outgoing text is escaped so nothing the bot posts can form
 * a mention or a link; incoming text is turned back into the plain question the core expects.
 */

/** Bare `@here`/`@channel`/`@everyone`: inert with `parse: 'none'`, defused anyway in case a client re-parses. */
const BARE_MASS_MENTION = /@(here|channel|everyone)\b/giu;

/**
 * Escapes `&`, `<` and `>` as Slack requires, so `<!channel>`, `<@U…>`, `<!subteam^…>` and
 * `<url|label>` in quotes or model output arrive as literal text and ping no one.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(BARE_MASS_MENTION, '@\u200b$1');
}

/**
 * A mrkdwn link to a web page: `<url|label>`. Only http(s) addresses are linked; the label is
 * escaped like any text, and the address cannot close the link early (`|` and `>` encoded).
 */
export function mrkdwnLink(url: string | undefined, label: string): string {
  if (!url || !/^https?:\/\//i.test(url)) return escapeMrkdwn(label);
  const safe = url.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  return `<${safe}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

/** True when `text` (as sent to Slack) contains markup that would notify someone. */
export function containsPing(text: string): boolean {
  return /<[!@]/.test(text) || /(^|[^\u200b\w])@(here|channel|everyone)\b/iu.test(text.replace(/@\u200b/g, ''));
}

/**
 * The question as plain text: the bot's own mention removed, other Slack markup turned into
 * what a person reads (`<@U1|ana>` → `@ana`, `<https://x|label>` → `label`), entities decoded.
 */
export function slackToPlain(text: string, botUserId?: string): string {
  let out = text;
  if (botUserId) out = out.replace(new RegExp(`<@${escapeRegExp(botUserId)}(\\|[^>]*)?>`, 'g'), ' ');
  out = out
    .replace(/<@([A-Z0-9]+)\|([^>]+)>/g, '@$2')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>/g, (_m, label: string | undefined) => label ?? '@group')
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<!date\^[^|>]*\|([^>]*)>/g, '$1')
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2')
    .replace(/<([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
  return out
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
