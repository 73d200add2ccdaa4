/**
 * Issue 14, item 3: a briefing posted twice. Against a fake Slack Web API on 127.0.0.1 that
 * answers 500, with the Slack client the app builds (`briefingPosters`): a post gives up after
 * a bounded number of tries, and a process whose claim was taken over stops before it can post.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { briefingPosters } from '../../src/app/services.js';
import type { AppConfig } from '../../src/config/env.js';
import { BriefingRunner, DEFAULT_LEASE_MS } from '../../src/briefing/runner.js';
import { article } from './helpers.js';
import { dbFile, openStore, parisBriefing, quietLogger } from './fakes.js';

type Handler = (text: string, call: number, res: ServerResponse) => void | Promise<void>;
let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

/** A Slack Web API that counts chat.postMessage calls and lets the test answer each. */
async function fakeSlack(onPost: Handler): Promise<{ url: string; posts: () => number }> {
  let posts = 0;
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '');
      if (method === 'conversations.history') return json(res, 200, { ok: true, has_more: false, messages: [] });
      if (method !== 'chat.postMessage') return json(res, 200, { ok: true });
      posts += 1;
      void onPost(new URLSearchParams(body).get('text') ?? '', posts, res);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, posts: () => posts };
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function slackPoster(apiUrl: string) {
  return briefingPosters({ slack: { botToken: 'xoxb-briefing-test', apiUrl }, discord: null } as unknown as AppConfig).slack!;
}

const T0 = new Date('2026-03-29T06:00:00Z');

describe('briefing posts against a Slack that fails', () => {
  it('gives up after a bounded number of tries on 500, and says why', async () => {
    const slack = await fakeSlack((_text, _call, res) => json(res, 500, { ok: false, error: 'internal_error' }));
    const runner = new BriefingRunner({
      store: openStore(dbFile()),
      documents: () => [article()],
      posters: { slack: slackPoster(slack.url) },
      logger: quietLogger,
      clock: { now: () => T0 },
    });
    const outcome = await runner.run(parisBriefing(), T0);
    expect(outcome.status).toBe('failed');
    expect(slack.posts()).toBe(3);
    expect(String((outcome as { error: unknown }).error)).toMatch(/500/);
  }, 30_000);

  it('posts once when another process takes the claim over while the first one waits to retry', async () => {
    const file = dbFile();
    const messages: string[] = [];
    let other: BriefingRunner | undefined;
    const slack = await fakeSlack(async (text, call, res) => {
      if (call === 1) {
        // While A's first post is in flight, A's lease runs out and B takes the briefing over;
        // Slack has recovered by then and takes B's post. Then A's request fails with a 500.
        const outcome = await other!.run(parisBriefing(), new Date(T0.getTime() + DEFAULT_LEASE_MS + 1_000));
        expect(outcome.status).toBe('posted');
        return json(res, 500, { ok: false, error: 'internal_error' });
      }
      messages.push(text);
      json(res, 200, { ok: true, channel: 'C1', ts: `1700000000.00000${call}` });
    });
    const poster = slackPoster(slack.url);
    const a = new BriefingRunner({
      store: openStore(file),
      documents: () => [article()],
      posters: { slack: poster },
      logger: quietLogger,
      owner: 'A',
      clock: { now: () => T0 },
    });
    other = new BriefingRunner({
      store: openStore(file),
      documents: () => [article()],
      posters: { slack: poster },
      logger: quietLogger,
      owner: 'B',
      clock: { now: () => new Date(T0.getTime() + DEFAULT_LEASE_MS + 1_000) },
    });
    const outcome = await a.run(parisBriefing(), T0);
    // A library-level retry of A's request (the old client default) would be made inside A's post
    // call, before run returns: exactly two posts reached Slack, A's failed one and B's.
    expect(slack.posts()).toBe(2);
    expect(messages).toHaveLength(1);
    expect(outcome.status).toBe('done');
  }, 30_000);
});
