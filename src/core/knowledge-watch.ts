import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Logger } from './ports.js';

/**
 * How often the watched folder's own identity is checked. A watcher follows the folder it was
 * given, not its name: after `mv ks ks.old; mv ks.new ks` it would watch ks.old for ever.
 */
export const WATCH_CHECK_MS = 2000;

/**
 * Watches the knowledge folder for changes, and for being replaced: every change event, and the
 * folder coming back or being swapped for another, calls `onChange` (the knowledge base
 * debounces it into one refresh).
 */
export class FolderWatch {
  private watcher: FSWatcher | null = null;
  /** dev:ino of the folder being watched, or null when it is gone. */
  private watched: string | null = null;
  private checker: NodeJS.Timeout | null = null;

  private constructor(
    private readonly dir: string,
    private readonly logger: Logger,
    private readonly onChange: () => void,
  ) {}

  static async start(dir: string, options: { checkMs: number; logger: Logger; onChange: () => void }): Promise<FolderWatch> {
    const folder = new FolderWatch(dir, options.logger, options.onChange);
    folder.attach();
    folder.watched = await folderIdentity(dir);
    folder.checker = setInterval(() => void folder.check(), options.checkMs);
    folder.checker.unref();
    return folder;
  }

  stop(): void {
    this.watcher?.close();
    if (this.checker) clearInterval(this.checker);
    this.checker = null;
  }

  private attach(): void {
    this.watcher?.close();
    this.watcher = null;
    try {
      this.watcher = watch(this.dir, { recursive: true }, () => this.onChange());
      this.watcher.on('error', (error) => this.logger.warn('knowledge watcher stopped', { error }));
    } catch (error) {
      this.logger.warn('cannot watch the knowledge folder; changes need a restart', { error, dir: this.dir });
    }
  }

  /** Re-attaches the watcher when the folder was replaced (or came back), and has it re-read. */
  private async check(): Promise<void> {
    const dir = this.dir;
    const now = await folderIdentity(dir);
    if (now === this.watched || !this.checker) return;
    const was = this.watched;
    this.watched = now;
    if (now === null) {
      this.logger.warn('the knowledge folder is gone; the last version keeps serving until it is back', { dir });
      return;
    }
    this.logger.info(
      was === null ? 'the knowledge folder is back; watching it again' : 'the knowledge folder was replaced; watching the new one',
      { dir },
    );
    this.attach();
    this.onChange();
  }
}

async function folderIdentity(dir: string): Promise<string | null> {
  try {
    const s = await stat(dir, { bigint: true });
    return s.isDirectory() ? `${s.dev}:${s.ino}` : null;
  } catch {
    return null;
  }
}
