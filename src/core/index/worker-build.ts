/**
 * Building an index in a worker thread, so a large re-index never holds the event loop: the
 * worker parses the changed text files (the near-duplicate check took the main thread up to
 * 290 ms a file), hands each parsed document back, reads the documents' terms, embeds them with
 * the local embedder and builds BM25, then hands the index back as typed arrays (transferred,
 * not copied) and a few joined strings; the main thread assembles it in slices and the caller
 * swaps it in at once.
 */
import type { Worker } from 'node:worker_threads';
import type { SnapshotExtras } from './snapshot.js';
import type { SkippedFile, UnparsedText } from '../knowledge/load.js';
import type { KnowledgeDocument } from '../knowledge/types.js';
import type { Embedder } from './embedder.js';
import { KnowledgeIndex, type IndexState } from './knowledge-index.js';
import type { LocalEmbeddingsOptions } from './local-embeddings.js';
import { searchCount } from './search-gate.js';
import { isShared } from './shared-arena.js';
import { startIndexWorker } from './start-worker.js';
import { nextTurn } from './steps.js';

/** Paragraphs per message between the threads: each message is cloned on the main thread, so small. */
export const PARAGRAPHS_PER_MESSAGE = 1000;

/** The index minus its documents (the main thread has them), in a form cheap to pass between threads. */
export interface PackedState {
  rows: Int32Array;
  bm25: Omit<IndexState['bm25'], 'terms'> & { terms: string };
  vectors: Omit<IndexState['vectors'], 'keys'> & { keys: string };
  spelling: string;
}

/** Where the worker writes the snapshot of the index it built, before handing it over. */
export interface SnapshotTarget {
  file: string;
  embedderId: string;
  extras: SnapshotExtras;
}

/** A new version of a document: parsed already, or a text file for the worker to parse. */
export type Update = KnowledgeDocument | UnparsedText;

/**
 * Updates first (then `parse`: the worker parses them and says which it could not use), then
 * the documents kept from the serving index (then `end`: the worker builds kept + updates).
 */
export type ToWorker =
  | { type: 'updates'; updates: Update[] }
  | { type: 'parse' }
  | { type: 'kept'; documents: KnowledgeDocument[] }
  | { type: 'end'; snapshot: SnapshotTarget | null };
export type FromWorker =
  | { type: 'parsed'; at: number[]; documents: KnowledgeDocument[] }
  | { type: 'skipped'; at: number; file: SkippedFile }
  | { type: 'updated' }
  | { type: 'progress'; done: number; total: number }
  /** `snapshot`: null when none was asked for or it was written, else why it could not be. */
  | { type: 'state'; state: PackedState; snapshot: string | null; pausedMs: number }
  | { type: 'failed'; message: string };

export interface WorkerBuild {
  /** Kept documents, then the updates the worker could parse, in order. */
  index: KnowledgeIndex;
  /** Updates that turned out unusable (a text file not UTF-8, with no paragraphs…). */
  skipped: SkippedFile[];
  /** Whether the worker wrote the snapshot of `index` (`input.snapshot`). */
  snapshotWritten: boolean;
  /** How long the worker paused for questions being searched (search-gate.ts). */
  pausedMs: number;
}

export interface WorkerBuildInput {
  updates: Update[];
  /** The documents to keep before the updates, told which updates could be used. */
  kept?: (updated: KnowledgeDocument[]) => KnowledgeDocument[];
  onProgress?: (done: number, total: number) => void;
  /** Where to write the new index's snapshot, in the worker: the main thread never serialises it. */
  snapshot?: SnapshotTarget | null;
  /** Why the worker could not write the snapshot (the index is handed over all the same). */
  onSnapshotError?: (message: string) => void;
}

/** Whether `buildInWorker` can build for this embedder (the local one: the worker makes the same vectors). */
export function canBuildInWorker(embedder: Embedder): boolean {
  return embedder.localOptions !== undefined;
}

export function isUnparsed(update: Update): update is UnparsedText {
  return 'bytes' in update;
}

/**
 * An index of the kept documents and the updates, in this order, exactly as `addDocuments` on
 * an empty index would build it, built in a worker thread. Rejects if the worker fails.
 */
