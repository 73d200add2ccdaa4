import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REST } from '@discordjs/rest';
import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { buildBriefing } from '../../src/briefing/build.js';
import { createDiscordBriefingPoster, nonceFor } from '../../src/briefing/post-discord.js';
import { createSlackBriefingPoster } from '../../src/briefing/post-slack.js';
import { render } from '../../src/briefing/runner.js';
import { EMPTY_STATS } from '../../src/state/types.js';
import { article } from './helpers.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function fakeServer(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => handler(req, body, res));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

const ART = article();
function rendered(platform: 'slack' | 'discord', key: string) {
  const briefing = buildBriefing({
    documents: [ART],
    changedSince: [{ document: ART.document, status: 'new' }],
    stats: { ...EMPTY_STATS, asked: 1, declined: 1, declinedQuestions: ['ping @everyone <!channel>?'] },
    language: 'auto',
    whenQuiet: 'skip',
    date: '2026-03-29',
  })!;
  return render(briefing, platform, key);
}

describe('Slack briefing poster, against a fake Slack Web API on 127.0.0.1', () => {
  it('posts blocks with the key in metadata, and findPosted finds it in the history', async () => {
    const posted: Record<string, string>[] = [];
    const url = await fakeServer((req, body, res) => {
      const form = Object.fromEntries(new URLSearchParams(body));
      expect(req.headers.authorization).toBe('Bearer xoxb-test-token');
      if (req.url === '/api/chat.postMessage') {
        posted.push(form);
        json(res, 200, { ok: true, channel: form.channel, ts: '1774764000.000100' });
      } else if (req.url === '/api/conversations.history') {
        const messages = posted.map((p, i) => ({
          type: 'message',
          ts: `1774764000.00010${i}`,
          text: p.text,
          metadata: JSON.parse(p.metadata!),
        }));
        json(res, 200, { ok: true, messages: [{ type: 'message', ts: '1.0', text: 'hello' }, ...messages], has_more: false });
      } else json(res, 200, { ok: false, error: 'unknown_method' });
    });
    const client = new WebClient('xoxb-test-token', { slackApiUrl: `${url}/api/`, retryConfig: { retries: 0 } });
    const poster = createSlackBriefingPoster(client);

    expect(await poster.findPosted!('C1', 'slack:C1:2026-03-29')).toBeNull();
    const result = await poster.post('C1', rendered('slack', 'slack:C1:2026-03-29'));
    expect(result).toEqual({ messageId: '1774764000.000100' });
    expect(posted).toHaveLength(1);
    const sent = posted[0]!;
    expect(sent.channel).toBe('C1');
    expect(sent.unfurl_links).toBe('false');
    const blocks = JSON.parse(sent.blocks!) as { type: string }[];
    expect(blocks[0]!.type).toBe('header');
    expect(sent.blocks).not.toContain('<!channel>');
    expect(JSON.parse(sent.metadata!)).toEqual({ event_type: 'sanad_briefing', event_payload: { key: 'slack:C1:2026-03-29' } });
    expect(sent.text).toContain('الموجز اليومي');

    expect(await poster.findPosted!('C1', 'slack:C1:2026-03-29')).toEqual({ messageId: '1774764000.000100' });
    expect(await poster.findPosted!('C1', 'slack:C1:2026-03-30')).toBeNull();
  });

  it('a Slack error surfaces as a failed post (the runner releases the claim and retries)', async () => {
    const url = await fakeServer((_req, _body, res) => json(res, 200, { ok: false, error: 'not_in_channel' }));
    const poster = createSlackBriefingPoster(new WebClient('xoxb-test-token', { slackApiUrl: `${url}/api/`, retryConfig: { retries: 0 } }));
    await expect(poster.post('C1', rendered('slack', 'k'))).rejects.toThrow(/not_in_channel/);
  });
});

describe('Discord briefing poster, against a fake Discord REST API on 127.0.0.1', () => {
  it('posts embeds without pings and with a nonce; findPosted matches the key in the footer', async () => {
    const bodies: Record<string, unknown>[] = [];
    const stored: unknown[] = [];
    const url = await fakeServer((req, body, res) => {
      expect(req.headers.authorization).toBe('Bot discord-test-token');
      if (req.method === 'POST' && req.url === '/api/v10/channels/112233/messages') {
        const parsed = JSON.parse(body) as Record<string, unknown>;
        bodies.push(parsed);
        const message = { id: '998877', channel_id: '112233', author: { id: '42', bot: true }, embeds: parsed.embeds };
        stored.unshift(message);
        json(res, 200, message);
      } else if (req.method === 'GET' && req.url?.startsWith('/api/v10/channels/112233/messages')) {
        expect(req.url).toContain('limit=100');
        json(res, 200, [{ id: '1', author: { id: '7' }, embeds: [] }, ...stored]);
      } else json(res, 404, { message: 'Unknown', code: 0 });
    });
    const rest = new REST({ version: '10', api: `${url}/api`, retries: 0 }).setToken('discord-test-token');
    const poster = createDiscordBriefingPoster(rest);

    expect(await poster.findPosted!('112233', 'discord:112233:2026-03-29')).toBeNull();
    expect(await poster.post('112233', rendered('discord', 'discord:112233:2026-03-29'))).toEqual({ messageId: '998877' });
    const sent = bodies[0]!;
    expect(sent.allowed_mentions).toEqual({ parse: [] });
    expect(sent.nonce).toBe(nonceFor('discord:112233:2026-03-29'));
    expect((sent.nonce as string).length).toBeLessThanOrEqual(25);
    expect(sent.enforce_nonce).toBe(true);
    expect(JSON.stringify(sent.embeds)).toContain('جهود فرنسا في مكافحة الإرهاب');
    expect(JSON.stringify(sent.embeds)).not.toMatch(/@everyone/);

    expect(await poster.findPosted!('112233', 'discord:112233:2026-03-29')).toEqual({ messageId: '998877' });
    expect(await poster.findPosted!('112233', 'discord:112233:2026-03-30')).toBeNull();
  });

  it('a Discord error (missing access) surfaces as a failed post', async () => {
    const url = await fakeServer((_req, _body, res) => json(res, 403, { message: 'Missing Access', code: 50001 }));
    const rest = new REST({ version: '10', api: `${url}/api`, retries: 0 }).setToken('discord-test-token');
    await expect(createDiscordBriefingPoster(rest).post('112233', rendered('discord', 'k'))).rejects.toThrow(/Missing Access/);
  });
});
