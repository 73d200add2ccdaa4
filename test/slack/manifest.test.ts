/**
 * Guards the Slack app manifest and the adapter's boundaries by reading the source: the manifest
 * asks for exactly the events and scopes the code uses, and the adapter talks to the core only
 * through its public contract (never retrieval, indexing or the LLM).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ASK_COMMAND } from '../../src/adapters/slack/ids.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src/adapters/slack');
const source = readdirSync(SRC)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: readFileSync(join(SRC, f), 'utf8') }));
const all = source.map((s) => s.text).join('\n');

interface Manifest {
  features: { slash_commands: { command: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean } };
}
const manifest = parse(readFileSync(join(ROOT, 'docs/slack-manifest.yaml'), 'utf8')) as Manifest;

/** The scopes each Web API method and listener needs (api.slack.com/methods). */
const METHOD_SCOPES: Record<string, string[]> = {
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'conversations.replies': ['channels:history', 'groups:history', 'im:history', 'mpim:history'],
  'views.open': [],
  'auth.test': [],
};
const EVENT_SCOPES: Record<string, string[]> = {
  app_mention: ['app_mentions:read'],
  'message.channels': ['channels:history'],
  'message.groups': ['groups:history'],
  'message.im': ['im:history'],
};

describe('Slack app manifest', () => {
  const events = [...all.matchAll(/app\.event\('([^']+)'/g)].map((m) => m[1]!);
  const methods = [...new Set([...all.matchAll(/client\.(\w+)\.(\w+)\(/g)].map((m) => `${m[1]}.${m[2]}`))];

  it('subscribes to exactly the events the adapter listens to', () => {
    const subscribed = manifest.settings.event_subscriptions.bot_events;
    expect([...new Set(subscribed.map((e) => e.split('.')[0]))].sort()).toEqual([...new Set(events)].sort());
  });

  it('asks for exactly the scopes the events, methods and /ask need', () => {
    for (const method of methods) expect(METHOD_SCOPES, `scope table lacks ${method}`).toHaveProperty([method]);
    const needed = new Set([
      ...methods.flatMap((m) => METHOD_SCOPES[m] ?? []),
      ...manifest.settings.event_subscriptions.bot_events.flatMap((e) => EVENT_SCOPES[e] ?? ['unknown event ' + e]),
      ...(all.includes('app.command(') ? ['commands'] : []),
    ]);
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });

  it('declares /ask and interactivity for the buttons', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([ASK_COMMAND]);
    expect(all).toContain('app.action');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });
});

describe('Slack adapter boundaries', () => {
  it('reaches the core only through its contract: never retrieval, indexing, answering or the LLM', () => {
    for (const { file, text } of source) {
      for (const [, spec] of text.matchAll(/from '([^']+)'/g)) {
        expect(spec, `${file} imports ${spec}`).not.toMatch(/core\/(retrieve|index|answer|llm|knowledge)\//);
        expect(spec, `${file} imports ${spec}`).not.toMatch(/adapters\/(discord|web)/);
      }
    }
  });
});
