import type { WebClient } from '@slack/web-api';
import { SanadError } from '../core/errors.js';
import type { BriefingPoster, RenderedBriefing } from './poster.js';

/** How far back `findPosted` looks: pages of channel history. */
const HISTORY_PAGES = 3;

/**
 * Posts briefings with Slack's Web API. The message carries the briefing key in its metadata
 * (`event_type: sanad_briefing`), which is how `findPosted` recognises it after a crash.
 * The `WebClient` is the lead's, built with the bot token (and `slackApiUrl` in tests).
 */
export function createSlackBriefingPoster(client: WebClient): BriefingPoster {
  return {
    async post(channelId: string, rendered: RenderedBriefing) {
      if (!rendered.slack) throw new SanadError('briefing_render', `no Slack rendering for ${rendered.key}`);
      const { text, blocks, metadata } = rendered.slack;
      const result = await client.chat.postMessage({
        channel: channelId,
        text,
        blocks,
        ...(metadata ? { metadata } : {}),
        unfurl_links: false,
        unfurl_media: false,
      });
      if (!result.ts) throw new SanadError('briefing_post', `Slack accepted the briefing ${rendered.key} but returned no message ts`);
      return { messageId: result.ts };
    },

    async findPosted(channelId: string, briefingKey: string) {
      let cursor: string | undefined;
      for (let page = 0; page < HISTORY_PAGES; page++) {
        const result = await client.conversations.history({ channel: channelId, include_all_metadata: true, limit: 200, ...(cursor ? { cursor } : {}) });
        for (const message of result.messages ?? []) {
          const metadata = message.metadata as { event_type?: string; event_payload?: { key?: unknown } } | undefined;
          if (metadata?.event_type === 'sanad_briefing' && metadata.event_payload?.key === briefingKey && message.ts) return { messageId: message.ts };
        }
        cursor = result.response_metadata?.next_cursor || undefined;
        if (!result.has_more || !cursor) break;
      }
      return null;
    },
  };
}
