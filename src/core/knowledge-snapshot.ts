import type { Bm25Pieces } from './index/bm25.js';
import type { IndexState } from './index/knowledge-index.js';
import { writeSnapshot, type SnapshotExtras } from './index/snapshot.js';
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

  constructor(
    private readonly embedderId: string,
    private readonly logger: Logger,
    private readonly contents: () => { state: IndexState<Bm25Pieces>; extras: SnapshotExtras },
  ) {}

  /** The index changed: the snapshot is rewritten `SNAPSHOT_DELAY_MS` from now. */
  changed(): void {
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
    const { state, extras } = this.contents();
    this.writing = writeSnapshot(file, this.embedderId, state, extras)
      .catch((error: unknown) => this.logger.warn('could not write the index snapshot; the next start re-indexes', { error, file }))
      .finally(() => (this.writing = null));
    await this.writing;
  }

  /** Resolves once no snapshot is being written. */
  async idle(): Promise<void> {
    while (this.writing) await this.writing;
  }
}
