import type { webApi } from '@slack/bolt';
import type { Logger } from '../../core/index.js';
import type { SlackMessage } from './blocks.js';

/** Never let Slack turn text into mentions or previews, whatever the text says. */
const SAFE = { parse: 'none', link_names: false, unfurl_links: false, unfurl_media: false } as const;

export interface Place {
  channel: string;
  /** Thread to post into; undefined = the channel's (or DM's) top level. */
  threadTs: string | undefined;
}

/** Posts a message, returning its ts, or null when Slack refused (logged). */
export async function post(client: webApi.WebClient, place: Place, msg: SlackMessage, logger: Logger): Promise<string | null> {
  try {
    const result = await client.chat.postMessage({
      channel: place.channel,
      thread_ts: place.threadTs,
      text: msg.text,
      blocks: msg.blocks,
      ...SAFE,
    });
    return result.ts ?? null;
  } catch (error) {
    logger.warn('chat.postMessage failed', { channel: place.channel, error });
    return null;
  }
}

/** Replaces a message in place; false when it could not (deleted, too old): the caller posts instead. */
export async function update(client: webApi.WebClient, channel: string, ts: string, msg: SlackMessage, logger: Logger): Promise<boolean> {
  try {
    await client.chat.update({ channel, ts, text: msg.text, blocks: msg.blocks, parse: 'none', link_names: false });
    return true;
  } catch (error) {
    logger.warn('chat.update failed', { channel, ts, error });
    return false;
  }
}

/**
 * Shows the final messages: the first replaces the placeholder (or is posted when there is none
 * or it cannot be edited), the rest follow in the same thread.
 */
export async function deliver(
  client: webApi.WebClient,
  place: Place,
  placeholderTs: string | null,
  messages: SlackMessage[],
  logger: Logger,
): Promise<void> {
  const [first, ...rest] = messages;
  if (!first) return;
  const replaced = placeholderTs ? await update(client, place.channel, placeholderTs, first, logger) : false;
  if (!replaced) await post(client, place, first, logger);
  for (const msg of rest) await post(client, place, msg, logger);
}
