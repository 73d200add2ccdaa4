import type { Bm25Pieces } from './index/bm25.js';
import type { IndexState } from './index/knowledge-index.js';
import { writeSnapshot, type SnapshotExtras } from './index/snapshot.js';
import type { SnapshotTarget } from './index/worker-build.js';
import type { Logger } from './ports.js';

/** After a change the snapshot is rewritten this much later (and on close), not at every save. */
const SNAPSHOT_DELAY_MS = 10_000;

/**
 * Keeps the index snapshot in step with the index it serves: `changed()` marks it stale and
 * writes it a while later, `save()` writes it now if stale. A snapshot is written from views of
 * the index, so the index must not change while one is written: `idle()` waits for the write.
 */
export class SnapshotWriter {
  /** Where the snapshot lives; null for none (no cache folder, or not set yet). */
  file: string | null = null;
  /** Whether the index has changed since the snapshot was written. */
  stale = false;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  /** Set when the index worker wrote the snapshot of the index now swapped in: its `changed()` is in it already. */
  private written = false;

  constructor(
    private readonly embedderId: string,
    private readonly logger: Logger,
    private readonly state: () => IndexState<Bm25Pieces>,
    private readonly extras: () => SnapshotExtras,
  ) {}

  /** The index changed: the snapshot is rewritten `SNAPSHOT_DELAY_MS` from now. */
  changed(): void {
    if (this.written) return void (this.written = false);
    this.stale = true;
    if (this.file && !this.timer) {
      this.timer = setTimeout(() => void this.save(), SNAPSHOT_DELAY_MS);
      this.timer.unref();
    }
  }

  /** Writes the snapshot now when the index has changed since the last one. */
  async save(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.idle();
    if (!this.file || !this.stale) return;
    this.stale = false;
    const file = this.file;
    this.writing = writeSnapshot(file, this.embedderId, this.state(), this.extras())
      .catch((error: unknown) => this.logger.warn('could not write the index snapshot; the next start re-indexes', { error, file }))
      .finally(() => (this.writing = null));
    await this.writing;
  }

  /**
   * Has the index worker write the snapshot of the index it builds (`SnapshotTarget`), null for
   * none: no write starts here until `done` is called, with whether the worker wrote it for a
   * change. Then the snapshot is current, and the `changed()` that follows for that change is
   * taken as done.
   */
  async toWorker(): Promise<{ target: SnapshotTarget | null; done: (written: boolean) => void }> {
    await this.idle();
    if (!this.file) return { target: null, done: () => undefined };
    let done!: (written: boolean) => void;
    this.writing = new Promise<boolean>((resolve) => (done = resolve)).then((written) => {
      this.writing = null;
      if (!written) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.stale = false;
      this.written = true;
    });
    return { target: { file: this.file, embedderId: this.embedderId, extras: this.extras() }, done };
  }

  /** Resolves once no snapshot is being written. */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }
}
