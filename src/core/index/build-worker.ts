/**
 * The worker thread of `buildInWorker` (worker-build.ts): gathers the documents it is sent,
 * builds the index with the local embedder, and transfers it back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { KnowledgeDocument } from '../knowledge/types.js';
import { localEmbedder } from './embedder.js';
import { KnowledgeIndex } from './knowledge-index.js';
import type { LocalEmbeddingsOptions } from './local-embeddings.js';
import { pack, type FromWorker, type ToWorker } from './worker-build.js';

const port = parentPort!;
const { embedder } = workerData as { embedder: LocalEmbeddingsOptions };
const documents: KnowledgeDocument[] = [];

port.on('message', (message: ToWorker) => {
  if (message.type === 'documents') documents.push(...message.documents);
  else void build();
});

async function build(): Promise<void> {
  try {
    const index = new KnowledgeIndex(localEmbedder(embedder));
    await index.build(documents, (done, total) => port.postMessage({ type: 'progress', done, total } satisfies FromWorker));
    const { state, transfer } = pack(index.exportState());
    port.postMessage({ type: 'state', state } satisfies FromWorker, transfer);
  } catch (error) {
    port.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies FromWorker);
  }
}
