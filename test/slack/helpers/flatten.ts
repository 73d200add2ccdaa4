/** What a person sees in a Slack message, and whether it breaks a rule, from what was sent. */
import { containsPing } from '../../../src/adapters/slack/mrkdwn.js';
import type { StoredMessage } from './fake-slack.js';

interface AnyBlock {
  type: string;
  block_id?: string;
  text?: { text: string };
  accessory?: { text?: { text: string }; action_id?: string; value?: string };
  elements?: { type: string; text?: string | { text: string }; action_id?: string; value?: string }[];
}

export function isProgress(message: { blocks?: unknown[] }): boolean {
  return JSON.stringify(message.blocks ?? []).includes(':hourglass_flowing_sand:');
}

/** `[index, total]` from the `sanad_part:i/n` block id; [1, 1] when absent. */
export function partOf(message: { blocks?: unknown[] }): [number, number] {
  const id = ((message.blocks?.[0] ?? {}) as AnyBlock).block_id ?? '';
  const m = /^sanad_part:(\d+)\/(\d+)$/.exec(id);
  return m ? [Number(m[1]), Number(m[2])] : [1, 1];
}

export function visibleText(message: { text: string; blocks?: unknown[] }): string {
  const parts: string[] = [];
  for (const block of (message.blocks ?? []) as AnyBlock[]) {
    if (block.text) parts.push(block.text.text);
    if (block.accessory?.text) parts.push(block.accessory.text.text);
    for (const el of block.elements ?? []) parts.push(typeof el.text === 'string' ? el.text : (el.text?.text ?? ''));
  }
  if (parts.length === 0) parts.push(message.text);
  return parts.join('\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function canPing(message: StoredMessage): boolean {
  return message.versions.some(
    // Button values are opaque data for the app, never shown or parsed for mentions: leave them out.
    (v) =>
      containsPing(v.text + JSON.stringify(v.blocks ?? [], (key, value: unknown) => (key === 'value' ? undefined : value))) ||
      v.link_names === true ||
      v.link_names === 'true' ||
      v.parse === 'full',
  );
}

export function withinLimits(message: { text: string; blocks?: unknown[] }): boolean {
  const blocks = (message.blocks ?? []) as AnyBlock[];
  if (blocks.length > 50 || message.text.length > 40_000) return false;
  const actionIds = new Set<string>();
  const blockIds = new Set<string>();
  for (const block of blocks) {
    if (block.block_id) {
      if (blockIds.has(block.block_id) || block.block_id.length > 255) return false;
      blockIds.add(block.block_id);
    }
    if (block.text && block.text.text.length > 3000) return false;
    const controls = [...(block.accessory ? [block.accessory] : []), ...(block.elements ?? [])];
    for (const el of controls) {
      const text = typeof el.text === 'string' ? el.text : el.text?.text;
      if (block.type === 'context' && text && text.length > 3000) return false;
      if (el.action_id) {
        if (actionIds.has(el.action_id)) return false;
        actionIds.add(el.action_id);
        if ((el.value?.length ?? 0) > 2000 || (text?.length ?? 0) > 75) return false;
      }
    }
  }
  return true;
}