export async function buildInWorker(embedder: Embedder, input: WorkerBuildInput): Promise<WorkerBuild> {
  const options = embedder.localOptions;
  if (!options) throw new Error(`embedder ${embedder.id} cannot be run in a worker thread`);
  const { updates } = input;
  const worker = startWorker(options);
  // Each update's document as it will be indexed, null when it could not be used.
  const updated: (KnowledgeDocument | null)[] = updates.map((u) => (isUnparsed(u) ? null : u));
  const skipped: SkippedFile[] = [];
  let kept: KnowledgeDocument[] = [];
  let snapshotWritten = false;
  let pausedMs = 0;
  const target = input.snapshot ?? null;
  try {
    const packed = await new Promise<PackedState>((resolve, reject) => {
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'parsed') message.at.forEach((at, i) => (updated[at] = message.documents[i]!));
        else if (message.type === 'skipped') skipped.push(message.file);
        else if (message.type === 'updated') {
          kept = input.kept?.(updated.filter((doc) => doc !== null)) ?? [];
          void send(worker, kept, (documents) => ({ type: 'kept', documents }), { type: 'end', snapshot: target }).catch(reject);
        } else if (message.type === 'progress') input.onProgress?.(message.done, message.total);
        else if (message.type === 'state') {
          snapshotWritten = target !== null && message.snapshot === null;
          pausedMs = message.pausedMs;
          if (message.snapshot !== null) input.onSnapshotError?.(message.snapshot);
          resolve(message.state);
        } else reject(new Error(`the index worker failed: ${message.message}`));
      });
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the index worker stopped (exit code ${code})`)));
      void send(worker, updates, (batch) => ({ type: 'updates', updates: batch }), { type: 'parse' }).catch(reject);
    });
    const documents = [...kept, ...updated.filter((doc) => doc !== null)];
    return { index: await KnowledgeIndex.restore(embedder, unpack(packed, documents)), skipped, snapshotWritten, pausedMs };
  } finally {
    void worker.terminate();
  }
}

/** Items in messages of about PARAGRAPHS_PER_MESSAGE paragraphs, an event-loop turn after each, then `last`. */
async function send<T extends Update>(worker: Worker, items: T[], message: (batch: T[]) => ToWorker, last: ToWorker): Promise<void> {
  let batch: T[] = [];
  let paragraphs = 0;
  for (const item of items) {
    batch.push(item);
    paragraphs += isUnparsed(item) ? item.lines : item.paragraphs.length;
    if (paragraphs >= PARAGRAPHS_PER_MESSAGE) {
      worker.postMessage(message(batch));
      batch = [];
      paragraphs = 0;
      await nextTurn();
    }
  }
  if (batch.length > 0) worker.postMessage(message(batch));
  worker.postMessage(last);
}

/**
 * The worker's side: the built state, its arrays listed for transfer. An array that is a view
 * of a larger buffer is copied first: the vectors live in the matrix's WebAssembly memory,
 * which cannot be transferred, so postMessage silently cloned all of it (capacity included) and
 * the main thread took 150 MB at 100k paragraphs in one native stretch of about a second.
 */
export function pack(state: IndexState): { state: PackedState; transfer: ArrayBuffer[] } {
  const { bm25, vectors } = state;
  const packed: PackedState = {
    rows: own(state.rows),
    bm25: {
      ...bm25,
      terms: bm25.terms.join('\n'),
      counts: own(bm25.counts),
      postings: own(bm25.postings),
      lengths: own(bm25.lengths),
      alive: own(bm25.alive),
    },
    vectors: { ...vectors, data: own(vectors.data), owners: own(vectors.owners), keys: vectors.keys.join('\n') },
    spelling: JSON.stringify(state.spelling),
  };
  const { rows, bm25: b, vectors: v } = packed;
  // Shared arrays (the postings, lengths and liveness, see `Bm25Index.exportState`) are handed over, not moved.
  const transfer = [rows, b.counts, b.postings, b.lengths, b.alive, v.data, v.owners]
    .filter((a) => !isShared(a))
    .map((a) => a.buffer as ArrayBuffer);
  return { state: packed, transfer };
}

/** The array over a buffer of its own (copied when it is a view of a larger one): a buffer that moves whole. */
function own<T extends Int32Array | Uint8Array | Float32Array>(array: T): T {
  return array.byteOffset === 0 && array.byteLength === array.buffer.byteLength ? array : (array.slice() as T);
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

function startWorker(options: LocalEmbeddingsOptions): Worker {
  return startIndexWorker('build-worker', { embedder: options, searches: searchCount() });
}
