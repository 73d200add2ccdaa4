import type { AppConfig } from '../config/env.js';
import type { Logger } from '../core/ports.js';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** What every `sanad` command gets: its streams, the resolved config, a logger and its parsed options. */
export interface CliContext {
  io: CliIo;
  config: AppConfig;
  logger: Logger;
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}
