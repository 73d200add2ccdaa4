/**
 * The worker thread of `buildInWorker` (worker-build.ts): parses the updates it is sent that
 * are still text, hands each document back, gathers the documents kept, builds the index with
 * the local embedder, and transfers it back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseKnowledgeText } from '../knowledge/load.js';
import type { KnowledgeDocument } from '../knowledge/types.js';
import { localEmbedder } from './embedder.js';
import { KnowledgeIndex } from './knowledge-index.js';
import type { LocalEmbeddingsOptions } from './local-embeddings.js';
import { followSearches, pausedForSearches, yieldToSearches } from './search-gate.js';
import { writeSnapshot } from './snapshot.js';
import {
  isUnparsed,
  pack,
  PARAGRAPHS_PER_MESSAGE,
  type FromWorker,
  type SnapshotTarget,
  type ToWorker,
  type Update,
} from './worker-build.js';

const port = parentPort!;
const { embedder, searches } = workerData as { embedder: LocalEmbeddingsOptions; searches?: Int32Array };
followSearches(searches);
const updates: Update[] = [];
const kept: KnowledgeDocument[] = [];
/** The updates as documents, in order, those that could not be used left out. */
const updated: KnowledgeDocument[] = [];

port.on('message', (message: ToWorker) => {
  if (message.type === 'updates') updates.push(...message.updates);
  else if (message.type === 'parse') parse();
  else if (message.type === 'kept') kept.push(...message.documents);
  else void build(message.snapshot);
});

const post = (message: FromWorker) => port.postMessage(message);

/** Parses the text updates, handing the documents back a batch at a time (the main thread takes each message in one go). */
function parse(): void {
  try {
    let at: number[] = [];
    let documents: KnowledgeDocument[] = [];
    let paragraphs = 0;
    const flush = () => {
      if (at.length > 0) post({ type: 'parsed', at, documents });
      at = [];
      documents = [];
      paragraphs = 0;
    };
    updates.forEach((update, i) => {
      if (!isUnparsed(update)) return void updated.push(update);
      yieldToSearches();
      const parsed = parseKnowledgeText(update);
      if ('reason' in parsed) return post({ type: 'skipped', at: i, file: parsed });
      updated.push(parsed);
      at.push(i);
      documents.push(parsed);
      paragraphs += parsed.paragraphs.length;
      if (paragraphs >= PARAGRAPHS_PER_MESSAGE) flush();
    });
    flush();
    post({ type: 'updated' });
  } catch (error) {
    fail(error);
  }
}

/** Builds the index, writes its snapshot when asked (here, not on the thread that answers), and hands it over. */
async function build(target: SnapshotTarget | null): Promise<void> {
  try {
    const index = new KnowledgeIndex(localEmbedder(embedder));
    await index.build([...kept, ...updated], (done, total) => post({ type: 'progress', done, total }));
    let snapshot: string | null = null;
    if (target) {
      // Before the hand-over: the state's arrays are transferred, so gone from this thread after it.
      snapshot = await writeSnapshot(target.file, target.embedderId, index.snapshotState(), target.extras).then(
        () => null,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
    }
    const { state, transfer } = pack(index.exportState());
    port.postMessage({ type: 'state', state, snapshot, pausedMs: pausedForSearches() } satisfies FromWorker, transfer);
  } catch (error) {
    fail(error);
  }
}

function fail(error: unknown): void {
  post({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
}
