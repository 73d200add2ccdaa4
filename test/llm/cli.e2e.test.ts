/**
 * The LLM path as a user turns it on: `OPENAI_BASE_URL` in the environment of the real
 * `sanad ask --json`, against the fake OpenAI-compatible server on loopback.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sanad } from '../reliability/helpers/child.js';
import { startFakeOpenAI, taskOf, userOf, type FakeOpenAI } from './fake-openai.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(() => fake.close());

/** A child process, not spawnSync: the fake server lives in this process and must keep answering. */
async function ask(question: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  const child = sanad(
    ['ask', '--json', question],
    { SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE, SANAD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sanad-llm-cli-')), ...env },
    tmpdir(),
  );
  await child.exited;
  return JSON.parse(child.stdout()) as Record<string, unknown>;
}

describe('sanad ask with OPENAI_BASE_URL', () => {
  it('answers an English question over the Arabic article in LLM mode, citing the Arabic paragraph', async () => {
    fake.chat = (request) => {
      const task = taskOf(request);
      if (task === 'translate') return { kind: 'reply', text: 'من هو سفير فرنسا لدى الأمم المتحدة؟' };
      if (task === 'condense') return { kind: 'reply', text: userOf(request) };
      return {
        kind: 'reply',
        text: "France's ambassador to the UN is François Delattre [1].",
        usage: { prompt_tokens: 900, completion_tokens: 20 },
      };
    };
    const answer = await ask('Who is the French ambassador to the United Nations?', { OPENAI_BASE_URL: fake.url });
    expect(answer).toMatchObject({ mode: 'llm', abstained: false, language: 'en', usage: { promptTokens: 900, completionTokens: 20 } });
    const citations = answer.citations as { paragraph: number; text: string; quote: string }[];
    expect(citations.map((c) => c.paragraph)).toEqual([2]);
    expect(citations[0]!.text).toContain(citations[0]!.quote);
    expect(fake.chatRequests().length).toBeGreaterThanOrEqual(2);
  });

  it('falls back to the extractive answer, saying why, when the server fails', async () => {
    fake.chat = () => ({ kind: 'status', status: 500 });
    const answer = await ask('من هو سفير فرنسا لدى الأمم المتحدة؟', { OPENAI_BASE_URL: fake.url, SANAD_LLM_DEADLINE_MS: '3000' });
    expect(answer).toMatchObject({ mode: 'extractive', abstained: false, fallbackReason: 'unavailable' });
    expect(answer.answer).toContain('ديلاتر');
    expect(answer.notice).toBeTruthy();
  });
});

describe('OpenAI-compatible embeddings (SANAD_EMBEDDER=openai)', () => {
  it('embeds the knowledge once: a restart makes no embedding request for the same paragraphs', async () => {
    fake.chat = () => ({ kind: 'reply', text: 'سفير فرنسا هو فرنسوا ديلاتر [1].' });
    const dataDir = mkdtempSync(join(tmpdir(), 'sanad-embed-cache-'));
    const env = { OPENAI_BASE_URL: fake.url, SANAD_EMBEDDER: 'openai', SANAD_EMBEDDING_MODEL: 'fake-embed', SANAD_DATA_DIR: dataDir };
    await ask('من هو سفير فرنسا لدى الأمم المتحدة؟', env);
    const first = fake.embeddingRequests().length;
    expect(first).toBeGreaterThanOrEqual(2); // the paragraphs, then the question
    const paragraphsEmbedded = fake.embeddingRequests().some((r) => JSON.stringify(r.body).includes('فرنسوا ديلاتر'));
    expect(paragraphsEmbedded).toBe(true);
    await ask('من هو سفير فرنسا لدى الأمم المتحدة؟', env);
    const again = fake.embeddingRequests().slice(first);
    expect(again).toHaveLength(1); // only the question
    expect(JSON.stringify(again[0]!.body)).not.toContain('فرنسوا ديلاتر');
    await ask('من هو سفير فرنسا لدى الأمم المتحدة؟', { ...env, SANAD_EMBEDDING_MODEL: 'other-embed' });
    expect(
      fake
        .embeddingRequests()
        .slice(first + 1)
        .some((r) => JSON.stringify(r.body).includes('فرنسوا ديلاتر')),
    ).toBe(true);
  });
});
