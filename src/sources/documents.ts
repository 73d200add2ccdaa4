import { buildDocument } from '../core/knowledge/build.js';
import type { KnowledgeDocument } from '../core/knowledge/types.js';
import type { SourceConfig } from '../config/file.js';
import type { SourceStore, StoredArticle } from './store.js';

/** A stored article as a knowledge document: cited like a web page, its origin kept for briefings. */
export function articleDocument(article: StoredArticle): KnowledgeDocument {
  const doc = buildDocument(article.structure, {
    document: article.document,
    collection: article.collection,
    hash: article.hash,
    format: 'html',
  });
  return { ...doc, origin: { kind: article.kind, source: article.source, name: article.sourceName, published: article.published } };
}

/** The stored articles of these sources that are still live (not expired), as documents. */
export function storedDocuments(store: SourceStore, sources: SourceConfig[]): KnowledgeDocument[] {
  const configured = new Set(sources.map((s) => s.url));
  const live = new Set(
    store
      .items()
      .filter((i) => i.status === 'indexed')
      .map((i) => i.document),
  );
  return store
    .articles()
    .filter((a) => configured.has(a.source) && live.has(a.document))
    .map(articleDocument);
}
