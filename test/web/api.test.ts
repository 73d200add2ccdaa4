import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/adapters/web/index.js';
import { MAX_QUESTION_CHARS } from '../../src/core/assistant.js';
import { MemoryStateStore } from '../../src/core/state.js';
import {
  AMBASSADOR_Q,
  DECLINE_Q,
  fakeAssistant,
  failingAssistant,
  fakeBriefing,
  realAssistant,
  recordingLogger,
  startWeb,
  type Running,
} from './helpers.js';

let web: Running | undefined;
afterEach(async () => {
  await web?.stop();
  web = undefined;
});

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

async function post(path: string, body: unknown) {
  const res = await fetch(new URL(path, web!.url), json(body));
  return { res, body: (await res.json()) as Record<string, any> };
}

/** A raw request, for Host headers and bodies fetch will not send. */
function raw(options: { path: string; method?: string; headers?: Record<string, string>; body?: string }) {
  const { port } = new URL(web!.url);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: options.path, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('web API with the real assistant over knowledge/', () => {
  it('answers the ambassador question citing ¶2, and serves that paragraph by its id', async () => {
    web = await startWeb({ assistant: await realAssistant() });
    const { res, body } = await post('/api/ask', { question: AMBASSADOR_Q, history: [] });
    expect(res.status).toBe(200);
    expect(body.abstained).toBe(false);
    expect(body.answer).toContain('ديلاتر');
    const cited = body.citations.find((c: { paragraph: number }) => c.paragraph === 2);
    expect(cited).toBeDefined();
    expect(cited.text).toContain(cited.quote);
    const paragraph = await fetch(new URL('/api/paragraph/' + encodeURIComponent(cited.paragraphId), web.url));
    expect(paragraph.status).toBe(200);
    expect(((await paragraph.json()) as any).text).toBe(cited.text);
  });

  it('declines the World Cup question, visibly', async () => {
    web = await startWeb({ assistant: await realAssistant() });
    const { body } = await post('/api/ask', { question: DECLINE_Q });
    expect(body.abstained).toBe(true);
    expect(body.reply.kind).toBe('decline');
  });

  it('streams the same answer as NDJSON, ending in the final Answer', async () => {
    web = await startWeb({ assistant: await realAssistant() });
    const res = await fetch(new URL('/api/ask/stream', web.url), json({ question: AMBASSADOR_Q }));
    const events = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>);
    const final = events.at(-1)!;
    expect(final.type).toBe('final');
    expect(final.answer.citations.some((c: { paragraph: number }) => c.paragraph === 2)).toBe(true);
  });
});

