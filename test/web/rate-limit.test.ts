import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChannelSettings, type Clock, DEFAULT_CHANNEL_SETTINGS, SlidingWindowLimiter } from '../../src/core/index.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { sanad, type Child } from '../reliability/helpers/child.js';
import { AMBASSADOR_Q, startWeb, type Running } from './helpers.js';

/** The web chat's channel with its own rate limit, as the config file's `platform: web` entry gives it. */
function webChannel(rateLimit: ChannelSettings['rateLimit']): ChannelSettings {
  return { ...DEFAULT_CHANNEL_SETTINGS, rateLimit };
}

class ManualClock implements Clock {
  ms = Date.parse('2026-12-01T12:00:00Z');
  now(): Date {
    return new Date(this.ms);
  }
}

function ask(url: string, path = '/api/ask', question = AMBASSADOR_Q): Promise<Response> {
  return fetch(new URL(path, url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Accept-Language': 'en' },
    body: JSON.stringify({ question }),
  });
}

let web: Running | undefined;
let child: Child | undefined;
afterEach(async () => {
  await web?.stop();
  web = undefined;
  child?.process.kill('SIGKILL');
  child = undefined;
});

describe('web chat: the channel rateLimit', () => {
  it('answers up to perUserPerMinute, then 429 with Retry-After and the friendly sentence, until the window has passed', async () => {
    const clock = new ManualClock();
    web = await startWeb({
      channel: webChannel({ perUserPerMinute: 2, perChannelPerMinute: 0 }),
      limits: new SlidingWindowLimiter(),
      clock,
    });
    expect((await ask(web.url)).status).toBe(200);
    clock.ms += 20_000;
    const streamed = await ask(web.url, '/api/ask/stream');
    expect(streamed.status).toBe(200);
    expect(await streamed.text()).toContain('"type":"final"');

    const refused = await ask(web.url);
    expect(refused.status).toBe(429);
    // The first question leaves the window 60 s after it was asked: 40 s from now.
    expect(refused.headers.get('retry-after')).toBe('40');
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toContain('40');
    // The stream refuses before it starts, with the same status.
    expect((await ask(web.url, '/api/ask/stream')).status).toBe(429);
    // Nothing refused was answered or recorded.
    expect(web.store.questions).toHaveLength(2);

    clock.ms += 40_000;
    expect((await ask(web.url)).status).toBe(200);
  });

  it('holds the whole chat to perChannelPerMinute', async () => {
    const clock = new ManualClock();
    web = await startWeb({
      channel: webChannel({ perUserPerMinute: 0, perChannelPerMinute: 3 }),
      limits: new SlidingWindowLimiter(),
      clock,
    });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await ask(web.url)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('does not count an empty question against the limit', async () => {
    web = await startWeb({
      channel: webChannel({ perUserPerMinute: 1, perChannelPerMinute: 0 }),
      limits: new SlidingWindowLimiter(),
      clock: new ManualClock(),
    });
    expect((await ask(web.url, '/api/ask', ' ')).status).toBe(400);
    expect((await ask(web.url)).status).toBe(200);
  });

  it('sanad start applies the config file’s platform: web rateLimit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-web-limit-'));
    writeFileSync(
      join(dir, 'sanad.config.yaml'),
      ['channels:', '  - platform: web', '    id: web', '    rateLimit:', '      perUserPerMinute: 2', ''].join('\n'),
    );
    child = sanad(
      ['start'],
      { PORT: '0', SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE, SANAD_DATA_DIR: join(dir, 'data'), SANAD_LOG_LEVEL: 'warn' },
      dir,
    );
    const [, url] = await child.waitFor(/sanad web chat: (http:\S+)/, 60_000);
    expect((await ask(url!)).status).toBe(200);
    expect((await ask(url!)).status).toBe(200);
    const refused = await ask(url!);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rate_limited');
    expect(body.error.message).toMatch(/\d+/);
  }, 90_000);
});
