/**
 * The worker thread of `EmbeddingWorker` (worker-embedder.ts): embeds each batch of texts it is
 * sent with the local embedder and transfers the vectors back, one array a batch; counts each
 * batch of paragraphs' terms (row-terms.ts) and transfers the counts back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CachedFeatures, LocalHashEmbeddings, type LocalEmbeddingsOptions } from './local-embeddings.js';
import { TermCounter } from './row-terms.js';
import type { EmbedReply, EmbedRequest } from './worker-embedder.js';

const port = parentPort!;
const local = new LocalHashEmbeddings((workerData as { embedder: LocalEmbeddingsOptions }).embedder);
// Each text is embedded as `embedSync(text)` does, its tokens' features made once for all texts.
const features = new CachedFeatures(local);
const counter = new TermCounter();

port.on('message', (request: EmbedRequest) => {
  const { id } = request;
  try {
    if ('rows' in request) {
      const counted = counter.count(request.rows);
      const { distinct, ids, tfs, lengths } = counted;
      const transfer = [distinct, ids, tfs, lengths].map((a) => a.buffer as ArrayBuffer);
      return port.postMessage({ id, counted } satisfies EmbedReply, transfer);
    }
    const { texts } = request;
    const dim = local.dimensions;
    const data = new Float32Array(texts.length * dim);
    texts.forEach((text, i) => data.set(features.embed(text), i * dim));
    port.postMessage({ id, data } satisfies EmbedReply, [data.buffer]);
  } catch (error) {
    port.postMessage({ id, failed: error instanceof Error ? error.message : String(error) } satisfies EmbedReply);
  }
});
