/**
 * The worker thread of `EmbeddingWorker` (worker-embedder.ts): embeds each batch of texts it is
 * sent with the local embedder and transfers the vectors back, one array a batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LocalHashEmbeddings, type LocalEmbeddingsOptions } from './local-embeddings.js';
import type { EmbedReply, EmbedRequest } from './worker-embedder.js';

const port = parentPort!;
const local = new LocalHashEmbeddings((workerData as { embedder: LocalEmbeddingsOptions }).embedder);

port.on('message', ({ id, texts }: EmbedRequest) => {
  try {
    const dim = local.dimensions;
    const data = new Float32Array(texts.length * dim);
    texts.forEach((text, i) => data.set(local.embedSync(text), i * dim));
    port.postMessage({ id, data } satisfies EmbedReply, [data.buffer]);
  } catch (error) {
    port.postMessage({ id, failed: error instanceof Error ? error.message : String(error) } satisfies EmbedReply);
  }
});
