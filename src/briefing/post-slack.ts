import type { WebClient } from '@slack/web-api';
import { SanadError } from '../core/errors.js';
import { transientPostError, type BriefingPoster, type RenderedBriefing } from './poster.js';

/** Errors of the Slack client that may pass on a retry; a platform error (`ok: false`) will not. */
const TRANSIENT_CODES = new Set(['slack_webapi_request_error', 'slack_webapi_http_error', 'slack_webapi_rate_limited_error']);

/** How far back `findPosted` looks: pages of channel history. */
const HISTORY_PAGES = 3;

/**
 * Posts briefings with Slack's Web API. The message carries the briefing key in its metadata
 * (`event_type: sanad_briefing`), which is how `findPosted` recognises it after a crash.
 * The `WebClient` is the lead's, built with the bot token (and `slackApiUrl` in tests), and
 * without the library's own retries (`briefingSlackClientOptions`): the runner retries, within
 * its claim, so a slow retry can never land after another process took the briefing over.
 */
export function createSlackBriefingPoster(client: WebClient): BriefingPoster {
  return {
    async post(channelId: string, rendered: RenderedBriefing) {
      if (!rendered.slack) throw new SanadError('briefing_render', `no Slack rendering for ${rendered.key}`);
      const { text, blocks, metadata } = rendered.slack;
      const result = await client.chat
        .postMessage({
          channel: channelId,
          text,
          blocks,
          ...(metadata ? { metadata } : {}),
          unfurl_links: false,
          unfurl_media: false,
        })
        .catch((error: unknown) => {
          throw TRANSIENT_CODES.has((error as { code?: string }).code ?? '') ? transientPostError(rendered.key, error) : error;
        });
      if (!result.ts) throw new SanadError('briefing_post', `Slack accepted the briefing ${rendered.key} but returned no message ts`);
      return { messageId: result.ts };
    },

    async findPosted(channelId: string, briefingKey: string) {
      let cursor: string | undefined;
      for (let page = 0; page < HISTORY_PAGES; page++) {
        const result = await client.conversations.history({
          channel: channelId,
          include_all_metadata: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
        for (const message of result.messages ?? []) {
          const metadata = message.metadata as { event_type?: string; event_payload?: { key?: unknown } } | undefined;
          if (metadata?.event_type === 'sanad_briefing' && metadata.event_payload?.key === briefingKey && message.ts)
            return { messageId: message.ts };
        }
        cursor = result.response_metadata?.next_cursor || undefined;
        if (!result.has_more || !cursor) break;
      }
      return null;
    },
  };
}

/**
 * The briefing's Slack client: no retries of its own (the library's default keeps retrying for
 * about 30 minutes, far past the 2-minute claim), 10 s per request, and a rate limit is an
 * error at once rather than a wait of unknown length.
 */
export const briefingSlackClientOptions = {
  retryConfig: { retries: 0 },
  timeout: 10_000,
  rejectRateLimitedCalls: true,
} as const;
