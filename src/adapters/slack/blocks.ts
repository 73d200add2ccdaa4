import type { types as slack } from '@slack/bolt';
import { type Citation, citationLabel, type Lang, message, type Reply, type ReplyCitation } from '../../core/index.js';
import { ACTION, BUTTON_VALUE_MAX } from './ids.js';
import { label } from './labels.js';
import { escapeMrkdwn, mrkdwnLink } from './mrkdwn.js';
import { splitText } from './split.js';

type Block = slack.KnownBlock;

/** Slack's documented limits for what the adapter sends. */
export const SLACK_LIMITS = {
  sectionText: 3000,
  blocksPerMessage: 50,
  blocksPerModal: 100,
  /** The notification / accessibility fallback; the blocks carry the full content. */
  fallbackText: 3000,
  buttonText: 75,
  modalTitle: 24,
} as const satisfies Record<string, number>;

/** One chat message: Block Kit plus the plain-text fallback Slack shows in notifications. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export interface RenderOptions {
  /** Button value for 👍/👎 (an encoded AnswerRef); no feedback buttons when absent. */
  feedbackValue?: string;
  /** Button value for "Share in channel", shown on private /ask answers. */
  shareValue?: string;
  /** Shown above the answer, e.g. the question when an answer is shared in the channel. */
  header?: string;
}

/**
 * Renders a Reply as one or more messages within Slack's limits. The first message is the one
 * that replaces the placeholder; the rest follow in the same thread. Nothing is cut: long text is
 * split over sections, and sections over messages.
 */
export function renderReply(reply: Reply, options: RenderOptions = {}): SlackMessage[] {
  const lang = reply.language;
  const blocks: Block[] = [];
  if (options.header) blocks.push(context(escapeMrkdwn(options.header)));
  const body =
    reply.kind === 'decline'
      ? `:grey_question: *${escapeMrkdwn(label('declined', lang))}*\n${escapeMrkdwn(reply.text)}`
      : escapeMrkdwn(reply.text);
  blocks.push(...sections(body));
  if (reply.notice) blocks.push(...splitText(`:information_source: ${escapeMrkdwn(reply.notice)}`, SLACK_LIMITS.sectionText).map(context));
  if (reply.citations.length > 0) {
    blocks.push(section(`*${escapeMrkdwn(reply.sourcesLabel)}*`));
    for (const citation of reply.citations) blocks.push(...citationBlocks(citation, lang));
  }
  if (reply.mode !== 'none') blocks.push(context(escapeMrkdwn(label('answeredBy', lang, { mode: reply.mode }))));
  const actions = actionButtons(lang, options);
  const parts = pack(blocks, actions ? SLACK_LIMITS.blocksPerMessage - 1 : SLACK_LIMITS.blocksPerMessage);
  if (actions) parts[parts.length - 1]!.push(actions);
  return parts.map((part, i) => ({ blocks: markPart(part, i, parts.length), text: fallback(reply, i, parts.length) }));
}

/** The placeholder, and the answer while it streams in. */
export function renderProgress(partial: string, lang: Lang): SlackMessage {
  const thinking = message('thinking', lang);
  if (!partial.trim()) return { text: thinking, blocks: [section(`:hourglass_flowing_sand: ${escapeMrkdwn(thinking)}`)] };
  // Only the tail is shown while streaming (the final answer replaces it in full), so the
  // update stays one block however long the answer grows.
  const escaped = escapeMrkdwn(partial);
  const max = SLACK_LIMITS.sectionText - 2;
  const shown = escaped.length > max ? '…' + escaped.slice(escaped.length - max + 1) : escaped;
  return {
    text: clip(partial, SLACK_LIMITS.fallbackText),
    blocks: [section(shown), context(`:hourglass_flowing_sand: ${escapeMrkdwn(thinking)}`)],
  };
}

