/**
 * The real process (`node bin/sanad.js`, built dist/), killed and stopped:
 * - SIGTERM: new work refused, the answer in flight finished, connections closed, exit 0;
 * - kill -9 in the middle of posting a briefing (Slack has it, sanad never heard back), then
 *   restarts: the briefing is posted exactly once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DB_NAME } from '../../src/state/index.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { startFakeOpenAI, taskOf, userOf, type FakeOpenAI } from '../llm/fake-openai.js';
import { FakeSlack, TOKENS } from '../slack/helpers/fake-slack.js';
import { ensureBuilt, sanad } from './helpers/child.js';
import { briefingCrashProxy, briefingsIn, writeBriefingConfig } from './helpers/briefing-crash.js';
import { slackMethod } from './helpers/fault-proxy.js';
import { QUESTIONS } from './helpers/load.js';
import { until } from './helpers/stats.js';
import { processJanitor } from './helpers/janitor.js';

beforeAll(() => ensureBuilt(), 120_000);

const { children, cleanups } = processJanitor();

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sanad-proc-'));
}

describe('SIGTERM', () => {
  it('refuses new work, finishes the answer in flight, closes connections and exits 0', async () => {
    const llm: FakeOpenAI = await startFakeOpenAI();
    cleanups.push(() => llm.close());
    // A slow model: the answer is still being written when SIGTERM arrives.
    llm.chat = (request) => {
      if (taskOf(request) !== 'answer') return { kind: 'status', status: 400 };
      const n = /\[(\d+)\] [^\n]*\n?[^[]*فرنسوا ديلاتر/.exec(userOf(request))?.[1] ?? '1';
      return { kind: 'reply', text: `سفير فرنسا لدى الأمم المتحدة هو فرنسوا ديلاتر [${n}].`, delayMs: 1500 };
    };
    const dir = tempDir();
    const child = sanad(
      ['start'],
      {
        PORT: '0',
        HOST: '127.0.0.1',
        SANAD_DATA_DIR: join(dir, 'data'),
        SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE,
        SANAD_ANSWER_MODE: 'llm',
        OPENAI_BASE_URL: llm.url,
        OPENAI_API_KEY: 'sk-test-SIGTERM0123456789',
        SANAD_CHAT_MODEL: 'fake-chat',
        SANAD_LLM_DEADLINE_MS: '10000',
      },
      dir,
    );
    children.push(child);
    const [, url] = await child.waitFor(/sanad web chat: (http:\S+)/);
    const ask = () =>
      fetch(new URL('/api/ask', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ question: QUESTIONS[0] }),
      });

    const inFlight = ask();
    expect(await until(() => llm.chatRequests().length >= 1, 10_000)).toBe(true);
    child.process.kill('SIGTERM');
    await child.waitFor(/shutting down/);
    // New work is refused: the port no longer takes connections.
    await expect(ask()).rejects.toThrow();

    const response = await inFlight;
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { answer: string; citations: { paragraph: number }[] };
    expect(answer.answer).toContain('ديلاتر');
    expect(answer.citations[0]?.paragraph).toBe(2);

    const exit = await child.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(child.stderr()).toMatch(/stopped/);
    expect(child.stderr()).not.toMatch(/ ERROR /);
  });

  it('an answer waiting on a model that never answers gets its fallback, is recorded, then the store closes (issue 14, item 5)', async () => {
    const llm: FakeOpenAI = await startFakeOpenAI();
    cleanups.push(() => llm.close());
    // The model hangs; its 20 s deadline is past the 10 s shutdown grace.
    llm.chat = (request) => (taskOf(request) === 'answer' ? { kind: 'hang' } : { kind: 'status', status: 400 });
    const dir = tempDir();
    const child = sanad(
      ['start'],
      {
        PORT: '0',
        HOST: '127.0.0.1',
        SANAD_DATA_DIR: join(dir, 'data'),
        SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE,
        SANAD_ANSWER_MODE: 'llm',
        OPENAI_BASE_URL: llm.url,
        SANAD_CHAT_MODEL: 'fake-chat',
        SANAD_LLM_DEADLINE_MS: '20000',
      },
      dir,
    );
    children.push(child);
    const [, url] = await child.waitFor(/sanad web chat: (http:\S+)/);
    const inFlight = fetch(new URL('/api/ask', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: QUESTIONS[0] }),
    });
    expect(await until(() => llm.chatRequests().length >= 1, 30_000)).toBe(true);
    child.process.kill('SIGTERM');

    const response = await inFlight;
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { mode: string; fallbackReason?: string; answer: string; citations: { paragraph: number }[] };
    expect(answer).toMatchObject({ mode: 'extractive', fallbackReason: expect.any(String) });
    expect(answer.answer).toContain('ديلاتر');
    expect((await child.exited).code).toBe(0);
    expect(child.stderr()).not.toMatch(/not open| ERROR /);
    const db = new Database(join(dir, 'data', DEFAULT_DB_NAME), { readonly: true });
    const recorded = db.prepare('SELECT question FROM questions').all() as { question: string }[];
    db.close();
    expect(recorded.map((r) => r.question)).toEqual([QUESTIONS[0]]);
  }, 90_000);
});

describe('kill -9 in the middle of posting a briefing', () => {
  it('restarted, it does not post again: busy within the lease, then finds the post and records it', async () => {
    const slack = await new FakeSlack().start();
    cleanups.push(() => slack.close());
    const proxy = await briefingCrashProxy(slack);
    const dir = tempDir();
    const config = writeBriefingConfig(dir);
    const env = {
      SLACK_BOT_TOKEN: TOKENS.bot,
      SLACK_SIGNING_SECRET: 'test-signing-secret-KILL9',
      SLACK_API_URL: `${proxy.url}/api/`,
      SANAD_DATA_DIR: join(dir, 'data'),
      SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE,
      SANAD_CONFIG: config,
    };
    const briefings = () => briefingsIn(slack);

    const first = sanad(['briefing', '--channel', 'C0BRIEF', '--post'], env, dir);
    children.push(first);
    expect(await until(() => briefings().length === 1, 20_000)).toBe(true);
    first.process.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    // Restarted at once: the dead process's claim still holds; nothing is posted twice.
    const second = sanad(['briefing', '--channel', 'C0BRIEF', '--post'], env, dir);
    children.push(second);
    expect((await second.exited).code).toBe(0);
    expect(second.stdout()).toMatch(/not posting it twice/);

    // The claim's lease (2 minutes) runs out: moved back in the database rather than waited for.
    const db = new Database(join(dir, 'data', DEFAULT_DB_NAME));
    db.prepare('UPDATE briefings SET claimed_at = claimed_at - 180000').run();
    db.close();
    const third = sanad(['briefing', '--channel', 'C0BRIEF', '--post'], env, dir);
    children.push(third);
    expect((await third.exited).code).toBe(0);
    expect(third.stdout()).toMatch(/had already been posted; recorded it/);

    const fourth = sanad(['briefing', '--channel', 'C0BRIEF', '--post'], env, dir);
    children.push(fourth);
    expect((await fourth.exited).code).toBe(0);
    expect(fourth.stdout()).toMatch(/already posted or skipped/);

    expect(briefings()).toHaveLength(1);
    expect(proxy.count((r) => slackMethod(r) === 'chat.postMessage')).toBe(1);
  });
});
