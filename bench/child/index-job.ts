/**
 * One indexing run in its own process, so its time and peak RSS are its own:
 *   node --import tsx bench/child/index-job.ts (--knowledge DIR | --arcd FILE) [--cache DIR]
 * Prints one JSON line: { ms, cpuMs, paragraphs, documents, maxRssMB, restored }. `restored` says the
 * index came from its snapshot (a restart), not from parsing and embedding. A progress bar goes to
 * stderr when it is a terminal.
 */
import { createAssistant, createLogger, type Logger } from '../../src/core/index.js';
import { documentFromParagraphs } from '../../src/core/knowledge/index.js';
import { progressBar } from '../../src/cli/terminal.js';
import { readArcd } from '../synthetic.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

/** Warnings and errors to stderr as usual; the one info line that says a snapshot was used is noted. */
let restored = false;
function noting(inner: Logger): Logger {
  return {
    ...inner,
    info: (message, fields) => {
      if (message === 'index restored from its snapshot') restored = true;
      inner.info(message, fields);
    },
    child: (prefix) => noting(inner.child(prefix)),
  };
}

const started = performance.now();
const knowledgeDir = opt('--knowledge');
const arcdFile = opt('--arcd');
const documents = arcdFile
  ? readArcd(arcdFile).documents.map((d) =>
      documentFromParagraphs({ document: d.id, collection: 'arcd', title: d.title, paragraphs: d.paragraphs }),
    )
  : undefined;
const assistant = await createAssistant({
  knowledgeDir,
  documents,
  cacheDir: opt('--cache') ?? null,
  onProgress: progressBar('indexing'),
  logger: noting(createLogger({ level: 'warn' })),
});
const ms = performance.now() - started;
const usage = process.resourceUsage();
const result = {
  ms,
  cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
  paragraphs: assistant.index.size,
  documents: assistant.documents().length,
  maxRssMB: usage.maxRSS / 1024,
  restored,
};
await assistant.close();
process.stdout.write(JSON.stringify(result) + '\n');