/** The whole paragraph behind a citation, as a modal. */
export function renderParagraphView(citation: Citation | null, lang: Lang): slack.ModalView {
  const title = {
    type: 'plain_text' as const,
    text: clip(label('paragraph', lang) + (citation ? ` ¶${citation.paragraph}` : ''), SLACK_LIMITS.modalTitle),
  };
  const close = { type: 'plain_text' as const, text: label('close', lang) };
  if (!citation) return { type: 'modal', title, close, blocks: [section(escapeMrkdwn(message('paragraphGone', lang)))] };
  const blocks: Block[] = [context(mrkdwnLink(citation.url, citationLabel(citation)))];
  blocks.push(...sections(escapeMrkdwn(citation.text)));
  return { type: 'modal', title, close, blocks: blocks.slice(0, SLACK_LIMITS.blocksPerModal) };
}

function citationBlocks(citation: ReplyCitation, lang: Lang): Block[] {
  const head = `*[${citation.n}]* ${mrkdwnLink(citation.url, citation.label)}`;
  const quote = citation.quote
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => `>${escapeMrkdwn(line)}`)
    .join('\n');
  const chunks = splitText(quote ? `${head}\n${quote}` : head, SLACK_LIMITS.sectionText);
  // A continuation chunk must still read as a block quote.
  const blocks = chunks.map((chunk, i) => section(i > 0 && !chunk.startsWith('>') ? `>${chunk}` : chunk));
  const first = blocks[0] as slack.SectionBlock;
  if (citation.paragraphId.length <= BUTTON_VALUE_MAX) {
    first.accessory = {
      type: 'button',
      action_id: `${ACTION.paragraph}:${citation.n}`,
      text: { type: 'plain_text', text: clip(message('showParagraph', lang), SLACK_LIMITS.buttonText) },
      value: citation.paragraphId,
    };
  }
  return blocks;
}

function actionButtons(lang: Lang, options: RenderOptions): slack.ActionsBlock | null {
  const elements: slack.Button[] = [];
  if (options.shareValue) {
    elements.push({
      type: 'button',
      style: 'primary',
      action_id: ACTION.share,
      text: { type: 'plain_text', text: label('share', lang) },
      value: options.shareValue,
    });
  }
  if (options.feedbackValue) {
    elements.push(
      {
        type: 'button',
        action_id: ACTION.voteUp,
        text: { type: 'plain_text', text: label('helpful', lang), emoji: true },
        value: options.feedbackValue,
      },
      {
        type: 'button',
        action_id: ACTION.voteDown,
        text: { type: 'plain_text', text: label('notHelpful', lang), emoji: true },
        value: options.feedbackValue,
      },
    );
  }
  return elements.length > 0 ? { type: 'actions', block_id: 'sanad_actions', elements } : null;
}

/** `sanad_part:i/n` on each message's first block, so a reader (and the tests) know when all parts are in. */
function markPart(blocks: Block[], index: number, total: number): Block[] {
  const [first, ...rest] = blocks;
  return first ? [{ ...first, block_id: `sanad_part:${index + 1}/${total}` } as Block, ...rest] : blocks;
}

function pack(blocks: Block[], perMessage: number): Block[][] {
  const parts: Block[][] = [];
  for (let i = 0; i < blocks.length; i += perMessage) parts.push(blocks.slice(i, i + perMessage));
  return parts.length > 0 ? parts : [[]];
}

function fallback(reply: Reply, index: number, total: number): string {
  const base = index === 0 ? reply.text : `(${index + 1}/${total})`;
  const sources = index === 0 && reply.citations.length > 0 ? '\n' + reply.citations.map((c) => `[${c.n}] ${c.label}`).join('\n') : '';
  return clip(escapeMrkdwn(base + sources), SLACK_LIMITS.fallbackText);
}

function sections(mrkdwn: string): slack.SectionBlock[] {
  return splitText(mrkdwn, SLACK_LIMITS.sectionText).map(section);
}

function section(text: string): slack.SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}

function context(text: string): slack.ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clip(text, SLACK_LIMITS.sectionText), verbatim: true }] };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}
