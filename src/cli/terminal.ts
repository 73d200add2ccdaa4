import type { Answer } from '../core/types.js';
import { citationLabel } from '../core/reply.js';
import { message } from '../core/messages.js';
import { dominantDirection } from '../core/text/index.js';
import type { FileProgress } from '../core/knowledge/load.js';

const RLM = '\u200F';

/**
 * Marks a right-to-left line (by its dominant script, so "Slack للتواصل" is Arabic) with an
 * invisible U+200F, so bidi-aware terminals align and order it as Arabic.
 */
export function bidiLine(text: string): string {
  return dominantDirection(text) === 'rtl' ? `${RLM}${text}` : text;
}

export interface FormatOptions {
  /**
   * Writing to a terminal: colours, and the invisible U+200F marks on Arabic lines. Off for a
   * pipe or a file, whose reader wants the text exactly as the knowledge has it.
   */
  terminal?: boolean;
}

function colour(enabled: boolean) {
  const wrap = (code: string) => (text: string) => (enabled ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { dim: wrap('2'), bold: wrap('1'), yellow: wrap('33'), cyan: wrap('36') };
}

/** A readable answer with its sources, for a terminal or plain text. */
export function formatAnswer(answer: Answer, options: FormatOptions = {}): string {
  const c = colour(!!options.terminal);
  const line = options.terminal ? bidiLine : (text: string) => text;
  const lines: string[] = [];
  const mark = answer.abstained ? c.yellow('✗ ') : '';
  for (const text of answer.answer.split('\n')) lines.push(line(mark && lines.length === 0 ? mark + text : text));
  if (answer.notice) lines.push('', c.dim(line(answer.notice)));
  if (answer.citations.length > 0) {
    lines.push('', c.bold(line(message(answer.abstained ? 'closest' : 'sources', answer.language) + ':')));
    for (const cite of answer.citations) {
      lines.push(c.cyan(line(`[${cite.n}] ${citationLabel(cite)}`)));
      if (cite.url) lines.push(c.dim(`    ${cite.url}`));
      for (const q of cite.quote.split('\n')) lines.push(line(`    ❝ ${q}`));
    }
  }
  lines.push(c.dim(`(${answer.mode}, ${answer.timings.totalMs.toFixed(1)} ms)`));
  return lines.join('\n');
}

/** A one-line progress bar on a terminal; silent elsewhere (CI logs, pipes). */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  let last = 0;
  return (done: number, total: number) => {
    if (!stream.isTTY) return;
    const now = Date.now();
    if (done < total && now - last < 100) return;
    last = now;
    const width = 30;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    stream.write(`\r${label} [${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total}`);
    if (done >= total) stream.write('\n');
  };
}

/**
 * Per-file progress while the knowledge folder is read: on a terminal one line that moves on
 * ("reading 3/8 handbook.pdf"); elsewhere a line for each file that is not plain text, since
 * those are the ones that take time.
 */
export function fileProgress(stream: NodeJS.WriteStream = process.stderr): (p: FileProgress) => void {
  return ({ document, done, total, ms, result }) => {
    const what = 'reason' in result ? 'skipped' : `${result.pages ? `${result.pages} pages, ` : ''}${result.paragraphs.length} paragraphs`;
    if (stream.isTTY) {
      stream.write(`\r\x1b[2Kreading ${done}/${total} ${document} (${what}, ${(ms / 1000).toFixed(1)} s)`);
      if (done >= total) stream.write('\n');
    } else if ('format' in result || 'reason' in result) {
      stream.write(`read ${done}/${total} ${document}: ${what} in ${(ms / 1000).toFixed(2)} s\n`);
    }
  };
}
