import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BriefingViewProvider as BriefingProvider } from '../../briefing/index.js';
import type { Assistant, ChannelSettings, Clock, Logger, SharedRateLimits, StateStore } from '../../core/index.js';

/** A briefing as the page shows it: the briefing engine's own text view, one definition. */
export type { BriefingTextView as BriefingView, TextCitation as BriefingCitation } from '../../briefing/index.js';

/** What the briefing engine offers the web page; absent = "no briefing configured". */
export type { BriefingViewProvider as BriefingProvider, BriefingChannel } from '../../briefing/index.js';

/** A route another adapter mounts on the same server, e.g. Slack's `POST /slack/events`. */
export interface ExtraRoute {
  method: string;
  /** Exact path, without the query string. */
  path: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;
}

export interface WebServerOptions {
  assistant: Assistant;
  /**
   * The web chat's channel settings (the config file's `platform: web` entry, else `defaults`):
   * its collections and language hold for answers, summaries and paragraphs; respond: off
   * refuses questions. Default: the built-in defaults (all collections).
   */
  channel?: ChannelSettings;
  store: StateStore;
  logger: Logger;
  /** Default: the system clock. */
  clock?: Clock;
  /**
   * Counts questions against the channel's `rateLimit` (per client address and for the whole
   * chat): `sanad start` passes the same limiter as Slack's and Discord's. Absent: no limit.
   */
  limits?: SharedRateLimits | null;
  briefing?: BriefingProvider;
  /** Default 127.0.0.1: only this machine can reach the page. */
  host?: string;
  /** Default 3000; 0 picks a free port (tests). */
  port?: number;
  /** Checked before the web routes; they get the raw request, body unread. */
  extraRoutes?: ExtraRoute[];
  /** Largest JSON body accepted, in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /** Longest question accepted, in characters (default 4000). */
  maxQuestionChars?: number;
  /**
   * Host header values the page and API answer to (DNS-rebinding guard). Default: localhost
   * names when bound to loopback, anything otherwise. 'any' turns the check off.
   */
  allowedHosts?: string[] | 'any';
}

export interface WebServer {
  /** Listens and resolves with the address to open, e.g. http://127.0.0.1:3000/. */
  start(): Promise<{ url: string }>;
  /**
   * Stops taking connections. Answers in flight get up to `graceMs` to finish (default 0: every
   * connection is closed at once); idle keep-alive connections are closed right away.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
  readonly server: import('node:http').Server;
}
