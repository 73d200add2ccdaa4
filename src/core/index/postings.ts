/**
 * One term's posting list, delta-coded in bytes: per entry a varint of (row gap × 2 + [tf > 1]),
 * then the tf as a varint when it is above 1. Rows only grow within a list, so gaps are small:
 * about 1.3 bytes an entry where int32 rows and uint16 tfs took 6 (27 million entries at 100k
 * paragraphs: 160 MB → about 40 MB). Scores are read in the same order as before, so they are
 * the same to the last bit.
 */

/** Rows are below 2^27, so an entry's first varint holds at most 4 bytes and stays a small integer. */
export const MAX_ROWS = 1 << 27;
/** Room for one entry: two varints of at most 4 bytes. */
const ENTRY_BYTES = 8;
/** A list doubles while short, then grows by a quarter (the long lists hold most entries). */
const GROW_BY_QUARTER_FROM = 1024;

export interface Posting {
  bytes: Uint8Array;
  /** Bytes in use (the array may be longer). */
  used: number;
  /** Entries. */
  n: number;
  /** Live rows among them. */
  df: number;
  /** The row of the last entry (gaps count from it); -1 when empty. */
  last: number;
}

export function emptyPosting(): Posting {
  return { bytes: new Uint8Array(ENTRY_BYTES), used: 0, n: 0, df: 0, last: -1 };
}

/** Appends an entry; `row` is above every row in the list. */
export function appendEntry(posting: Posting, row: number, tf: number): void {
  if (posting.used + ENTRY_BYTES > posting.bytes.length) {
    const size = posting.used < GROW_BY_QUARTER_FROM ? posting.used * 2 : posting.used + (posting.used >> 2);
    const next = new Uint8Array(Math.max(size, posting.used + ENTRY_BYTES));
    next.set(posting.bytes.subarray(0, posting.used));
    posting.bytes = next;
  }
  const bytes = posting.bytes;
  let at = posting.used;
  let v = (row - posting.last) * 2 + (tf > 1 ? 1 : 0);
  while (v >= 0x80) {
    bytes[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  bytes[at++] = v;
  if (tf > 1) {
    let t = tf;
    while (t >= 0x80) {
      bytes[at++] = (t & 0x7f) | 0x80;
      t >>>= 7;
    }
    bytes[at++] = t;
  }
  posting.used = at;
  posting.last = row;
  posting.n++;
}

/**
 * Decodes `count` entries starting at byte `at` (the row before them `row`) into `rows` and
 * `tfs`; returns the byte after them. The one varint decoder: callers decode a block at a time
 * into small buffers and loop over those, which costs no more than decoding inline.
 */
export function decodeEntries(bytes: Uint8Array, at: number, row: number, count: number, rows: Int32Array, tfs: Int32Array): number {
  for (let e = 0; e < count; e++) {
    let v = bytes[at++]!;
    if (v >= 0x80) {
      v &= 0x7f;
      let shift = 7;
      let x: number;
      do {
        x = bytes[at++]!;
        v |= (x & 0x7f) << shift;
        shift += 7;
      } while (x >= 0x80);
    }
    row += v >>> 1;
    let tf = 1;
    if (v & 1) {
      tf = bytes[at++]!;
      if (tf >= 0x80) {
        tf &= 0x7f;
        let shift = 7;
        let x: number;
        do {
          x = bytes[at++]!;
          tf |= (x & 0x7f) << shift;
          shift += 7;
        } while (x >= 0x80);
      }
    }
    rows[e] = row;
    tfs[e] = tf;
  }
  return at;
}

/** Entries `decodeEntries` is asked for at a time by the loops here. */
const CHUNK = 128;
const chunkRows = new Int32Array(CHUNK);
const chunkTfs = new Int32Array(CHUNK);

/** Calls `visit(row, tf)` for each entry, in row order (for what is not on a question's path). */
export function forEachEntry(posting: Posting, visit: (row: number, tf: number) => void): void {
  let at = 0;
  let row = -1;
  for (let done = 0; done < posting.n; done += CHUNK) {
    const count = Math.min(CHUNK, posting.n - done);
    at = decodeEntries(posting.bytes, at, row, count, chunkRows, chunkTfs);
    row = chunkRows[count - 1]!;
    for (let e = 0; e < count; e++) visit(chunkRows[e]!, chunkTfs[e]!);
  }
}
