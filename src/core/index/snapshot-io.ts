/** Writing and reading a snapshot's parts in pieces (snapshot.ts). */
import { crc32 } from 'node:zlib';

/** Small pieces (a term's postings) are gathered into writes of this size. */
export const STAGE_BYTES = 8 << 20;

export function pieces(array: ArrayBufferView | ArrayBufferView[]): ArrayBufferView[] {
  return Array.isArray(array) ? array : [array];
}

export function* later(chunk: () => Uint8Array): Generator<Uint8Array> {
  yield chunk();
}

/** The bytes of many typed arrays, gathered into few large chunks (each chunk is written before the next is made). */
export function* staged(arrays: ArrayBufferView[]): Generator<Uint8Array> {
  const stage = new Uint8Array(STAGE_BYTES);
  let used = 0;
  for (const array of arrays) {
    const piece = bytes(array);
    if (piece.byteLength >= STAGE_BYTES) {
      if (used > 0) yield stage.subarray(0, used);
      used = 0;
      yield piece;
      continue;
    }
    if (used + piece.byteLength > STAGE_BYTES) {
      yield stage.subarray(0, used);
      used = 0;
    }
    stage.set(piece, used);
    used += piece.byteLength;
  }
  if (used > 0) yield stage.subarray(0, used);
}

/** Reads `length` bytes at `position` into `into`; the bytes read. */
export type ReadAt = (into: Uint8Array, length: number, position: number) => Promise<number>;

/**
 * Reads a part of `length` bytes (into `part`, or only checked when it is a length) from `at`
 * through `stage`, a buffer used again for every piece, and returns its CRC-32 (null when the
 * file ends first). Read straight into the part, the CRC was the first touch of its freshly read
 * pages, which on this project's VMs cost more than the read (1.3-1.8 s CPU for 200 MB against
 * 1.0-1.1 s through the stage, each piece checked while it is still in the cache, then copied).
 */
export async function readPart(readAt: ReadAt, part: Uint8Array | number, at: number, stage: Uint8Array): Promise<number | null> {
  const total = typeof part === 'number' ? part : part.byteLength;
  let crc = 0;
  for (let done = 0; done < total;) {
    const length = Math.min(stage.byteLength, total - done);
    if ((await readAt(stage, length, at + done)) !== length) return null;
    const piece = stage.subarray(0, length);
    crc = crc32(piece, crc);
    if (typeof part !== 'number') part.set(piece, done);
    done += length;
  }
  return crc;
}

function bytes(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}
