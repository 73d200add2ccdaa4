import { SanadError } from '../core/errors.js';
import type { DiscordBriefingMessage } from './render-discord.js';
import type { SlackBriefingMessage } from './render-slack.js';

/** A briefing rendered for one channel's platform; `key` identifies it (platform:channel:day). */
export interface RenderedBriefing {
  key: string;
  day: string;
  /** Plain text (markdown-ish), for logs, the CLI and platforms without a rich format. */
  markdown: string;
  slack?: SlackBriefingMessage;
  discord?: DiscordBriefingMessage;
}

/**
 * The port a briefing is posted through. `findPosted`, when a platform can tell, finds a
 * briefing posted before a crash kept it from being recorded, so it is not posted twice.
 */
export interface BriefingPoster {
  post(channelId: string, rendered: RenderedBriefing): Promise<{ messageId: string }>;
  findPosted?(channelId: string, briefingKey: string): Promise<{ messageId: string } | null>;
}

/**
 * A post that failed in a way worth one more try (5xx, a dropped connection, a rate limit, a
 * timeout): the runner retries it, a bounded number of times, if its claim is still its own.
 * Anything else (no access, a bad channel) fails the run at once.
 */
export function transientPostError(key: string, cause: unknown): SanadError {
  return new SanadError(
    'briefing_post_transient',
    `posting the briefing ${key} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    { cause },
  );
}

export function isTransientPostError(error: unknown): boolean {
  return error instanceof SanadError && error.code === 'briefing_post_transient';
}
