import { createInterface } from 'node:readline';
import { buildAssistant } from '../app/assistant.js';
import { MAX_QUESTION_CHARS } from '../core/assistant.js';
import { SanadError } from '../core/errors.js';
import { cleanInvisible } from '../core/text/index.js';
import type { CliContext } from './context.js';
import { formatAnswer, progressBar } from './terminal.js';

export async function runAsk(context: CliContext): Promise<number> {
  const question = cleanInvisible(context.positionals.join(' '));
  if (!question) {
    throw new SanadError('usage', 'The question is empty.', { hint: 'Ask something: sanad ask "من هو سفير فرنسا لدى الأمم المتحدة؟"' });
  }
  const assistant = await buildAssistant(context.config, {
    logger: context.logger,
    onProgress: progressBar('indexing'),
    withSources: true,
  });
  try {
    const answer = await assistant.ask(question);
    if (context.values.json) context.io.stdout.write(JSON.stringify(answer, null, 2) + '\n');
    else context.io.stdout.write(formatAnswer(answer, { terminal: !!context.io.stdout.isTTY }) + '\n');
    // The refusal is printed (in the asked format), and the exit code says the input was refused.
    return question.length > MAX_QUESTION_CHARS && answer.abstained ? 1 : 0;
  } finally {
    await assistant.close();
  }
}

/**
 * Questions from stdin, one a line; one JSON line out per line in, in order, so output line N
 * answers input line N. A blank line gets an error object in its place; the index is built once.
 */
export async function runAskJsonl(context: CliContext): Promise<number> {
  const assistant = await buildAssistant(context.config, { logger: context.logger, withSources: true });
  try {
    const lines = createInterface({ input: context.io.stdin, crlfDelay: Infinity });
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber++;
      const question = cleanInvisible(line);
      const output = question ? await assistant.ask(question) : emptyLine(lineNumber);
      context.io.stdout.write(JSON.stringify(output) + '\n');
    }
    return 0;
  } finally {
    await assistant.close();
  }
}

/** The same error shape as the web API's, with the input line it stands for. */
function emptyLine(line: number) {
  return { line, error: { code: 'empty_question', message: `Line ${line} is empty: there is no question to answer.` } };
}
