import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { ReadError, type DocumentReader, type DocumentStructure, type ReadInfo } from '../core/knowledge/reader.js';
import type { Job, JobResult } from './worker.js';

/** A file that takes longer than this to read is given up (a hostile or broken PDF). */
export const DEFAULT_READ_TIMEOUT_MS = 120_000;
/** Heap of one reader thread: a PDF that needs more is refused rather than taking the bot down. */
const WORKER_HEAP_MB = 1024;

export interface PoolOptions {
  /** Threads; default: half the cores, at least 1, at most 4. */
  size?: number;
  timeoutMs?: number;
}

interface Pending {
  job: Job;
  resolve: (structure: DocumentStructure) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  busy: Pending | null;
}

/**
 * Worker threads that run readers: `wrap(reader)` gives a reader with the same port that reads
 * in a thread. A job that runs past the timeout or out of memory ends its thread (a new one
 * takes its place) and fails with a ReadError naming the cause. Idle threads do not keep the
 * process alive.
 */
export class ReaderPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly size: number;
  private readonly timeoutMs: number;
  private nextId = 1;
  private closed = false;

  constructor(options: PoolOptions = {}) {
    this.size = options.size ?? Math.max(1, Math.min(4, Math.floor(availableParallelism() / 2)));
    this.timeoutMs = options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  }

  wrap(reader: DocumentReader): DocumentReader {
    return {
      name: reader.name,
      extensions: reader.extensions,
      mediaTypes: reader.mediaTypes,
      read: (bytes, info) => this.run(reader.name, bytes, info),
    };
  }

  run(reader: string, bytes: Uint8Array, info: ReadInfo): Promise<DocumentStructure> {
    if (this.closed) return Promise.reject(new Error('the reader pool is closed'));
    // The worker gets its own copy: the caller's buffer stays usable.
    const job: Job = { id: this.nextId++, reader, bytes: new Uint8Array(bytes), info };
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('the reader pool is closed'));
    await Promise.all(this.slots.splice(0).map((slot) => slot.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const pending = this.queue.shift()!;
      slot.busy = pending;
      slot.worker.ref();
      pending.timer = setTimeout(
        () => this.fail(slot!, new ReadError(`took longer than ${Math.round(this.timeoutMs / 1000)} s to read (given up)`)),
        this.timeoutMs,
      );
      slot.worker.postMessage(pending.job, [pending.job.bytes.buffer as ArrayBuffer]);
    }
  }

  private spawn(): Slot {
    const worker = startWorker({ resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    const slot: Slot = { worker, busy: null };
    worker.unref();
    worker.on('message', (result: JobResult) => {
      const pending = slot.busy;
      if (!pending || pending.job.id !== result.id) return;
      this.settle(slot);
      if ('structure' in result) pending.resolve(result.structure);
      else pending.reject(result.readError ? new ReadError(result.error) : new Error(result.error));
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const memory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.fail(slot, memory ? new ReadError(`needed more than ${WORKER_HEAP_MB} MB of memory to read (given up)`) : error);
    });
    worker.on('exit', () => {
      if (slot.busy) this.fail(slot, new Error('the reader thread stopped'));
    });
    this.slots.push(slot);
    return slot;
  }

  private settle(slot: Slot): void {
    if (slot.busy?.timer) clearTimeout(slot.busy.timer);
    slot.busy = null;
    slot.worker.unref();
    queueMicrotask(() => this.dispatch());
  }

  /** Ends a thread whose job failed, and lets a new one take the next job. */
  private fail(slot: Slot, error: Error): void {
    const pending = slot.busy;
    if (!pending) return;
    this.settle(slot);
    const index = this.slots.indexOf(slot);
    if (index >= 0) this.slots.splice(index, 1);
    void slot.worker.terminate();
    pending.reject(error);
  }
}

/**
 * The compiled worker next to this file. Run from the TypeScript sources (vitest, tsx), the
 * thread registers tsx's loader first and imports worker.ts, so tests exercise the same code.
 */
function startWorker(options: WorkerOptions): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here), options);
  // tsx's ES module entry (its "import" export), found from its package file.
  const tsxDir = dirname(createRequire(here).resolve('tsx/package.json'));
  const loader = pathToFileURL(join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const source = `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./worker.ts', here).href)}); });`;
  return new Worker(source, { ...options, eval: true });
}