describe('web API: POST /api/ask', () => {
  it('answers with the Answer shape of `sanad ask --json`, cited', async () => {
    web = await startWeb();
    const { res, body } = await post('/api/ask', { question: AMBASSADOR_Q, history: [] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    for (const key of ['question', 'answer', 'abstained', 'language', 'mode', 'citations', 'retrieved', 'timings']) {
      expect(body).toHaveProperty(key);
    }
    expect(body.question).toBe(AMBASSADOR_Q);
    expect(body.abstained).toBe(false);
    expect(body.language).toBe('ar');
    expect(body.answer).toContain('ديلاتر');
    const [citation] = body.citations;
    for (const key of ['n', 'document', 'title', 'paragraph', 'section', 'text', 'quote', 'score']) {
      expect(citation).toHaveProperty(key);
    }
    expect(citation.paragraph).toBe(2);
    expect(citation.text).toContain(citation.quote);
    expect(body.reply.kind).toBe('answer');
    expect(body.reply.direction).toBe('rtl');
  });

  it('marks a decline as a decline', async () => {
    web = await startWeb();
    const { res, body } = await post('/api/ask', { question: DECLINE_Q });
    expect(res.status).toBe(200);
    expect(body.abstained).toBe(true);
    expect(body.reply.kind).toBe('decline');
    expect(body.reply.sourcesLabel).toBe('أقرب ما وجدت');
  });

  it('passes the conversation to the assistant and records the question', async () => {
    const assistant = fakeAssistant();
    web = await startWeb({ assistant });
    const history = [
      { role: 'user', text: 'ما هي عملية شمال؟' },
      { role: 'assistant', text: 'شاركت فرنسا … عملية شمال [1]' },
    ];
    const { body } = await post('/api/ask', { question: '  ومتى حدث ذلك؟  ', history });
    expect(assistant.calls[0]!.question).toBe('ومتى حدث ذلك؟');
    expect(assistant.calls[0]!.options?.conversation).toEqual(history);
    expect(body.citations[0].text).toContain('2014');
    expect(web.store.questions).toHaveLength(1);
    expect(web.store.questions[0]).toMatchObject({ platform: 'web', question: 'ومتى حدث ذلك؟', abstained: false });
  });

  it('keeps only the last 20 turns of a long history', async () => {
    const assistant = fakeAssistant();
    web = await startWeb({ assistant });
    const history = Array.from({ length: 30 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', text: `turn ${i}` }));
    await post('/api/ask', { question: AMBASSADOR_Q, history });
    const sent = assistant.calls[0]!.options?.conversation ?? [];
    expect(sent).toHaveLength(20);
    expect(sent.at(-1)!.text).toBe('turn 29');
  });

  it.each([
    ['an empty question', { question: '' }, 'empty_question'],
    ['a whitespace question', { question: ' \n\t ' }, 'empty_question'],
    ['no question', { history: [] }, 'empty_question'],
    ['a question that is not text', { question: 42 }, 'bad_request'],
    ['a body that is not an object', [1, 2], 'bad_request'],
    ['history that is not a list', { question: AMBASSADOR_Q, history: 'hi' }, 'bad_request'],
    ['a history turn with a bad role', { question: AMBASSADOR_Q, history: [{ role: 'system', text: 'x' }] }, 'bad_request'],
  ])('rejects %s with a clear 400', async (_name, body, code) => {
    web = await startWeb();
    const { res, body: out } = await post('/api/ask', body);
    expect(res.status).toBe(400);
    expect(out.error.code).toBe(code);
    expect(out.error.message.length).toBeGreaterThan(10);
  });

  it('says in the question language that an empty question is empty', async () => {
    web = await startWeb();
    const res = await fetch(new URL('/api/ask', web.url), {
      ...json({ question: '' }),
      headers: { 'Content-Type': 'application/json', 'Accept-Language': 'en-US,en;q=0.9' },
    });
    expect(((await res.json()) as any).error.message).toMatch(/question is empty/i);
    const ar = await post('/api/ask', { question: '' });
    expect(ar.body.error.message).toContain('السؤال فارغ');
  });

  it('rejects bad JSON with 400', async () => {
    web = await startWeb();
    const res = await fetch(new URL('/api/ask', web.url), json('{"question": "من'));
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBe('bad_json');
  });

  it('rejects a question over 4000 characters with 413 and says how long it may be', async () => {
    web = await startWeb();
    const { res, body } = await post('/api/ask', { question: 'س'.repeat(4001) });
    expect(res.status).toBe(413);
    expect(body.error.code).toBe('question_too_long');
    expect(body.error.message).toContain('4000');
    const ok = await post('/api/ask', { question: AMBASSADOR_Q + ' '.repeat(10) + 'س'.repeat(3900) });
    expect(ok.res.status).toBe(200);
  });

  it('rejects a body over 64 KiB with 413, declared or streamed', async () => {
    web = await startWeb();
    const big = JSON.stringify({ question: AMBASSADOR_Q, history: [{ role: 'user', text: 'x'.repeat(70_000) }] });
    const declared = await raw({
      path: '/api/ask',
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(big)) },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).error.code).toBe('body_too_large');
    const chunked = await raw({
      path: '/api/ask',
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      body: big,
    });
    expect(chunked.status).toBe(413);
    // the server is still fine afterwards
    expect((await post('/api/ask', { question: AMBASSADOR_Q })).res.status).toBe(200);
  });

  it('honours a smaller body limit', async () => {
    web = await startWeb({ maxBodyBytes: 100 });
    const { res } = await post('/api/ask', { question: 'س'.repeat(80) });
    expect(res.status).toBe(413);
  });

  it('refuses a body that is not JSON with 415 (no cross-site simple POST)', async () => {
    web = await startWeb();
    const res = await fetch(new URL('/api/ask', web.url), {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ question: AMBASSADOR_Q }),
    });
    expect(res.status).toBe(415);
  });

  it('turns a failure into an error id, logged, never a stack trace', async () => {
    const logger = recordingLogger();
    web = await startWeb({ assistant: failingAssistant(), logger });
    const { res, body } = await post('/api/ask', { question: AMBASSADOR_Q });
    expect(res.status).toBe(500);
    expect(body.error.errorId).toMatch(/^[A-Z0-9]{6}$/);
    const text = JSON.stringify(body);
    expect(text).not.toContain('exploded');
    expect(text).not.toContain('.ts');
    expect(text).not.toMatch(/\n\s+at /);
    expect(logger.lines.some((l) => l.startsWith('ERROR [sanad:web]') && l.includes(body.error.errorId) && l.includes('exploded'))).toBe(
      true,
    );
  });
});

