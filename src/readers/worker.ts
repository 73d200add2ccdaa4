import { parentPort } from 'node:worker_threads';
import { ReadError, type DocumentStructure, type ReadInfo } from '../core/knowledge/reader.js';
import { IN_THREAD_READERS } from './registry.js';

/** A reader job from the pool: one file's bytes and what is known of it. */
export interface Job {
  id: number;
  reader: string;
  bytes: Uint8Array;
  info: ReadInfo;
}

export type JobResult = { id: number; structure: DocumentStructure } | { id: number; error: string; readError: boolean };

// Runs readers off the main thread, so parsing a large PDF never holds up answering.
parentPort?.on('message', (job: Job) => {
  const reader = IN_THREAD_READERS.find((r) => r.name === job.reader);
  const done = (result: JobResult) => parentPort!.postMessage(result);
  if (!reader) return done({ id: job.id, error: `no reader named ${job.reader}`, readError: false });
  reader.read(job.bytes, job.info).then(
    (structure) => done({ id: job.id, structure }),
    (error: unknown) =>
      done({ id: job.id, error: error instanceof Error ? error.message : String(error), readError: error instanceof ReadError }),
  );
});
