import { buildAssistant } from '../app/assistant.js';
import { describeParagraphs, paragraphCounts } from '../core/knowledge/counts.js';
import type { CliContext } from './context.js';
import { fileProgress, progressBar } from './terminal.js';

/** Builds the index (filling the embedding cache) and reports what it holds. */
export async function runIndex(context: CliContext): Promise<number> {
  const started = performance.now();
  const assistant = await buildAssistant(context.config, {
    logger: context.logger,
    onProgress: progressBar('embedding'),
    onFile: fileProgress(),
    withSources: true,
    rebuild: true,
  });
  const docs = assistant.documents();
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  // Counted as cited (¶N), the total and each document agree; repeats are said, not hidden.
  const total = paragraphCounts(docs);
  context.io.stdout.write(
    `indexed ${total.documents} document(s), ${describeParagraphs(total)} in ${seconds} s (${context.config.knowledgeDir})\n`,
  );
  for (const doc of docs) {
    const counts = paragraphCounts([doc]);
    const pages = doc.pages ? `, ${doc.pages} pages` : '';
    context.io.stdout.write(`  ${doc.document}: "${doc.title}"${doc.date ? `, ${doc.date}` : ''}${pages}, ${describeParagraphs(counts)}\n`);
  }
  for (const skip of assistant.skipped) context.io.stdout.write(`  skipped ${skip.document}: it ${skip.reason}\n`);
  await assistant.close();
  return 0;
}
