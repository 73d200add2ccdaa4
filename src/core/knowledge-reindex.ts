import type { CachedEmbedder } from './index/embedding-cache.js';
import type { KnowledgeIndex } from './index/knowledge-index.js';
import { buildInWorker, canBuildInWorker } from './index/worker-build.js';
import type { SnapshotWriter } from './knowledge-snapshot.js';
import type { KnowledgeDocument } from './knowledge/types.js';
import type { Logger } from './ports.js';

/**
 * A refresh re-indexing at least this many paragraphs builds the whole new index in a worker
 * thread and swaps it in; a smaller one is applied in place, which takes a few milliseconds.
 */
export const WORKER_MIN_PARAGRAPHS = 2000;

export interface ReindexDeps {
  embedder: CachedEmbedder;
  logger: Logger;
  /** The index must not change while its snapshot is written: each change waits for the write. */
  snapshot: SnapshotWriter;
  workerMinParagraphs: number;
}

/**
 * Puts new versions of documents in the index and takes removed ones out, all at once: a
 * question asked meanwhile is answered from the last version, never from a mix. A large change
 * is built as a whole new index in a worker thread and returned to be swapped in; a small one is
 * prepared beside the serving index and applied to it in one step (`current` is returned).
 */
export async function reindex(
  current: KnowledgeIndex,
  updates: KnowledgeDocument[],
  removed: string[],
  deps: ReindexDeps,
): Promise<KnowledgeIndex> {
  const { embedder, logger, snapshot } = deps;
  const paragraphs = updates.reduce((n, doc) => n + doc.paragraphs.length, 0);
  if (paragraphs >= deps.workerMinParagraphs && canBuildInWorker(embedder)) {
    const replaced = new Set([...removed, ...updates.map((doc) => doc.document)]);
    const kept = [...current.documents.values()].filter((doc) => !replaced.has(doc.document));
    try {
      const next = await buildInWorker([...kept, ...updates], embedder);
      await snapshot.idle();
      embedder.retain(next.embeddingKeys());
      logger.info('knowledge re-indexed in a worker thread', { documents: next.documents.size, paragraphs: next.size });
      return next;
    } catch (error) {
      logger.warn('the index worker failed; re-indexing on the main thread', { error });
    }
  }
  const prepared = updates.length > 0 ? await current.prepare(updates, undefined, { terms: true }) : null;
  await snapshot.idle();
  current.removeDocuments(removed);
  if (prepared) current.apply(prepared);
  return current;
}
