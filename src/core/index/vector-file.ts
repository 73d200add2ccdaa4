/** Float32 vectors stored one after another in a file (the embedding cache and its scratch file), read and copied by rows. */
import type { FileHandle } from 'node:fs/promises';

/** Files are copied and read in pieces of this size. */
export const COPY_BYTES = 8 << 20;
/** The cache file's header (a JSON line of hashes) is looked for in blocks this size. */
const HEADER_BLOCK = 256 << 10;

/** Vectors in a file, one after another: the row of each key, `dim` float32 a row from `bodyAt`. */
export interface VectorFile {
  handle: FileHandle;
  path: string;
  dim: number;
  bodyAt: number;
  rows: Map<string, number>;
}

/** Copies the rows of `keys` (in the file's order, runs at once) to `out` at `at`; returns the bytes written. */
export async function copyRows(from: VectorFile, keys: string[], out: FileHandle, at: number): Promise<number> {
  const rowBytes = from.dim * 4;
  const perRead = Math.max(1, Math.floor(COPY_BYTES / rowBytes));
  let written = 0;
  for (let i = 0; i < keys.length;) {
    const first = from.rows.get(keys[i]!)!;
    let end = i + 1;
    while (end < keys.length && end - i < perRead && from.rows.get(keys[end]!) === first + (end - i)) end++;
    const run = await readRows(from, first, end - i);
    written += (await out.write(new Uint8Array(run.buffer, run.byteOffset, run.byteLength), 0, run.byteLength, at + written)).bytesWritten;
    i = end;
  }
  return written;
}

export async function readRows(from: VectorFile, row: number, rows: number): Promise<Float32Array> {
  const run = new Float32Array(rows * from.dim);
  const bytes = new Uint8Array(run.buffer);
  const { bytesRead } = await from.handle.read(bytes, 0, bytes.byteLength, from.bodyAt + row * from.dim * 4);
  if (bytesRead !== bytes.byteLength) throw new RangeError(`the embedding cache ${from.path} is cut short`);
  return run;
}

export async function readHeader(handle: FileHandle): Promise<{ id: string; dim: number; keys: string[]; bodyAt: number } | null> {
  const blocks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const block = Buffer.alloc(HEADER_BLOCK);
    const { bytesRead } = await handle.read(block, 0, block.length, at);
    if (bytesRead === 0) return null;
    const newline = block.subarray(0, bytesRead).indexOf(10);
    blocks.push(block.subarray(0, newline >= 0 ? newline : bytesRead));
    if (newline >= 0) {
      const header = JSON.parse(Buffer.concat(blocks).toString('utf8')) as { id: string; dim: number; keys: string[] };
      return { ...header, bodyAt: at + newline + 1 };
    }
    at += bytesRead;
  }
}
