/**
 * Typed arrays carved out of a few large SharedArrayBuffers, so the search helper thread reads
 * them where they are (search-helper.ts): a posting list or a skip-block summary each in its own
 * SharedArrayBuffer would be a million buffers at 1M paragraphs. An arena only grows; it is let
 * go with the index that made it.
 */

/** Bytes a chunk of the arena holds (larger arrays get a buffer of their own). */
const CHUNK_BYTES = 64 << 20;

export class SharedArena {
  private chunk: SharedArrayBuffer | null = null;
  private used = 0;

  /** A zeroed array of `length` elements, 8-byte aligned. */
  allocate<T extends Uint8Array | Int32Array | Float64Array>(
    kind: { new (buffer: SharedArrayBuffer, offset: number, length: number): T; BYTES_PER_ELEMENT: number },
    length: number,
  ): T {
    const bytes = Math.ceil((length * kind.BYTES_PER_ELEMENT) / 8) * 8;
    if (bytes > CHUNK_BYTES / 4) return new kind(new SharedArrayBuffer(bytes), 0, length);
    if (!this.chunk || this.used + bytes > CHUNK_BYTES) {
      this.chunk = new SharedArrayBuffer(CHUNK_BYTES);
      this.used = 0;
    }
    const array = new kind(this.chunk, this.used, length);
    this.used += bytes;
    return array;
  }

  /** A copy of `array` in the arena. */
  copy<T extends Uint8Array | Int32Array | Float64Array>(array: T): T {
    const out = this.allocate(
      array.constructor as unknown as { new (b: SharedArrayBuffer, o: number, l: number): T; BYTES_PER_ELEMENT: number },
      array.length,
    );
    out.set(array as never);
    return out;
  }
}

/** Whether another thread can be handed the array's memory without copying it. */
export function isShared(array: ArrayBufferView): boolean {
  return array.buffer instanceof SharedArrayBuffer;
}

/** A copy of the array in shared memory of its own. */
export function sharedCopy<T extends Uint8Array | Int32Array>(array: T): T {
  const out = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(new SharedArrayBuffer(array.byteLength));
  out.set(array as never);
  return out;
}
