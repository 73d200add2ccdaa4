import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { SanadError } from '../core/errors.js';
import { guardedLookup, isPrivateAddress, literalAddress, PrivateAddressError } from './address-guard.js';

/**
 * Fetches one URL the careful way, for `sanad add` and for feeds: http(s) only, a few
 * redirects at most (each one checked again), a size cap (declared and counted), one overall
 * deadline, a clear User-Agent, conditional requests, and loopback/private addresses refused
 * unless allowed.
 */
export interface FetchOptions {
  /**
   * Allow loopback, private and link-local addresses (tests, an intranet): true for any host, or
   * a test of the host name, so a feed allowed on its intranet host cannot send sanad elsewhere.
   * Default false.
   */
  allowPrivate?: boolean | ((hostname: string) => boolean);
  maxBytes?: number;
  maxRedirects?: number;
  /** One deadline for the whole fetch, redirects included. */
  timeoutMs?: number;
  userAgent?: string;
  accept?: string;
  /** Validators from an earlier fetch: a 304 answer gives `notModified`. */
  etag?: string;
  lastModified?: string;
  signal?: AbortSignal;
}

export interface FetchResult {
  /** The address after redirects. */
  url: string;
  status: number;
  contentType: string;
  bytes: Uint8Array;
  notModified: boolean;
  etag?: string;
  lastModified?: string;
}

export const FETCH_DEFAULTS = {
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  timeoutMs: 20_000,
  userAgent: 'sanad/0.1 (knowledge reader)',
  accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
} satisfies Required<Pick<FetchOptions, 'maxBytes' | 'maxRedirects' | 'timeoutMs' | 'userAgent' | 'accept'>>;

type Resolved = FetchOptions & typeof FETCH_DEFAULTS;

