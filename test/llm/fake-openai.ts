/**
 * A fake OpenAI-compatible server on 127.0.0.1 for the real `openai` SDK and LangChain to talk
 * to: `/v1/chat/completions` (JSON, or SSE when the request says `stream: true`) and
 * `/v1/embeddings`. Each test scripts it, including how it misbehaves.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  // The fake reads whatever JSON arrives; tests inspect it field by field.
  body: any;
  raw: string;
  /** Date.now() when the request arrived. */
  at: number;
}

export type ChatBehaviour =
  /** A normal completion: JSON or SSE, as the request asks. */
  | { kind: 'reply'; text: string; finish?: string; usage?: { prompt_tokens: number; completion_tokens: number }; delayMs?: number }
  /** An HTTP error with an OpenAI-style error body. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; message?: string }
  /** Never answers. */
  | { kind: 'hang' }
  /** Drops the TCP connection without a response. */
  | { kind: 'reset' }
  /** Any body, e.g. broken JSON. */
  | { kind: 'raw'; status?: number; contentType?: string; body: string }
  /** SSE: sends the first `after` chunks of `text`, then destroys the socket mid-stream. */
  | { kind: 'cut'; text: string; after: number }
  /** SSE: sends the first `after` chunks, then ends the response cleanly, no finish, no [DONE]. */
  | { kind: 'truncate'; text: string; after: number }
  /** SSE: sends the first `after` chunks, then goes silent with the connection open. */
  | { kind: 'stall'; text: string; after: number };

export type EmbedBehaviour =
  | Exclude<ChatBehaviour, { kind: 'reply' } | { kind: 'cut' } | { kind: 'truncate' } | { kind: 'stall' }>
  | { kind: 'vectors'; vectors?: number[][] };

export interface FakeOpenAI {
  /** Base URL to configure: http://127.0.0.1:<port>/v1 */
  url: string;
  requests: RecordedRequest[];
  chatRequests(): RecordedRequest[];
  embeddingRequests(): RecordedRequest[];
  /** Decides each chat completion; replace per test. */
  chat: (request: RecordedRequest, index: number) => ChatBehaviour;
  /** Decides each embeddings request; the default returns {@link fakeVector}s. */
  embed: (request: RecordedRequest, index: number) => EmbedBehaviour;
  /** The next chat completions behave like these, in order; later ones use `chat`. */
  queueChat(...behaviours: ChatBehaviour[]): void;
  /** Most chat requests that were open at the same time. */
  maxInFlight(): number;
  /** Chat requests open now. */
  inFlight(): number;
  close(): Promise<void>;
}

