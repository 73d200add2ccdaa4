import { buildAssistant } from '../app/assistant.js';
import type { CliContext } from './main.js';
import { progressBar } from './terminal.js';

/** Builds the index (filling the embedding cache) and reports what it holds. */
export async function runIndex(context: CliContext): Promise<number> {
  const started = performance.now();
  const assistant = await buildAssistant(context.config, { logger: context.logger, onProgress: progressBar('embedding') });
  const docs = assistant.documents();
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  context.io.stdout.write(
    `indexed ${docs.length} document(s), ${assistant.index.size} paragraphs in ${seconds} s (${context.config.knowledgeDir})\n`,
  );
  for (const doc of docs) {
    context.io.stdout.write(`  ${doc.document}: "${doc.title}"${doc.date ? `, ${doc.date}` : ''}, ${doc.paragraphs.length} paragraphs\n`);
  }
  for (const skip of assistant.skipped) context.io.stdout.write(`  skipped ${skip.document}: it ${skip.reason}\n`);
  await assistant.close();
  return 0;
}
