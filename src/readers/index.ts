import type { DocumentReader } from '../core/knowledge/reader.js';
import { ReaderPool, type PoolOptions } from './pool.js';
import { IN_THREAD_READERS } from './registry.js';

export { IN_THREAD_READERS } from './registry.js';
export { ReaderPool, DEFAULT_READ_TIMEOUT_MS } from './pool.js';
export type { PoolOptions } from './pool.js';
export { readHtmlPage, htmlReader } from './html.js';
export { pdfReader } from './pdf/index.js';
export { docxReader } from './docx.js';
export { epubReader } from './epub.js';
export { odtReader } from './odt.js';

/** The readers for knowledge files, each running in a worker thread of one pool. */
export function createReaders(options: PoolOptions = {}): { readers: DocumentReader[]; close(): Promise<void> } {
  const pool = new ReaderPool(options);
  return { readers: IN_THREAD_READERS.map((r) => pool.wrap(r)), close: () => pool.close() };
}
