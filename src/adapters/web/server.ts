import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultSettingsResolver, MAX_QUESTION_CHARS, message, newErrorId, systemClock } from '../../core/index.js';
import { createApi, describe } from './api.js';
import { HttpError, hostnameOf, isLoopbackHost, sendError, setSecurityHeaders } from './http.js';
import { loadAssets } from './static.js';
import type { WebServer, WebServerOptions } from './types.js';
import { preferredLanguage } from './validate.js';

const DEFAULTS = {
  host: '127.0.0.1',
  port: 3000,
  maxBodyBytes: 64 * 1024,
  maxQuestionChars: MAX_QUESTION_CHARS,
} as const satisfies Partial<WebServerOptions>;

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Host names the page and API answer to when bound to `host`: the loopback names plus the bound
 * address itself (HOST=127.0.0.2 answers to 127.0.0.2); 'any' when bound beyond loopback.
 */
export function defaultAllowedHosts(host: string): string[] | 'any' {
  // A bind address is bare ('::1'); a Host header brackets IPv6 ('[::1]:3000').
  const own = host.includes(':') && !host.startsWith('[') ? `[${host.toLowerCase()}]` : host.toLowerCase();
  if (!isLoopbackHost(own)) return 'any';
  return LOOPBACK_NAMES.includes(own) ? LOOPBACK_NAMES : [...LOOPBACK_NAMES, own];
}

type Handler = (req: IncomingMessage, res: ServerResponse, param: string) => Promise<void>;

/**
 * The local web chat: the page, its JSON API and any extra routes (Slack's HTTP events) on one
 * `node:http` server. It does transport only; answers come from the assistant as they are.
 */
export function createWebServer(options: WebServerOptions): WebServer {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const logger = options.logger.child('web');
  const assets = loadAssets();
  const api = createApi({
    assistant: options.assistant,
    channel: options.channel ?? defaultSettingsResolver('web', 'web'),
    store: options.store,
    logger,
    clock: options.clock ?? systemClock,
    limits: options.limits ?? null,
    briefing: options.briefing,
    maxBodyBytes: settings.maxBodyBytes,
    maxQuestionChars: settings.maxQuestionChars,
  });
  const allowedHosts = options.allowedHosts ?? defaultAllowedHosts(settings.host);

  /** path → method → handler; a path with a trailing `*` takes the rest of the path as param. */
  const routes: Record<string, Record<string, Handler>> = {
    '/api/ask': { POST: api.ask },
    '/api/ask/stream': { POST: api.askStream },
    '/api/feedback': { POST: api.feedback },
    '/api/briefing': { GET: api.getBriefing },
    '/api/paragraph/*': { GET: api.paragraph },
  };

  function route(pathname: string): { methods: Record<string, Handler>; param: string } | null {
    const exact = routes[pathname];
    if (exact) return { methods: exact, param: '' };
    const prefix = '/api/paragraph/';
    if (pathname.startsWith(prefix)) {
      return { methods: routes['/api/paragraph/*']!, param: decodeParam(pathname.slice(prefix.length)) };
    }
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const pathname = pathOf(req.url);

    const extra = options.extraRoutes?.find((r) => r.path === pathname && r.method.toUpperCase() === method);
    if (extra) {
      // Before the Host guard: Slack reaches /slack/events by a public name and signs every request.
      await extra.handler(req, res);
      return;
    }

    setSecurityHeaders(res);
    // A page on another site that rebinds its DNS name to 127.0.0.1 would otherwise be same-origin
    // with this server; refusing foreign Host names stops it from reading answers or the log.
    if (allowedHosts !== 'any' && !allowedHosts.includes(hostnameOf(req.headers.host))) {
      sendError(res, 421, 'host_not_allowed', 'This server only answers to its own address.');
      return;
    }

    const asset = assets.get(pathname);
    if (asset) {
      if (method !== 'GET' && method !== 'HEAD') {
        sendError(res, 405, 'method_not_allowed', `${method} is not allowed on ${pathname}.`, {}, { Allow: 'GET, HEAD' });
        return;
      }
      res.writeHead(200, { 'Content-Type': asset.type, 'Content-Length': asset.body.length, 'Cache-Control': 'no-cache' });
      res.end(method === 'HEAD' ? undefined : asset.body);
      return;
    }

    const found = route(pathname);
    if (!found) {
      sendError(res, 404, 'not_found', `Nothing at ${pathname}.`);
      return;
    }
    const handler = found.methods[method];
    if (!handler) {
      const allow = Object.keys(found.methods).join(', ');
      sendError(res, 405, 'method_not_allowed', `${method} is not allowed on ${pathname}; use ${allow}.`, {}, { Allow: allow });
      return;
    }
    await handler(req, res, found.param);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) {
        sendError(res, error.status, error.code, error.message, {}, error.headers);
        if (error.status === 413) req.resume();
        return;
      }
      const errorId = newErrorId();
      logger.error('request failed', { errorId, method: req.method, path: pathOf(req.url), error: describe(error) });
      const lang = preferredLanguage(req.headers['accept-language']);
      sendError(res, 500, 'internal', message('error', lang, { id: errorId }), { errorId });
    });
  });
  // Streams keep a request open while the answer is written; a stuck client is cut after this.
  server.requestTimeout = 120_000;
  server.headersTimeout = 30_000;

  return {
    server,
    start: () =>
      new Promise((resolveStart, reject) => {
        const onError = (error: Error) => reject(error);
        server.once('error', onError);
        server.listen(settings.port, settings.host, () => {
          server.off('error', onError);
          const { port } = server.address() as AddressInfo;
          const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
          const url = `http://${host}:${port}/`;
          logger.info('web chat listening', { url });
          resolveStart({ url });
        });
      }),
    stop: (options = {}) =>
      new Promise((resolveStop) => {
        if (!server.listening) {
          resolveStop();
          return;
        }
        const graceMs = options.graceMs ?? 0;
        let timer: NodeJS.Timeout | undefined;
        server.close(() => {
          clearTimeout(timer);
          resolveStop();
        });
        if (graceMs <= 0) {
          server.closeAllConnections();
          return;
        }
        // Answers in flight finish (their connections then close); nothing waits past the grace.
        server.closeIdleConnections();
        timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
      }),
  };
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const end = raw.search(/[?#]/);
  return end === -1 ? raw : raw.slice(0, end);
}

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'bad_request', 'The paragraph id in the path is not valid URL encoding.');
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