/** Why a fetch failed: `code` says what, `status` and `retryAfterMs` what the server said. */
export class FetchError extends SanadError {
  constructor(
    code: 'bad_url' | 'private_address' | 'http_status' | 'too_many_redirects' | 'too_large' | 'timeout' | 'network',
    message: string,
    readonly url: string,
    options: { hint?: string; cause?: unknown; status?: number; retryAfterMs?: number } = {},
  ) {
    super(code, message, options);
    this.name = 'FetchError';
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);

export async function fetchUrl(address: string, options: FetchOptions = {}): Promise<FetchResult> {
  const o: Resolved = { ...FETCH_DEFAULTS, ...options };
  const deadline = AbortSignal.timeout(o.timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  let url = checkedUrl(address, address, allowed(o.allowPrivate, address));
  for (let hops = 0; ; hops++) {
    const response = await request(url, o, signal, address);
    const location = response.headers.location;
    if (REDIRECT.has(response.statusCode ?? 0) && location) {
      response.resume();
      if (hops >= o.maxRedirects)
        throw new FetchError('too_many_redirects', `${address} redirects more than ${o.maxRedirects} times.`, address, {
          hint: 'Give the final address of the page.',
        });
      const next = new URL(location, url).href;
      url = checkedUrl(next, address, allowed(o.allowPrivate, next));
      continue;
    }
    const status = response.statusCode ?? 0;
    const headers = { etag: header(response, 'etag'), lastModified: header(response, 'last-modified') };
    if (status === 304) {
      response.resume();
      return { url: url.href, status, contentType: '', bytes: new Uint8Array(), notModified: true, ...headers };
    }
    if (status < 200 || status >= 300) {
      response.resume();
      const retryAfterMs = retryAfter(header(response, 'retry-after'));
      throw new FetchError(
        'http_status',
        `${url.href} answered ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}.`,
        address,
        {
          status,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          hint: status === 404 || status === 410 ? 'Check the address.' : 'Try again later.',
        },
      );
    }
    const bytes = await readBody(response, o.maxBytes, url.href, address, signal, o.timeoutMs);
    return { url: url.href, status, contentType: header(response, 'content-type') ?? '', bytes, notModified: false, ...headers };
  }
}

/** Whether private addresses are allowed for this address's host. */
function allowed(allowPrivate: FetchOptions['allowPrivate'], address: string): boolean {
  if (typeof allowPrivate !== 'function') return !!allowPrivate;
  try {
    return allowPrivate(new URL(address).hostname.replace(/^\[|\]$/g, ''));
  } catch {
    return false;
  }
}

/** An http(s) URL whose host is not a private address literal (names are checked at connect). */
function checkedUrl(address: string, original: string, allowPrivate: boolean): URL {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new FetchError('bad_url', `"${address}" is not a URL.`, original, {
      hint: 'Give a full address such as https://example.com/article.',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new FetchError('bad_url', `${url.protocol.replace(/:$/, '')}: addresses are not fetched, only http and https.`, original, {
      hint: 'Give an http:// or https:// address.',
    });
  }
  if (url.username || url.password) throw new FetchError('bad_url', 'Addresses with a user name or password are not fetched.', original);
  const literal = literalAddress(url.hostname);
  if (!allowPrivate && (literal ? isPrivateAddress(literal) : /^localhost$|\.localhost$/i.test(url.hostname))) {
    throw privateError(url.hostname, literal ?? '127.0.0.1', original);
  }
  return url;
}

function privateError(host: string, address: string, original: string): FetchError {
  return new FetchError(
    'private_address',
    `${host} is a loopback, private or link-local address (${address}); sanad does not fetch those.`,
    original,
    {
      hint: 'Set SANAD_ALLOW_PRIVATE_URLS=on (or pass --allow-private) to fetch from your own network.',
    },
  );
}

function request(url: URL, o: Resolved, signal: AbortSignal, original: string): Promise<IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = { 'user-agent': o.userAgent, accept: o.accept, 'accept-encoding': 'identity' };
  if (o.etag) headers['if-none-match'] = o.etag;
  if (o.lastModified) headers['if-modified-since'] = o.lastModified;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { headers, signal, lookup: guardedLookup(allowed(o.allowPrivate, url.href)) as never }, resolve);
    req.on('error', (error: Error & { code?: string }) => reject(networkError(error, url, original, signal, o.timeoutMs)));
  });
}

function networkError(error: Error & { code?: string }, url: URL, original: string, signal: AbortSignal, timeoutMs: number): FetchError {
  if (error instanceof FetchError) return error;
  if (error instanceof PrivateAddressError) return privateError(error.host, error.address, original);
  if (signal.aborted || error.name === 'AbortError') {
    return new FetchError('timeout', `${url.href} did not answer within ${Math.round(timeoutMs / 1000)} s.`, original, {
      hint: 'Try again later.',
      cause: error,
    });
  }
  return new FetchError('network', `${url.href} could not be reached (${error.code ?? error.message}).`, original, { cause: error });
}

/** The body, refused as soon as it is known to be over the cap (declared length, or counted). */
function readBody(
  response: IncomingMessage,
  maxBytes: number,
  href: string,
  original: string,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<Uint8Array> {
  const tooLarge = () =>
    new FetchError('too_large', `${href} is larger than ${Math.round(maxBytes / 1024 / 1024)} MB, the limit for one page.`, original);
  const declared = Number(header(response, 'content-length') ?? NaN);
  if (declared > maxBytes) {
    response.destroy();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Rejected before the connection is torn down: the abort that follows is not the cause.
        reject(tooLarge());
        response.destroy();
      } else chunks.push(chunk);
    });
    response.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    response.on('error', (error: Error & { code?: string }) => reject(networkError(error, new URL(href), original, signal, timeoutMs)));
    response.on('aborted', () =>
      reject(new FetchError('network', `${href} closed the connection before the page was complete.`, original)),
    );
  });
}

function header(response: IncomingMessage, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After as seconds or an HTTP date, in milliseconds. */
function retryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