describe('web API: POST /api/ask/stream', () => {
  async function stream(question: string, history: unknown[] = []) {
    const res = await fetch(new URL('/api/ask/stream', web!.url), json({ question, history }));
    const text = await res.text();
    return {
      res,
      events: text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, any>),
    };
  }

  it('streams deltas, then the final answer', async () => {
    web = await startWeb();
    const { res, events } = await stream(AMBASSADOR_Q);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const deltas = events.filter((e) => e.type === 'delta');
    expect(deltas.length).toBeGreaterThan(1);
    const final = events.at(-1)!;
    expect(final.type).toBe('final');
    expect(deltas.map((d) => d.text).join('')).toBe(final.answer.answer);
    expect(final.answer.citations[0].paragraph).toBe(2);
    expect(final.answer.reply.kind).toBe('answer');
    expect(web.store.questions).toHaveLength(1);
  });

  it('validates before streaming', async () => {
    web = await startWeb();
    const res = await fetch(new URL('/api/ask/stream', web.url), json({ question: '   ' }));
    expect(res.status).toBe(400);
  });

  it('stops the assistant when the browser goes away mid-answer', async () => {
    let signal: AbortSignal | undefined;
    const slow = {
      ...fakeAssistant(),
      askStream: (_q: string, options?: { signal?: AbortSignal }) =>
        (async function* () {
          signal = options?.signal;
          for (let i = 0; i < 200 && !signal?.aborted; i++) {
            yield { type: 'delta' as const, text: `part ${i} ` };
            await new Promise((r) => setTimeout(r, 20));
          }
        })(),
    };
    web = await startWeb({ assistant: slow });
    const controller = new AbortController();
    const res = await fetch(new URL('/api/ask/stream', web.url), { ...json({ question: AMBASSADOR_Q }), signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await expect.poll(() => signal?.aborted, { timeout: 2000 }).toBe(true);
  });

  it('ends a failing stream with an error event that has an id and no internals', async () => {
    web = await startWeb({ assistant: failingAssistant() });
    const { events } = await stream(AMBASSADOR_Q);
    const last = events.at(-1)!;
    expect(last.type).toBe('error');
    expect(last.error.errorId).toMatch(/^[A-Z0-9]{6}$/);
    expect(last.error.message).toContain(last.error.errorId);
    expect(JSON.stringify(events)).not.toContain('exploded');
  });
});

describe('web API: feedback, briefing, paragraph', () => {
  it('records feedback in the store as platform web', async () => {
    const store = new MemoryStateStore();
    web = await startWeb({ store });
    const { res, body } = await post('/api/feedback', {
      question: AMBASSADOR_Q,
      answer: 'فرنسوا ديلاتر [1]',
      vote: 'up',
      citations: [{ document: 'france-counterterrorism.ar.txt', paragraph: 2, paragraphId: 'p2', text: 'dropped' }],
    });
    expect(res.status).toBe(200);
    expect(body.ok).toBe(true);
    expect(store.feedback).toHaveLength(1);
    expect(store.feedback[0]).toMatchObject({
      platform: 'web',
      vote: 'up',
      question: AMBASSADOR_Q,
      citations: [{ document: 'france-counterterrorism.ar.txt', paragraph: 2, paragraphId: 'p2' }],
    });
    expect(store.feedback[0]!.citations[0]).not.toHaveProperty('text');
  });

  it('rejects a vote that is not up or down', async () => {
    web = await startWeb();
    const { res, body } = await post('/api/feedback', { question: 'q', answer: 'a', vote: 'meh' });
    expect(res.status).toBe(400);
    expect(body.error.code).toBe('bad_vote');
    expect(web.store.feedback).toHaveLength(0);
  });

  it('says 503 with an id when the store fails, and still answers questions', async () => {
    const store = new MemoryStateStore();
    store.recordFeedback = () => {
      throw new Error('SQLITE_READONLY');
    };
    store.recordQuestion = () => {
      throw new Error('SQLITE_READONLY');
    };
    web = await startWeb({ store });
    const { res, body } = await post('/api/feedback', { question: 'q', answer: 'a', vote: 'down' });
    expect(res.status).toBe(503);
    expect(body.error.message).not.toContain('SQLITE');
    expect((await post('/api/ask', { question: AMBASSADOR_Q })).res.status).toBe(200);
  });

  it('says when no briefing is configured', async () => {
    web = await startWeb();
    const res = await fetch(new URL('/api/briefing', web.url));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ configured: false, channels: [], channel: null, today: null, history: [] });
  });

  it('lists the configured briefings and serves the one asked for by ?channel=, 404 for another', async () => {
    web = await startWeb({ briefing: fakeBriefing() });
    const first = (await (await fetch(new URL('/api/briefing', web.url))).json()) as any;
    expect(first.channels.map((c: { key: string }) => c.key)).toEqual(['web:general', 'slack:C0123SECURITY']);
    expect(first.channel).toBe('web:general');
    expect(first.today.date).toBe('2026-03-02');
    const security = (await (
      await fetch(new URL('/api/briefing?channel=' + encodeURIComponent('slack:C0123SECURITY'), web.url))
    ).json()) as any;
    expect(security.channel).toBe('slack:C0123SECURITY');
    expect(security.today.date).toBe('2026-03-03');
    expect(security.channels[1].notPosted).toBe('not_connected');
    const unknown = await fetch(new URL('/api/briefing?channel=slack:NOPE', web.url));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).error.code).toBe('briefing_not_found');
  });

  it("serves today's briefing and earlier ones", async () => {
    web = await startWeb({ briefing: fakeBriefing() });
    const body = (await (await fetch(new URL('/api/briefing', web.url))).json()) as any;
    expect(body.configured).toBe(true);
    expect(body.today.date).toBe('2026-03-02');
    expect(body.today.text).toContain('[1]');
    expect(body.today.citations[0].paragraph).toBe(2);
    expect(body.history).toHaveLength(1);
  });

  it('serves a paragraph by id, and 404 for an unknown one', async () => {
    web = await startWeb();
    const ok = await fetch(new URL('/api/paragraph/' + encodeURIComponent('france-counterterrorism.ar.txt#2'), web.url));
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as any;
    expect(body.paragraph).toBe(2);
    expect(body.text).toContain('ديلاتر');
    const missing = await fetch(new URL('/api/paragraph/nope', web.url));
    expect(missing.status).toBe(404);
    const bad = await fetch(new URL('/api/paragraph/%E0%A4%A', web.url));
    expect(bad.status).toBe(400);
  });
});