/** A deterministic 16-dimension vector from the characters of a text. */
export function fakeVector(text: string): number[] {
  const v = new Array<number>(16).fill(0);
  for (const ch of text) v[(ch.codePointAt(0) ?? 0) % 16]! += 1;
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

/** The text between <question> and </question> in the last user message of a chat request. */
export function questionOf(request: RecordedRequest): string {
  const messages = (request.body?.messages ?? []) as Array<{ role: string; content: string }>;
  const user = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  return /<question>\s*([\s\S]*?)\s*<\/question>/.exec(user)?.[1] ?? '';
}

export function systemOf(request: RecordedRequest): string {
  const messages = (request.body?.messages ?? []) as Array<{ role: string; content: string }>;
  return messages.find((m) => m.role === 'system')?.content ?? '';
}

export function userOf(request: RecordedRequest): string {
  const messages = (request.body?.messages ?? []) as Array<{ role: string; content: string }>;
  return [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
}

/** Which prompt a chat request was built from, told apart by its system part. */
export function taskOf(request: RecordedRequest): 'answer' | 'condense' | 'translate' | 'unknown' {
  const system = systemOf(request);
  if (/You translate/.test(system)) return 'translate';
  if (/standalone question/.test(system)) return 'condense';
  if (/numbered passages/.test(system)) return 'answer';
  return 'unknown';
}

function pieces(text: string, size = 6): string[] {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out.length > 0 ? out : [''];
}

function chunk(model: string, delta: Record<string, unknown>, finish: string | null) {
  return { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model, choices: [{ index: 0, delta, finish_reason: finish }] };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function startFakeOpenAI(): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const queued: ChatBehaviour[] = [];
  const sockets = new Set<Socket>();
  let chatCount = 0;
  let embedCount = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  const fake: FakeOpenAI = {
    url: '',
    requests,
    chatRequests: () => requests.filter((r) => r.path.endsWith('/chat/completions')),
    embeddingRequests: () => requests.filter((r) => r.path.endsWith('/embeddings')),
    chat: () => ({ kind: 'reply', text: 'NO_ANSWER The documents do not answer this.' }),
    embed: () => ({ kind: 'vectors' }),
    queueChat: (...behaviours) => void queued.push(...behaviours),
    maxInFlight: () => maxInFlight,
    inFlight: () => inFlight,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (raw += d));
    req.on('end', () => {
      let body: unknown = null;
      try {
        body = JSON.parse(raw);
      } catch {
        body = null;
      }
      const request: RecordedRequest = { path: req.url ?? '', headers: req.headers, body, raw, at: Date.now() };
      requests.push(request);
      if (request.path.endsWith('/chat/completions')) {
        const index = chatCount++;
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        res.on('close', () => (inFlight -= 1));
        const behaviour = queued.shift() ?? fake.chat(request, index);
        if (behaviour.kind === 'reply' && behaviour.delayMs) setTimeout(() => handleChat(request, behaviour, res), behaviour.delayMs);
        else handleChat(request, behaviour, res);
      } else if (request.path.endsWith('/embeddings')) {
        handleEmbed(request, fake.embed(request, embedCount++), res);
      } else sendJson(res, 404, { error: { message: `no route ${request.path}` } });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function common(behaviour: ChatBehaviour | EmbedBehaviour, res: ServerResponse): boolean {
    switch (behaviour.kind) {
      case 'status':
        sendJson(
          res,
          behaviour.status,
          { error: { message: behaviour.message ?? `fake error ${behaviour.status}`, type: 'fake' } },
          behaviour.headers,
        );
        return true;
      case 'hang':
        return true;
      case 'reset':
        res.socket?.destroy();
        return true;
      case 'raw':
        res.writeHead(behaviour.status ?? 200, { 'content-type': behaviour.contentType ?? 'application/json' });
        res.end(behaviour.body);
        return true;
      default:
        return false;
    }
  }

  function handleChat(request: RecordedRequest, behaviour: ChatBehaviour, res: ServerResponse) {
    if (common(behaviour, res)) return;
    const model = String(request.body?.model ?? 'fake');
    const stream = request.body?.stream === true;
    if (behaviour.kind === 'reply') {
      const usage = behaviour.usage ?? { prompt_tokens: 100, completion_tokens: 20 };
      const finish = behaviour.finish ?? 'stop';
      if (!stream) {
        sendJson(res, 200, {
          id: 'chatcmpl-fake',
          object: 'chat.completion',
          created: 1,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: behaviour.text }, finish_reason: finish }],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        });
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(`data: ${JSON.stringify(chunk(model, { role: 'assistant', content: '' }, null))}\n\n`);
      for (const piece of pieces(behaviour.text)) res.write(`data: ${JSON.stringify(chunk(model, { content: piece }, null))}\n\n`);
      res.write(`data: ${JSON.stringify(chunk(model, {}, finish))}\n\n`);
      if (request.body?.stream_options?.include_usage) {
        res.write(
          `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1, model, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } })}\n\n`,
        );
      }
      res.end('data: [DONE]\n\n');
      return;
    }
    if (behaviour.kind === 'cut' || behaviour.kind === 'truncate' || behaviour.kind === 'stall') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const piece of pieces(behaviour.text).slice(0, behaviour.after))
        res.write(`data: ${JSON.stringify(chunk(model, { content: piece }, null))}\n\n`);
      if (behaviour.kind === 'truncate') res.end();
      else if (behaviour.kind === 'stall') return;
      else setTimeout(() => res.socket?.destroy(), 20); // let the first chunks reach the client
    }
  }

  function handleEmbed(request: RecordedRequest, behaviour: EmbedBehaviour, res: ServerResponse) {
    if (common(behaviour, res)) return;
    if (behaviour.kind !== 'vectors') return;
    const input = request.body?.input;
    const texts: string[] = Array.isArray(input) ? input : [String(input)];
    const vectors = behaviour.vectors ?? texts.map(fakeVector);
    sendJson(res, 200, {
      object: 'list',
      model: request.body?.model,
      data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
      usage: { prompt_tokens: texts.length, total_tokens: texts.length },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return fake;
}
