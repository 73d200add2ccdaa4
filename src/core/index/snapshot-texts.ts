/**
 * The texts of a restored index, left where they are (issue 18): each paragraph's text is read
 * from the snapshot when it is read, not when the index is restored. At 100k paragraphs the
 * texts were 106 MB, decoded (a third of a restart) or copied into fresh memory (a quarter),
 * most of them never shown; at a million they would be a gigabyte of memory.
 */
import { close, closeSync, readSync } from 'node:fs';
import type { Paragraph } from '../knowledge/types.js';

export type TextEncoding = 'latin1' | 'utf16le';

/** Where restored texts are read from: bytes in memory, or a part of the snapshot file. */
export interface TextSource {
  readonly byteLength: number;
  text(start: number, end: number, encoding: TextEncoding): string;
}

export function textsInMemory(bytes: Uint8Array): TextSource {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { byteLength: bytes.byteLength, text: (start, end, encoding) => buffer.toString(encoding, start, end) };
}

/** Open snapshot files are closed once no paragraph reads from them any more. */
const unread = new FinalizationRegistry<number>((fd) => close(fd, () => {}));

/**
 * The texts part of a snapshot, read from the file it was checked in: the descriptor stays open
 * (snapshots are replaced by a rename, never written in place, so its bytes do not change under
 * it) until `close` or until no paragraph holds it. A read is one `pread` of a few hundred bytes.
 */
export class TextsInFile implements TextSource {
  private closed = false;

  constructor(
    private readonly fd: number,
    private readonly at: number,
    readonly byteLength: number,
  ) {
    unread.register(this, fd, this);
  }

  text(start: number, end: number, encoding: TextEncoding): string {
    const bytes = Buffer.allocUnsafe(end - start);
    if (bytes.byteLength > 0 && readSync(this.fd, bytes, 0, bytes.byteLength, this.at + start) !== bytes.byteLength) {
      throw new RangeError('the index snapshot was cut short under the index');
    }
    return bytes.toString(encoding);
  }

  /** Closes the file now, before the refusal is returned (a snapshot refused after its texts were found). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    unread.unregister(this);
    closeSync(this.fd);
  }
}

/** Where a restored paragraph's text lies in its source, until it is read. */
class TextBytes {
  constructor(
    readonly source: TextSource,
    readonly encoding: TextEncoding,
    readonly start: number,
    readonly end: number,
  ) {}
}

const TEXT_BYTES = Symbol('text bytes');

type LazyParagraph = Paragraph & { [TEXT_BYTES]: TextBytes };

/**
 * The `text` of a restored paragraph: an own enumerable property like any other (JSON, spread,
 * structured clone and equality see the string), read from its source each time it is read, and
 * a plain value once assigned. The getter and setter are shared, so every paragraph keeps the
 * same hidden class.
 */
const LAZY_TEXT: PropertyDescriptor = {
  get(this: LazyParagraph): string {
    const at = this[TEXT_BYTES];
    return at.source.text(at.start, at.end, at.encoding);
  },
  set(this: LazyParagraph, text: string) {
    Object.defineProperty(this, 'text', { value: text, writable: true, enumerable: true, configurable: true });
  },
  enumerable: true,
  configurable: true,
};

/** Gives `p` the text that lies from `start` to `end` in `source`, read when it is read. */
export function lazyText(p: object, source: TextSource, encoding: TextEncoding, start: number, end: number): void {
  Object.defineProperty(p, TEXT_BYTES, { value: new TextBytes(source, encoding, start, end) });
  Object.defineProperty(p, 'text', LAZY_TEXT);
}
