import { buildDocument } from '../core/knowledge/build.js';
import type { KnowledgeDocument } from '../core/knowledge/types.js';
import type { StoredArticle } from './store.js';

/** A stored article as a knowledge document: cited like a web page, its origin kept for briefings. */
export function articleDocument(article: StoredArticle): KnowledgeDocument {
  const doc = buildDocument(article.structure, { document: article.document, collection: article.collection, hash: article.hash, format: 'html' });
  return { ...doc, origin: { kind: article.kind, source: article.source, name: article.sourceName, published: article.published } };
}
