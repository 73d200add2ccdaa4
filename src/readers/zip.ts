import JSZip from 'jszip';
import { ReadError } from '../core/knowledge/reader.js';

/** Uncompressed size of one zip entry beyond which it is refused: a zip bomb, not a document. */
const MAX_ENTRY_BYTES = 200 * 1024 * 1024;

/** A zip container (DOCX, EPUB, ODT) whose entries are read as text. */
export interface ZipFile {
  text(path: string): Promise<string | null>;
  has(path: string): boolean;
}

export async function openZip(bytes: Uint8Array, format: string): Promise<ZipFile> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch {
    throw new ReadError(`is not a valid ${format} file (it is not a zip archive)`);
  }
  return {
    has: (path) => zip.file(path) !== null,
    async text(path) {
      const entry = zip.file(path);
      if (!entry) return null;
      // The declared size is checked before inflating anything.
      const size = (entry as unknown as { _data?: { uncompressedSize?: number } })._data?.uncompressedSize ?? 0;
      if (size > MAX_ENTRY_BYTES) throw new ReadError(`holds ${path}, which inflates to more than ${MAX_ENTRY_BYTES / 1024 / 1024} MB`);
      return entry.async('string');
    },
  };
}
