import { createInterface } from 'node:readline';
import { buildAssistant } from '../app/assistant.js';
import { paragraphCounts } from '../core/knowledge/counts.js';
import type { Turn } from '../core/types.js';
import type { CliContext } from './context.js';
import { formatAnswer, progressBar } from './terminal.js';

/** The chat's own commands; any other line is a question. */
const CHAT_COMMANDS: Record<string, string> = {
  '/help': 'list these commands',
  '/new': 'start a new thread (forget the conversation so far)',
  '/quit': 'leave (also /exit, or Ctrl+D)',
};
/** A line that starts with "/word" is meant as a command, never sent as a question. */
const COMMAND_LINE = /^\/([A-Za-z][\w-]*)(?:\s|$)/;

export function chatHelp(): string {
  return [
    'Commands:',
    ...Object.entries(CHAT_COMMANDS).map(([name, what]) => `  ${name.padEnd(6)} ${what}`),
    'Anything else is a question.',
  ].join('\n');
}

/** An interactive chat on the core; earlier turns are the conversation, as in a thread. */
export async function runChat(context: CliContext): Promise<number> {
  const { io } = context;
  const assistant = await buildAssistant(context.config, {
    logger: context.logger,
    onProgress: progressBar('indexing'),
    withSources: true,
  });
  const counts = paragraphCounts(assistant.documents());
  io.stdout.write(
    `sanad chat: ${counts.documents} document(s), ${counts.paragraphs} paragraphs. /help lists the commands, /quit leaves.\n`,
  );
  // Lines are read as a stream, so questions piped in all get answered, in order.
  const rl = createInterface({ input: io.stdin, output: io.stdout, terminal: !!io.stdin.isTTY });
  const conversation: Turn[] = [];
  const prompt = () => io.stdout.write('› ');
  try {
    prompt();
    for await (const raw of rl) {
      const line = raw.trim();
      const command = COMMAND_LINE.exec(line)?.[1]?.toLowerCase();
      if (command === 'quit' || command === 'exit') break;
      if (command === 'new') {
        conversation.length = 0;
        io.stdout.write('(new thread)\n');
      } else if (command === 'help') {
        io.stdout.write(chatHelp() + '\n');
      } else if (command !== undefined) {
        io.stdout.write(`unknown command /${command}. ${chatHelp()}\n`);
      } else if (line) {
        const answer = await assistant.ask(line, { conversation: [...conversation] });
        io.stdout.write(formatAnswer(answer, { terminal: !!io.stdout.isTTY }) + '\n\n');
        conversation.push({ role: 'user', text: line }, { role: 'assistant', text: answer.answer });
      }
      prompt();
    }
  } finally {
    rl.close();
    await assistant.close();
  }
  return 0;
}
