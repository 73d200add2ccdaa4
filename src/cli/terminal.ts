import type { Answer } from '../core/types.js';
import { citationLabel } from '../core/reply.js';
import { message } from '../core/messages.js';

const RLM = '\u200F';
const isRtl = (text: string) => /[\u0600-\u06FF]/.test(text) && !/^[\s\p{P}]*[A-Za-z]/u.test(text);

/** Marks a right-to-left line so bidi-aware terminals align and order it as Arabic. */
export function bidiLine(text: string): string {
  return isRtl(text) ? `${RLM}${text}` : text;
}

function colour(enabled: boolean) {
  const wrap = (code: string) => (text: string) => (enabled ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { dim: wrap('2'), bold: wrap('1'), yellow: wrap('33'), cyan: wrap('36') };
}

/** A readable answer with its sources for a terminal. */
export function formatAnswer(answer: Answer, useColour = false): string {
  const c = colour(useColour);
  const lines: string[] = [];
  const mark = answer.abstained ? c.yellow('✗ ') : '';
  for (const line of answer.answer.split('\n')) lines.push(bidiLine(mark && lines.length === 0 ? mark + line : line));
  if (answer.notice) lines.push('', c.dim(bidiLine(answer.notice)));
  if (answer.citations.length > 0) {
    lines.push('', c.bold(bidiLine(message(answer.abstained ? 'closest' : 'sources', answer.language) + ':')));
    for (const cite of answer.citations) {
      lines.push(c.cyan(bidiLine(`[${cite.n}] ${citationLabel(cite)}`)));
      for (const q of cite.quote.split('\n')) lines.push(bidiLine(`    ❝ ${q}`));
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
