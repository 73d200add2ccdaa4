import type { DocumentReader } from '../core/knowledge/reader.js';
import { docxReader } from './docx.js';
import { epubReader } from './epub.js';
import { htmlReader } from './html.js';
import { odtReader } from './odt.js';
import { pdfReader } from './pdf/index.js';

/** Every reader, in the thread that calls them. `createReaders` runs them in worker threads. */
export const IN_THREAD_READERS: readonly DocumentReader[] = [pdfReader, htmlReader, docxReader, epubReader, odtReader];
