import type { Lang } from '../text/index.js';

/**
 * The port for file formats the core does not read itself (PDF, web pages, Word, EPUB, ODT).
 * A reader turns a file's bytes into a document structure; the core then makes that structure
 * into citable paragraphs the same way for every format (`buildDocument`). Readers live outside
 * the core with their libraries (`src/readers/`), and must be pure functions of their input, so
 * that they can run in a worker thread.
 */
export interface DocumentReader {
  /** A short name for logs and messages: "pdf", "html". */
  readonly name: string;
  /** Lower-case file extensions with their dot: [".pdf"]. */
  readonly extensions: readonly string[];
  /** Media types it reads when a server declares one ("application/pdf"). */
  readonly mediaTypes: readonly string[];
  read(bytes: Uint8Array, info: ReadInfo): Promise<DocumentStructure>;
}

/** What a reader knows of the file besides its bytes. */
export interface ReadInfo {
  /** The file name or its path inside the knowledge folder. */
  name: string;
  /** Where the bytes were fetched from, for a web page. */
  url?: string;
  /** The Content-Type the server sent with them (its charset decides how a page is decoded). */
  contentType?: string;
  /** The most pages a paged document may have; a longer one is refused (`ReadError`). */
  maxPages?: number;
}

/** A document as a reader sees it: metadata and blocks in reading order. */
export interface DocumentStructure {
  title?: string | null;
  author?: string | null;
  /** `YYYY-MM-DD` when known. */
  date?: string | null;
  /** The page's address, for a web page. */
  url?: string | null;
  lang?: Lang | null;
  /** Page count of a paged document (PDF). */
  pages?: number;
  blocks: Block[];
}

/** One block of a document. `page` is the 1-based page it starts on, for paged formats. */
export type Block =
  | { kind: 'heading'; text: string; level: number; page?: number }
  | { kind: 'paragraph'; text: string; page?: number }
  | { kind: 'quote'; text: string; page?: number }
  | { kind: 'list'; items: string[]; ordered?: boolean; page?: number }
  | { kind: 'table'; header: string[] | null; rows: string[][]; page?: number };

/** A file a reader cannot use, with the reason a person can act on. */
export class ReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReadError';
  }
}

/** The reader for a file name, by extension; null when none reads it. */
export function readerFor(name: string, readers: readonly DocumentReader[]): DocumentReader | null {
  const lower = name.toLowerCase();
  return readers.find((r) => r.extensions.some((ext) => lower.endsWith(ext))) ?? null;
}
