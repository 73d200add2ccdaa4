/**
 * Building an index in a worker thread, so a large re-index never holds the event loop: the
 * worker reads the documents' terms, embeds them with the local embedder and builds BM25, then
 * hands the index back as typed arrays (transferred, not copied) and a few joined strings; the
 * main thread assembles it in slices and the caller swaps it in at once.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { KnowledgeDocument } from '../knowledge/types.js';
import type { Embedder } from './embedder.js';
import { KnowledgeIndex, type IndexState } from './knowledge-index.js';
import type { LocalEmbeddingsOptions } from './local-embeddings.js';
import { nextTurn } from './steps.js';

/** Paragraphs per message to the worker: each message is cloned on the main thread, so small. */
const PARAGRAPHS_PER_MESSAGE = 1000;

/** The index minus its documents (the main thread has them), in a form cheap to pass between threads. */
export interface PackedState {
  rows: Int32Array;
  bm25: Omit<IndexState['bm25'], 'terms'> & { terms: string };
  vectors: Omit<IndexState['vectors'], 'keys'> & { keys: string };
  spelling: string;
}

export type ToWorker = { type: 'documents'; documents: KnowledgeDocument[] } | { type: 'end' };
export type FromWorker =
  { type: 'progress'; done: number; total: number } | { type: 'state'; state: PackedState } | { type: 'failed'; message: string };

/** Whether `buildInWorker` can build for this embedder (the local one: the worker makes the same vectors). */
export function canBuildInWorker(embedder: Embedder): boolean {
  return embedder.localOptions !== undefined;
}

/**
 * An index of `documents`, in this order, exactly as `addDocuments` on an empty index would
 * build it, built in a worker thread. Rejects if the worker fails.
 */
export async function buildInWorker(
  documents: KnowledgeDocument[],
  embedder: Embedder,
  onProgress?: (done: number, total: number) => void,
): Promise<KnowledgeIndex> {
  const options = embedder.localOptions;
  if (!options) throw new Error(`embedder ${embedder.id} cannot be run in a worker thread`);
  const worker = startWorker(options);
  try {
    const packed = await new Promise<PackedState>((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'progress') onProgress?.(message.done, message.total);
        else if (message.type === 'state') resolve(message.state);
        else reject(new Error(`the index worker failed: ${message.message}`));
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the index worker stopped (exit code ${code})`)));
      void send(worker, documents).catch(reject);
    });
    return await KnowledgeIndex.restore(embedder, unpack(packed, documents));
  } finally {
    void worker.terminate();
  }
}

async function send(worker: Worker, documents: KnowledgeDocument[]): Promise<void> {
  let batch: KnowledgeDocument[] = [];
  let paragraphs = 0;
  const flush = () => {
    worker.postMessage({ type: 'documents', documents: batch } satisfies ToWorker);
    batch = [];
    paragraphs = 0;
  };
  for (const doc of documents) {
    batch.push(doc);
    paragraphs += doc.paragraphs.length;
    if (paragraphs >= PARAGRAPHS_PER_MESSAGE) {
      flush();
      await nextTurn();
    }
  }
  if (batch.length > 0) flush();
  worker.postMessage({ type: 'end' } satisfies ToWorker);
}

/** The worker's side: the built state, its arrays listed for transfer. */
export function pack(state: IndexState): { state: PackedState; transfer: ArrayBuffer[] } {
  const { bm25, vectors } = state;
  const packed: PackedState = {
    rows: state.rows,
    bm25: { ...bm25, terms: bm25.terms.join('\n') },
    vectors: { ...vectors, keys: vectors.keys.join('\n') },
    spelling: JSON.stringify(state.spelling),
  };
  const arrays = [state.rows, bm25.counts, bm25.postings, bm25.lengths, bm25.alive, vectors.data, vectors.owners];
  const transfer = [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
  return { state: packed, transfer };
}

function unpack(packed: PackedState, documents: KnowledgeDocument[]): IndexState {
  const split = (joined: string) => (joined === '' ? [] : joined.split('\n'));
  return {
    documents,
    rows: packed.rows,
    bm25: { ...packed.bm25, terms: split(packed.bm25.terms) },
    vectors: { ...packed.vectors, keys: split(packed.vectors.keys) },
    spelling: JSON.parse(packed.spelling) as IndexState['spelling'],
  };
}

/**
 * The compiled worker next to this file. Run from the TypeScript sources (vitest, tsx), the
 * thread registers tsx's loader first and imports the .ts file, so tests exercise the same code
 * (as src/readers/pool.ts does; the core cannot import it).
 */
function startWorker(options: LocalEmbeddingsOptions): Worker {
  const here = import.meta.url;
  const workerData = { embedder: options };
  if (!here.endsWith('.ts')) return new Worker(new URL('./build-worker.js', here), { workerData });
  const tsxDir = dirname(createRequire(here).resolve('tsx/package.json'));
  const loader = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const source = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./build-worker.ts', here).href)}); });`;
  return new Worker(source, { eval: true, workerData });
}
