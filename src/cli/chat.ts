import { createInterface } from 'node:readline';
import { buildAssistant } from '../app/assistant.js';
import type { Turn } from '../core/types.js';
import type { CliContext } from './main.js';
import { formatAnswer, progressBar } from './terminal.js';

/** An interactive chat on the core; earlier turns are the conversation, as in a thread. */
export async function runChat(context: CliContext): Promise<number> {
  const { io } = context;
  const assistant = await buildAssistant(context.config, { logger: context.logger, onProgress: progressBar('indexing') });
  const documents = assistant.documents();
  io.stdout.write(`sanad chat: ${documents.length} document(s), ${assistant.index.size} paragraphs. /new starts a new thread, /quit leaves.\n`);
  // Lines are read as a stream, so questions piped in all get answered, in order.
  const rl = createInterface({ input: io.stdin, output: io.stdout, terminal: !!io.stdin.isTTY });
  const conversation: Turn[] = [];
  const prompt = () => io.stdout.write('› ');
  try {
    prompt();
    for await (const raw of rl) {
      const line = raw.trim();
      if (line === '/quit' || line === '/exit') break;
      if (line === '/new') {
        conversation.length = 0;
        io.stdout.write('(new thread)\n');
      } else if (line) {
        const answer = await assistant.ask(line, { conversation: [...conversation] });
        io.stdout.write(formatAnswer(answer, !!io.stdout.isTTY) + '\n\n');
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
