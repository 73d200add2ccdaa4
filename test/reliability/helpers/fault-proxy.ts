/**
 * An HTTP proxy on 127.0.0.1 in front of a fake server (Slack's Web API, Discord's REST API),
 * that injects the faults a real platform shows: 429 with Retry-After, 500s, a hang, a reset.
 * Each request is matched against `rules` in order; the first rule that matches and has uses
 * left decides. Unmatched requests go through unchanged.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ProxiedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Never answer (the connection stays open until the proxy closes). */
  | { kind: 'hang' }
  /** Forward to the fake (so the platform did it), then never answer: a crash or a cut "after the fact". */
  | { kind: 'forward-then-hang' }
  /** Destroy the connection without a response. */
  | { kind: 'reset' }
  /** Answer locally with this JSON. */
  | { kind: 'json'; status?: number; body: unknown };

export interface Rule {
  match: (request: ProxiedRequest) => boolean;
  fault: Fault | ((request: ProxiedRequest) => Fault);
  /** How many requests this rule applies to (default: all). */
  times?: number;
}

export class FaultProxy {
  readonly rules: Rule[] = [];
  readonly seen: (ProxiedRequest & { fault: Fault['kind'] | 'forward'; at: number })[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly target: string,
  ) {}

  static async start(target: string): Promise<FaultProxy> {
    const server = createServer();
    const proxy = new FaultProxy(server, target);
    server.on('connection', (socket) => {
      proxy.sockets.add(socket);
      socket.on('close', () => proxy.sockets.delete(socket));
    });
    server.on('request', (req, res) => void proxy.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Adds a rule; returns the proxy for chaining. */
  when(match: Rule['match'], fault: Rule['fault'], times?: number): this {
    this.rules.push({ match, fault, ...(times !== undefined ? { times } : {}) });
    return this;
  }

  count(predicate: (r: ProxiedRequest) => boolean): number {
    return this.seen.filter(predicate).length;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    const request: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body };
    const rule = this.rules.find((r) => (r.times === undefined || r.times > 0) && r.match(request));
    if (rule && rule.times !== undefined) rule.times -= 1;
    const fault = rule ? (typeof rule.fault === 'function' ? rule.fault(request) : rule.fault) : null;
    this.seen.push({ ...request, fault: fault?.kind ?? 'forward', at: Date.now() });
    if (!fault) return this.forward(request, res);
    switch (fault.kind) {
      case 'status':
        res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        res.end(fault.body ?? JSON.stringify({ ok: false, error: 'injected' }));
        return;
      case 'json':
        res.writeHead(fault.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(fault.body));
        return;
      case 'hang':
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'forward-then-hang':
        await this.forward(request, null);
        return;
    }
  }

  /** Sends the request on to the fake; pipes the answer back unless `res` is null. */
  private forward(request: ProxiedRequest, res: ServerResponse | null): Promise<void> {
    return new Promise<void>((resolve) => {
      const url = new URL(request.path, this.target);
      const { host: _host, 'content-length': _len, ...headers } = request.headers;
      const out = httpRequest(
        url,
        { method: request.method, headers: { ...headers, 'content-length': Buffer.byteLength(request.body) } },
        (upstream) => {
          const chunks: Buffer[] = [];
          upstream.on('data', (c: Buffer) => chunks.push(c));
          upstream.on('end', () => {
            if (res) {
              res.writeHead(upstream.statusCode ?? 502, upstream.headers);
              res.end(Buffer.concat(chunks));
            }
            resolve();
          });
        },
      );
      out.on('error', () => {
        if (res && !res.headersSent) res.writeHead(502).end();
        resolve();
      });
      out.end(request.body);
    });
  }
}

/** A Slack Web API method name from a proxied path (`/api/chat.postMessage` → `chat.postMessage`). */
export function slackMethod(request: ProxiedRequest): string {
  return new URL(request.path, 'http://x').pathname.replace(/^\/api\//, '');
}
