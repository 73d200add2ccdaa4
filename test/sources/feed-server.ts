import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';

export const FIXTURES = resolve(import.meta.dirname, '../fixtures/sources');

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A fixture with `{{base}}` made the server's address. */
export function fixture(name: string, base: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8').replaceAll('{{base}}', base);
}

/**
 * A news site on 127.0.0.1: routes that can be swapped during a test, ETag and Last-Modified
 * answered with 304, every request recorded (path, headers), and the most requests it ever had
 * in flight at once.
 */
export async function feedServer() {
  const routes = new Map<string, Handler>();
  const hits: { path: string; headers: IncomingMessage['headers'] }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((req, res) => {
    hits.push({ path: req.url ?? '', headers: req.headers });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    const handler = routes.get(req.url ?? '') ?? routes.get((req.url ?? '').split('?')[0]!);
    if (handler) handler(req, res);
    else res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    routes,
    hits,
    get maxInFlight() {
      return maxInFlight;
    },
    /** Paths requested since `from` (an index into `hits`). */
    pathsSince: (from: number) => hits.slice(from).map((h) => h.path),
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Serves a body with validators: a request that sends them back gets 304. */
export function cached(type: string, body: () => string, delayMs = 0): Handler {
  return (req, res) => {
    const text = body();
    const etag = `"${createHash('sha1').update(text).digest('hex').slice(0, 16)}"`;
    const send = () => {
      if (req.headers['if-none-match'] === etag) return res.writeHead(304, { etag }).end();
      res.writeHead(200, { 'content-type': type, etag, 'last-modified': 'Sun, 30 Nov 2026 20:00:00 GMT' }).end(text);
    };
    if (delayMs > 0) setTimeout(send, delayMs);
    else send();
  };
}

export const HTML = 'text/html; charset=utf-8';
export const RSS = 'application/rss+xml; charset=utf-8';
export const ATOM = 'application/atom+xml; charset=utf-8';
export const JSON_FEED = 'application/feed+json; charset=utf-8';

/** An RSS 2.0 feed of these items (for generated cases). */
export function rss(title: string, items: { title: string; link?: string; guid?: string; date?: string; description?: string }[]): string {
  const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${esc(title)}</title>${items
    .map(
      (i) =>
        `<item><title>${esc(i.title)}</title>${i.link ? `<link>${esc(i.link)}</link>` : ''}${i.guid ? `<guid isPermaLink="false">${esc(i.guid)}</guid>` : ''}${i.date ? `<pubDate>${i.date}</pubDate>` : ''}${i.description ? `<description>${esc(i.description)}</description>` : ''}</item>`,
    )
    .join('')}</channel></rss>`;
}
