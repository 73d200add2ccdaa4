import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { guardTimestamps } from '../../src/adapters/slack/timestamp.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(): Promise<string> {
  const listener = guardTimestamps((_req, res) => res.end('ok'), {
    endpoints: ['/slack/events'],
    now: () => Date.now(),
    onReject: () => {},
  });
  server = createServer(listener);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('Slack event requests', () => {
  it('are acked on a connection that closes (no keep-alive lag under a burst), other routes untouched', async () => {
    const base = await serve();
    const ts = String(Math.floor(Date.now() / 1000));
    const event = await fetch(`${base}/slack/events`, { method: 'POST', headers: { 'x-slack-request-timestamp': ts }, body: '{}' });
    expect(event.status).toBe(200);
    expect(event.headers.get('connection')).toBe('close');
    const other = await fetch(`${base}/health`);
    expect(other.headers.get('connection')).not.toBe('close');
  });

  it('still refuses a request from the future before anything else', async () => {
    const base = await serve();
    const future = String(Math.floor(Date.now() / 1000) + 3600);
    const res = await fetch(`${base}/slack/events`, { method: 'POST', headers: { 'x-slack-request-timestamp': future }, body: '{}' });
    expect(res.status).toBe(401);
  });
});
