import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchUrl, FetchError, isPrivateAddress } from '../../src/fetch/index.js';
import { html, pageServer, redirect } from './page-server.js';

let server: Awaited<ReturnType<typeof pageServer>>;

beforeAll(async () => {
  server = await pageServer({
    '/page': html('<html><body><p>hello</p></body></html>'),
    '/hop1': redirect('/hop2', 301),
    '/hop2': redirect('/page', 307),
    '/loop-a': redirect('/loop-b'),
    '/loop-b': redirect('/loop-a'),
    '/to-file': redirect('file:///etc/passwd'),
    '/error': (_req, res) => res.writeHead(500, { 'retry-after': '120' }).end('boom'),
    '/slow': (_req, res) => setTimeout(() => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>late</p>'), 5_000).unref(),
    '/big-declared': (_req, res) => res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(50 * 1024 * 1024) }).end(),
    '/big-chunked': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const pump = () => {
        while (sent < 40 && res.write(chunk)) sent++;
        if (sent < 40) res.once('drain', pump);
        else res.end();
      };
      pump();
    },
    '/etag': (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304).end();
      else
        res
          .writeHead(200, { 'content-type': 'text/html', etag: '"v1"', 'last-modified': 'Tue, 14 May 2024 09:30:00 GMT' })
          .end('<p>v1</p>');
    },
  });
});
afterAll(() => server.close());

const allowed = { allowPrivate: true };

async function failure(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

describe('fetchUrl', () => {
  it('follows a few redirects and says where it ended', async () => {
    const page = await fetchUrl(server.url('/hop1'), allowed);
    expect(page.url).toBe(server.url('/page'));
    expect(page.status).toBe(200);
    expect(page.contentType).toMatch(/^text\/html/);
    expect(new TextDecoder().decode(page.bytes)).toContain('hello');
  });

  it('gives up on a redirect loop, and on more hops than allowed', async () => {
    expect((await failure(fetchUrl(server.url('/loop-a'), allowed))).code).toBe('too_many_redirects');
    expect((await failure(fetchUrl(server.url('/hop1'), { ...allowed, maxRedirects: 1 }))).code).toBe('too_many_redirects');
  });

  it('refuses addresses that are not http(s), also as a redirect target', async () => {
    for (const address of ['file:///etc/passwd', 'ftp://example.com/x', 'javascript:alert(1)', 'not a url']) {
      expect((await failure(fetchUrl(address, allowed))).code).toBe('bad_url');
    }
    const viaRedirect = await failure(fetchUrl(server.url('/to-file'), allowed));
    expect(viaRedirect.code).toBe('bad_url');
    expect(viaRedirect.message).toContain('only http and https');
  });

  it('says what a 404 or a 500 is, with Retry-After', async () => {
    const missing = await failure(fetchUrl(server.url('/nope'), allowed));
    expect(missing).toMatchObject({ code: 'http_status', status: 404 });
    expect(missing.message).toContain('404');
    const broken = await failure(fetchUrl(server.url('/error'), allowed));
    expect(broken).toMatchObject({ code: 'http_status', status: 500, retryAfterMs: 120_000 });
  });

  it('stops waiting for a slow server at the deadline', async () => {
    const error = await failure(fetchUrl(server.url('/slow'), { ...allowed, timeoutMs: 300 }));
    expect(error.code).toBe('timeout');
  });

  it('refuses a body over the cap, declared or counted', async () => {
    expect((await failure(fetchUrl(server.url('/big-declared'), allowed))).code).toBe('too_large');
    expect((await failure(fetchUrl(server.url('/big-chunked'), { ...allowed, maxBytes: 1024 * 1024 }))).code).toBe('too_large');
  });

  it('makes conditional requests: an unchanged page is a 304 with nothing to read', async () => {
    const first = await fetchUrl(server.url('/etag'), allowed);
    expect(first).toMatchObject({ notModified: false, etag: '"v1"', lastModified: 'Tue, 14 May 2024 09:30:00 GMT' });
    const again = await fetchUrl(server.url('/etag'), { ...allowed, etag: first.etag });
    expect(again).toMatchObject({ notModified: true, status: 304 });
    expect(again.bytes.length).toBe(0);
  });

  it('refuses loopback and private addresses unless allowed', async () => {
    const hitsBefore = server.hits.length;
    for (const address of [
      server.url('/page'),
      'http://localhost/',
      'http://[::1]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
    ]) {
      const error = await failure(fetchUrl(address));
      expect(error.code).toBe('private_address');
      expect(error.hint).toContain('SANAD_ALLOW_PRIVATE_URLS');
    }
    expect(server.hits.length).toBe(hitsBefore); // nothing was requested
  });
});

describe('isPrivateAddress', () => {
  it('knows the private, loopback, link-local and reserved ranges, and lets public ones through', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      'not-an-ip',
    ]) {
      expect(isPrivateAddress(address), address).toBe(true);
    }
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
      expect(isPrivateAddress(address), address).toBe(false);
    }
  });
});
