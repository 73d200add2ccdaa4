/**
 * The DNS-rebinding guard on every loopback address the server may be bound to: its own address
 * is accepted, a foreign Host name is refused with 421 (issue 14, item 8).
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startWeb, type Running } from './helpers.js';

let web: Running | undefined;
afterEach(async () => {
  await web?.stop();
  web = undefined;
});

/** GET `path` from the server at its bound address, with this Host header. */
function get(path: string, hostHeader: string): Promise<number> {
  const url = new URL(web!.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, path, headers: { Host: hostHeader } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Host guard on loopback addresses', () => {
  it('HOST=::1 refuses a foreign Host name and answers to [::1] and localhost', async () => {
    web = await startWeb({ host: '::1' });
    const port = new URL(web.url).port;
    expect(await get('/api/briefing', `rebind.attacker.example:${port}`)).toBe(421);
    expect(await get('/', 'rebind.attacker.example')).toBe(421);
    expect(await get('/api/briefing', `[::1]:${port}`)).toBe(200);
    expect(await get('/api/briefing', `localhost:${port}`)).toBe(200);
  });

  it('HOST=127.0.0.2 answers to its own address and still refuses a foreign one', async () => {
    web = await startWeb({ host: '127.0.0.2' });
    const port = new URL(web.url).port;
    expect(await get('/api/briefing', `127.0.0.2:${port}`)).toBe(200);
    expect(await get('/api/briefing', `rebind.attacker.example:${port}`)).toBe(421);
  });

  it('HOST=127.0.0.1 refuses a DNS name that merely starts with 127.', async () => {
    web = await startWeb({ host: '127.0.0.1' });
    const port = new URL(web.url).port;
    // '127.attacker.example' starts with '127.' but is a DNS name, not a loopback address.
    expect(await get('/api/briefing', `127.attacker.example:${port}`)).toBe(421);
    expect(await get('/api/briefing', `127.0.0.1:${port}`)).toBe(200);
  });
});
