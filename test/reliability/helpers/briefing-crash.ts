/**
 * What the tests of a process killed in the middle of posting a briefing share (one process
 * restarted on its SQLite file, or replicas on PostgreSQL): the channel's config, and a fault
 * proxy in front of the fake Slack where the first post reaches Slack and never answers.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeSlack, StoredMessage } from '../../slack/helpers/fake-slack.js';
import { FaultProxy, slackMethod } from './fault-proxy.js';

export const BRIEFING_CHANNEL = 'C0BRIEF';

/** Writes `sanad.config.yaml` with a daily briefing for {@link BRIEFING_CHANNEL} into `dir`; returns its path. */
export function writeBriefingConfig(dir: string): string {
  const config = join(dir, 'sanad.config.yaml');
  writeFileSync(
    config,
    `channels:\n  - platform: slack\n    id: ${BRIEFING_CHANNEL}\n    briefing:\n      cron: "0 8 * * *"\n      whenQuiet: highlights\n`,
  );
  return config;
}

/**
 * A proxy in front of `slack`: the first `chat.postMessage` is forwarded and never answered (the
 * process dies waiting: Slack has the post, sanad never heard back), and `conversations.history`
 * answers with the bot's messages and the metadata sanad sent (the fake does not keep metadata),
 * so a taker can find the post.
 */
export async function briefingCrashProxy(slack: FakeSlack): Promise<FaultProxy> {
  const proxy = await FaultProxy.start(`http://127.0.0.1:${slack.port}`);
  proxy.when((r) => slackMethod(r) === 'chat.postMessage', { kind: 'forward-then-hang' }, 1);
  proxy.when(
    (r) => slackMethod(r) === 'conversations.history',
    () => ({
      kind: 'json',
      body: {
        ok: true,
        has_more: false,
        messages: slack.botMessages().map((m) => {
          const sent = proxy.seen.find((r) => slackMethod(r) === 'chat.postMessage' && new URLSearchParams(r.body).get('text') === m.text);
          const metadata = sent ? new URLSearchParams(sent.body).get('metadata') : null;
          return { type: 'message', ts: m.ts, text: m.text, ...(metadata ? { metadata: JSON.parse(metadata) as unknown } : {}) };
        }),
      },
    }),
  );
  return proxy;
}

/** The briefings posted so far. */
export function briefingsIn(slack: FakeSlack): StoredMessage[] {
  return slack.botMessages().filter((m) => m.channel === BRIEFING_CHANNEL);
}