describe('web server: routes, headers, host', () => {
  it('serves the page with strict security headers', async () => {
    web = await startWeb();
    const res = await fetch(web.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    // no inline script, nothing loaded from another host
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    // The ask box knows the server's limit, and has no maxlength that would cut a paste silently.
    expect(html).toContain(`data-max-chars="${MAX_QUESTION_CHARS}"`);
    expect(html).not.toMatch(/\bmaxlength=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('serves the script and style with their types and the same headers', async () => {
    web = await startWeb();
    for (const [path, type] of [
      ['/app.js', 'text/javascript'],
      ['/style.css', 'text/css'],
      ['/favicon.svg', 'image/svg+xml'],
    ] as const) {
      const res = await fetch(new URL(path, web.url));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('never builds HTML from data in the page scripts', async () => {
    web = await startWeb();
    const modules = ['/app.js', '/briefing.js', '/citations.js', '/composer.js', '/dom.js', '/saved.js', '/strings.js'];
    for (const path of modules) {
      const res = await fetch(new URL(path, web.url));
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain('text/javascript');
      const js = await res.text();
      expect(js, path).not.toMatch(/\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
      // Every module the page imports is served: none is missing from the fixed list.
      for (const [, imported] of js.matchAll(/from '\.(\/[\w-]+\.js)'/g))
        expect(modules, `${path} imports ${imported}`).toContain(imported);
    }
    const css = await (await fetch(new URL('/style.css', web.url))).text();
    expect(css).not.toMatch(/@import|url\(|@font-face/);
  });

  it('returns JSON errors as JSON, so markup in a path is never rendered', async () => {
    web = await startWeb();
    const res = await fetch(new URL('/<script>alert(1)</script>', web.url));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('answers 404 for unknown routes and 405 with Allow for a wrong method', async () => {
    web = await startWeb();
    expect((await fetch(new URL('/api/nope', web.url))).status).toBe(404);
    expect((await fetch(new URL('/../../etc/passwd', web.url))).status).toBe(404);
    const get = await fetch(new URL('/api/ask', web.url));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const del = await fetch(new URL('/api/briefing', web.url), { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect((await fetch(new URL('/', web.url), { method: 'POST' })).status).toBe(405);
  });

  it('refuses a foreign Host header (DNS rebinding) when bound to loopback', async () => {
    web = await startWeb();
    const foreign = await raw({ path: '/api/briefing', headers: { Host: 'evil.example:3000' } });
    expect(foreign.status).toBe(421);
    const local = await raw({ path: '/api/briefing', headers: { Host: 'localhost:3000' } });
    expect(local.status).toBe(200);
  });

  it('mounts extra routes (Slack events) before its own, body unread', async () => {
    let seen = '';
    web = await startWeb({
      extraRoutes: [
        {
          method: 'POST',
          path: '/slack/events',
          handler: async (req, res) => {
            for await (const chunk of req) seen += String(chunk);
            res.writeHead(200, { 'Content-Type': 'text/plain' });
            res.end('ok');
          },
        },
      ],
    });
    const res = await fetch(new URL('/slack/events?x=1', web.url), { method: 'POST', body: 'token=abc' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
    expect(seen).toBe('token=abc');
    expect((await fetch(new URL('/slack/events', web.url))).status).toBe(404);
  });

  it('binds 127.0.0.1 by default and prints that address', async () => {
    web = await startWeb();
    expect(new URL(web.url).hostname).toBe('127.0.0.1');
  });
});
