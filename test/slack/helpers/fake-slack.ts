/**
 * A fake Slack on 127.0.0.1: the Web API methods the adapter calls (form-encoded POSTs with a
 * Bearer token, `{ok: …}` JSON answers), `response_url` endpoints, and the Socket Mode
 * `apps.connections.open` + WebSocket. It keeps channels and threads so `conversations.replies`
 * returns what was said.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const BOT = { userId: 'UBOT', botId: 'BBOT', team: 'T0TEST' } as const;
export const TOKENS = { bot: 'xoxb-test-bot-token', app: 'xapp-test-app-token' } as const;

export interface ApiCall {
  method: string;
  token: string | undefined;
  args: Record<string, unknown>;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  thread_ts?: string;
  user?: string;
  bot_id?: string;
  text: string;
  blocks?: unknown[];
  /** Every version it had, oldest first (posted, then each chat.update). */
  versions: { text: string; blocks?: unknown[]; parse?: unknown; link_names?: unknown }[];
}

export interface ResponsePost {
  path: string;
  body: Record<string, unknown>;
}

export interface FakeSlackOptions {
  /** Answer every Web API call with this error (e.g. to test an unreachable or broken Slack). */
  failAll?: string;
}

export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly messages: StoredMessage[] = [];
  readonly responses: ResponsePost[] = [];
  readonly socketAcks: Record<string, unknown>[] = [];
  private server!: Server;
  private wss!: WebSocketServer;
  private sockets = new Set<WebSocket>();
  private clock = 1_700_000_000;
  private seq = 0;
  private waiters: (() => void)[] = [];
  port = 0;

  constructor(private readonly options: FakeSlackOptions = {}) {}

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  responseUrl(name: string): string {
    return `http://127.0.0.1:${this.port}/response/${name}`;
  }

  /** A new message ts, increasing like Slack's. */
  nextTs(): string {
    this.seq += 1;
    return `${this.clock}.${String(this.seq).padStart(6, '0')}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        (body) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
          this.notify();
        },
        (error: unknown) => {
          res.writeHead(500);
          res.end(String(error));
        },
      );
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/socket' });
    this.wss.on('connection', (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('message', (data) => {
        this.socketAcks.push(JSON.parse(String(data)) as Record<string, unknown>);
        this.notify();
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake' }, connection_info: { app_id: 'A1' } }));
      this.notify();
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Socket Mode: sends an envelope to every connected client. */
  sendEnvelope(envelope: Record<string, unknown>): void {
    for (const ws of this.sockets) ws.send(JSON.stringify(envelope));
  }

  get socketCount(): number {
    return this.sockets.size;
  }

  /** A message a person wrote, so it shows up in conversations.replies. */
  addUserMessage(message: Omit<StoredMessage, 'versions'>): void {
    this.messages.push({ ...message, versions: [{ text: message.text }] });
  }

  callsTo(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  botMessages(): StoredMessage[] {
    return this.messages.filter((m) => m.user === BOT.userId);
  }

  /** Resolves when `check` holds, re-checking after every request; false after `timeoutMs`. */
  async waitFor(check: () => boolean, timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  private notify(): void {
    const waiters = this.waiters.splice(0);
    for (const w of waiters) w();
  }

  private async handle(req: IncomingMessage): Promise<unknown> {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/response/')) {
      this.responses.push({ path, body: JSON.parse(raw) as Record<string, unknown> });
      return { ok: true };
    }
    const method = path.replace(/^\/api\//, '');
    const args = parseArgs(raw, req.headers['content-type']);
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? (args.token as string | undefined);
    this.calls.push({ method, token, args });
    if (this.options.failAll) return { ok: false, error: this.options.failAll };
    return this.api(method, token, args);
  }

  private api(method: string, token: string | undefined, args: Record<string, unknown>): unknown {
    const isBot = token === TOKENS.bot;
    if (method === 'apps.connections.open') {
      return token === TOKENS.app ? { ok: true, url: `ws://127.0.0.1:${this.port}/socket` } : { ok: false, error: 'invalid_auth' };
    }
    if (!isBot) return { ok: false, error: 'invalid_auth' };
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://test.slack.com/',
          team: 'Test',
          user: 'sanad',
          team_id: BOT.team,
          user_id: BOT.userId,
          bot_id: BOT.botId,
        };
      case 'chat.postMessage': {
        const ts = this.nextTs();
        const text = String(args.text ?? '');
        const blocks = args.blocks as unknown[] | undefined;
        const version = { text, blocks, parse: args.parse, link_names: args.link_names };
        const message: StoredMessage = {
          channel: String(args.channel),
          ts,
          user: BOT.userId,
          bot_id: BOT.botId,
          text,
          blocks,
          versions: [version],
        };
        if (args.thread_ts) message.thread_ts = String(args.thread_ts);
        this.messages.push(message);
        return { ok: true, channel: message.channel, ts, message: { ...message, versions: undefined } };
      }
      case 'chat.update': {
        const message = this.messages.find((m) => m.channel === args.channel && m.ts === args.ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        message.text = String(args.text ?? '');
        message.blocks = args.blocks as unknown[] | undefined;
        message.versions.push({ text: message.text, blocks: message.blocks, parse: args.parse, link_names: args.link_names });
        return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: this.nextTs() };
      case 'conversations.replies': {
        const thread = this.messages
          .filter((m) => m.channel === args.channel && (m.ts === args.ts || m.thread_ts === args.ts))
          .sort((a, b) => Number(a.ts) - Number(b.ts))
          .map(({ versions: _v, ...m }) => ({ type: 'message', ...m }));
        return { ok: true, messages: thread, has_more: false };
      }
      case 'views.open':
        return { ok: true, view: { id: 'V1', ...(args.view as object) } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Slack's Web API takes form fields whose objects (blocks, view) are JSON strings; JSON bodies too. */
function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = /^[[{]/.test(value) ? tryJson(value) : value;
  }
  return args;
}

function tryJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
