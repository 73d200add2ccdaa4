import { createHash } from 'node:crypto';
import type { REST } from '@discordjs/rest';
import { SanadError } from '../core/errors.js';
import { transientPostError, type BriefingPoster, type RenderedBriefing } from './poster.js';

interface DiscordMessage {
  id: string;
  author?: { id: string; bot?: boolean };
  embeds?: { footer?: { text?: string } }[];
}

/**
 * Posts briefings with Discord's REST API. Two guards against a double post: a nonce derived
 * from the key with `enforce_nonce` (Discord returns the earlier message for a repeat within a
 * few minutes), and the key in the first embed's footer, which `findPosted` looks for in the
 * channel's recent messages. The `REST` client is the lead's (option `api` in tests).
 */
export function createDiscordBriefingPoster(rest: REST): BriefingPoster {
  return {
    async post(channelId: string, rendered: RenderedBriefing) {
      if (!rendered.discord) throw new SanadError('briefing_render', `no Discord rendering for ${rendered.key}`);
      const message = (await rest
        .post(`/channels/${channelId}/messages`, { body: { ...rendered.discord, nonce: nonceFor(rendered.key), enforce_nonce: true } })
        .catch((error: unknown) => {
          // A 5xx, a timeout or a dropped connection (no 4xx status): worth a retry by the runner.
          const status = (error as { status?: number }).status;
          throw status === undefined || status >= 500 || status === 429 ? transientPostError(rendered.key, error) : error;
        })) as DiscordMessage;
      if (!message?.id) throw new SanadError('briefing_post', `Discord accepted the briefing ${rendered.key} but returned no message id`);
      return { messageId: message.id };
    },

    async findPosted(channelId: string, briefingKey: string) {
      const messages = (await rest.get(`/channels/${channelId}/messages`, {
        query: new URLSearchParams({ limit: '100' }),
      })) as DiscordMessage[];
      const hit = messages.find((m) => m.author?.bot !== false && (m.embeds?.[0]?.footer?.text ?? '').endsWith(` · ${briefingKey}`));
      return hit ? { messageId: hit.id } : null;
    },
  };
}

/** Discord nonces are at most 25 characters. */
export function nonceFor(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 25);
}

/** The briefing's Discord REST client: one request at most 10 s, retried by the runner, not here. */
export const briefingDiscordRestOptions = { retries: 0, timeout: 10_000 } as const;
