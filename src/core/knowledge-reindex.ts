import type { CachedEmbedder } from './index/embedding-cache.js';
import type { KnowledgeIndex } from './index/knowledge-index.js';
import { nextTurn } from './index/steps.js';
import { buildInWorker, canBuildInWorker, isUnparsed, type Update } from './index/worker-build.js';
import { parseKnowledgeText, type SkippedFile } from './knowledge/load.js';
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

/** What a refresh changes; updates that turn out unusable once parsed move to `skipped`. */
export interface Changes {
  added: string[];
  changed: string[];
  removed: string[];
  skipped: SkippedFile[];
}

/**
 * Puts new versions of documents in the index and takes removed ones out, all at once: a
 * question asked meanwhile is answered from the last version, never from a mix. A large change
 * is parsed and built as a whole new index in a worker thread and returned to be swapped in; a
 * small one is parsed here and prepared beside the serving index, then applied to it in one
 * step (`current` is returned).
 */
export async function reindex(current: KnowledgeIndex, updates: Update[], change: Changes, deps: ReindexDeps): Promise<KnowledgeIndex> {
  const { embedder, logger, snapshot } = deps;
  const { removed } = change;
  // A text file not parsed yet counts its lines: it has no more paragraphs than that.
  const paragraphs = updates.reduce((n, update) => n + (isUnparsed(update) ? update.lines : update.paragraphs.length), 0);
  if (paragraphs >= deps.workerMinParagraphs && canBuildInWorker(embedder)) {
    const kept = (updated: KnowledgeDocument[]) => {
      const replaced = new Set([...removed, ...updated.map((doc) => doc.document)]);
      return [...current.documents.values()].filter((doc) => !replaced.has(doc.document));
    };
    // The worker writes the new index's snapshot before handing it over: at 100k paragraphs,
    // serialising it here held the event loop for about a second.
    const { target, done } = await snapshot.toWorker();
    try {
      const onSnapshotError = (error: string) =>
        logger.warn('the index worker could not write the snapshot; writing it here later', { error });
      const { index, skipped, snapshotWritten, pausedMs } = await buildInWorker(embedder, {
        updates,
        kept,
        snapshot: target,
        onSnapshotError,
      });
      skipping(change, skipped, index);
      // The caller marks the snapshot stale only when something changed: then it is current already.
      done(snapshotWritten && change.added.length + change.changed.length + change.removed.length > 0);
      await snapshot.idle();
      embedder.retain(index.embeddingKeys());
      const pausedForQuestions = `${(pausedMs / 1000).toFixed(1)} s`;
      logger.info('knowledge re-indexed in a worker thread', {
        documents: index.documents.size,
        paragraphs: index.size,
        pausedForQuestions,
      });
      return index;
    } catch (error) {
      done(false);
      logger.warn('the index worker failed; re-indexing on the main thread', { error });
    }
  }
  const skipped: SkippedFile[] = [];
  const documents: KnowledgeDocument[] = [];
  for (const update of updates) {
    const parsed = isUnparsed(update) ? parseKnowledgeText(update) : update;
    if ('reason' in parsed) skipped.push(parsed);
    else documents.push(parsed);
    if (isUnparsed(update)) await nextTurn();
  }
  const prepared = documents.length > 0 ? await current.prepare(documents, undefined, { terms: true }) : null;
  await snapshot.idle();
  current.removeDocuments(removed);
  if (prepared) current.apply(prepared);
  return skipping(change, skipped, current);
}

/** The last good version of a skipped update keeps serving: it is reported, not changed. */
function skipping(change: Changes, skipped: SkippedFile[], index: KnowledgeIndex): KnowledgeIndex {
  const gone = new Set(skipped.map((file) => file.document));
  change.skipped.push(...skipped);
  change.added = change.added.filter((document) => !gone.has(document));
  change.changed = change.changed.filter((document) => !gone.has(document));
  return index;
}
