/**
 * The documents of an index snapshot in parts: their JSON with every paragraph's text left out
 * (and the fields it repeats from its document), the texts one document after another, and the
 * length of each text. At 100k paragraphs one
 * JSON.parse of all of it (122 MB) took 1.7 s and left a heap of short-lived strings for the
 * garbage collector. Each document's texts are kept as Latin-1 when every character fits a byte,
 * else as UTF-16: both decode by copying (UTF-8 took 1.5 s for 100 MB of Arabic), and UTF-16
 * gives back any string exactly. A restored paragraph's text stays in those bytes and is
 * decoded when it is read (snapshot-texts.ts).
 */
import type { KnowledgeDocument, Paragraph } from '../knowledge/types.js';
import { lazyText, textsInMemory, type TextSource } from './snapshot-texts.js';

/** Bytes a character takes in a document's texts: Latin-1 or UTF-16LE. */
const LATIN1 = 1;
const UTF16 = 2;

export interface DocumentParts {
  /** The documents' JSON, one document at a time. */
  json: Iterable<Uint8Array>;
  /** The paragraphs' texts, one document's at a time. */
  texts: Iterable<Uint8Array>;
  /** Per document: the bytes each character of its texts takes (LATIN1 or UTF16). */
  textWidths: Uint8Array;
  /** Per paragraph, in document order: its text's length in UTF-16 units. */
  textLengths: Int32Array;
}

/**
 * The parts of `documents`, made as they are written: each document's encoding and its texts'
 * lengths are found while its texts are (all of them at once held the event loop for 100 MB).
 * `textWidths` and `textLengths` are complete once `texts` has been read through.
 */
export function documentParts(documents: KnowledgeDocument[]): DocumentParts {
  const textWidths = new Uint8Array(documents.length);
  const textLengths = new Int32Array(documents.reduce((n, doc) => n + doc.paragraphs.length, 0));
  function* json(): Generator<Uint8Array> {
    yield Buffer.from('[', 'utf8');
    for (const [d, doc] of documents.entries()) {
      yield Buffer.from((d > 0 ? ',' : '') + JSON.stringify({ ...doc, paragraphs: compact(doc) }), 'utf8');
    }
    yield Buffer.from(']', 'utf8');
  }
  function* texts(): Generator<Uint8Array> {
    let i = 0;
    for (const [d, doc] of documents.entries()) {
      const width = doc.paragraphs.every((p) => !BEYOND_LATIN1.test(p.text)) ? LATIN1 : UTF16;
      textWidths[d] = width;
      for (const p of doc.paragraphs) textLengths[i++] = p.text.length;
      const all = doc.paragraphs.map((p) => p.text).join('');
      if (all.length > 0) yield Buffer.from(all, width === LATIN1 ? 'latin1' : 'utf16le');
      // Each document's texts start at an even offset, so UTF-16 is decoded without a copy to align it.
      if (all.length % 2 === 1 && width === LATIN1) yield PAD;
    }
  }
  return { json: json(), texts: texts(), textWidths, textLengths };
}

/**
 * A document's paragraphs as rows of values, each with the index of its key order (its shape):
 * a field equal to the document's own, and the text, is 0 (they are strings otherwise). A
 * paragraph's JSON was 180 bytes at 100k paragraphs, most of it the document's path and title.
 */
interface CompactParagraphs {
  shapes: string[][];
  rows: unknown[][];
}

const FROM_DOCUMENT = new Set(['document', 'collection', 'title', 'lang', 'text']);

function compact(doc: KnowledgeDocument): CompactParagraphs {
  const shapes: string[][] = [];
  const index = new Map<string, number>();
  const rows = doc.paragraphs.map((p) => {
    // As JSON.stringify of the paragraph would: keys holding undefined are left out.
    const keys = Object.keys(p).filter((k) => (p as unknown as Record<string, unknown>)[k] !== undefined);
    const key = keys.join(',');
    let shape = index.get(key);
    if (shape === undefined) {
      shape = shapes.push(keys) - 1;
      index.set(key, shape);
    }
    const own = doc as unknown as Record<string, unknown>;
    return [
      shape,
      ...keys.map((k) =>
        FROM_DOCUMENT.has(k) && (k === 'text' || (p as unknown as Record<string, unknown>)[k] === own[k])
          ? 0
          : (p as unknown as Record<string, unknown>)[k],
      ),
    ];
  });
  return { shapes, rows };
}

/** A document's paragraphs from their rows, each text given by `text`. */
function expand(doc: KnowledgeDocument, { shapes, rows }: CompactParagraphs, text: (i: number, p: object) => void): Paragraph[] {
  const own = doc as unknown as Record<string, unknown>;
  return rows.map((row, i) => {
    const keys = shapes[row[0] as number];
    if (!keys || keys.length !== row.length - 1) throw new RangeError(`a paragraph of ${doc.document} has no shape`);
    const p: Record<string | symbol, unknown> = {};
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const value = row[k + 1];
      if (key === 'text' && value === 0) text(i, p);
      else p[key] = value === 0 && FROM_DOCUMENT.has(key) ? own[key] : value;
    }
    return p as unknown as Paragraph;
  });
}

const BEYOND_LATIN1 = /[\u0100-\uffff]/;
const PAD = new Uint8Array(1);

/** The documents back from their parts, exactly as written (throws when the parts do not agree). */
export function documentsFromParts(
  json: Uint8Array,
  texts: Uint8Array | TextSource,
  textWidths: Uint8Array,
  textLengths: Int32Array,
): KnowledgeDocument[] {
  const documents = JSON.parse(decode(json, 0, json.byteLength, 'utf8')) as KnowledgeDocument[];
  const source = texts instanceof Uint8Array ? textsInMemory(texts) : texts;
  if (documents.length !== textWidths.length) throw new RangeError('the documents and their texts do not agree');
  let at = 0;
  let i = 0;
  for (const [d, doc] of documents.entries()) {
    const compacted = doc.paragraphs as unknown as CompactParagraphs;
    const count = compacted.rows.length;
    const width = textWidths[d]!;
    if (width !== LATIN1 && width !== UTF16) throw new RangeError(`the texts of ${doc.document} have no encoding`);
    let length = 0;
    for (let j = 0; j < count; j++) length += textLengths[i + j] ?? NaN;
    if (!(at + length * width <= texts.byteLength)) throw new RangeError('the documents and their texts do not agree');
    const encoding = width === LATIN1 ? 'latin1' : 'utf16le';
    const ends: number[] = [];
    for (let j = 0, c = at; j < count; j++) ends.push((c += textLengths[i++]! * width));
    doc.paragraphs = expand(doc, compacted, (j, p) => lazyText(p, source, encoding, j > 0 ? ends[j - 1]! : at, ends[j]!));
    at += length * width + ((length * width) % 2);
  }
  if (at !== texts.byteLength || i !== textLengths.length) throw new RangeError('the documents and their texts do not agree');
  return documents;
}

function decode(bytes: Uint8Array, start: number, end: number, encoding: BufferEncoding): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString(encoding, start, end);
}
