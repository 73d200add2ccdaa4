import { afterEach, describe, expect, it } from 'vitest';
import { SanadError } from '../../src/core/errors.js';
import { createOpenAIEmbeddings } from '../../src/openai/embeddings.js';
import { fakeVector, startFakeOpenAI, type FakeOpenAI } from './fake-openai.js';
import { articlePassages, recordingLogger, TEST_KEY, testConfig } from './helpers.js';

let fake: FakeOpenAI;
afterEach(async () => {
  await fake?.close();
});

const texts = articlePassages(1, 2, 3, 4, 5).map((p) => p.text);

describe('createOpenAIEmbeddings', () => {
  it('embeds in batches through the real client, reporting progress', async () => {
    fake = await startFakeOpenAI();
    const progress: Array<[number, number]> = [];
    const embedder = createOpenAIEmbeddings(testConfig(fake.url), {
      logger: recordingLogger(),
      batchSize: 2,
      onProgress: ({ done, total }) => progress.push([done, total]),
    });
    const vectors = await embedder.embedDocuments(texts);
    expect(vectors).toEqual(texts.map(fakeVector));
    const requests = fake.embeddingRequests();
    expect(requests.map((r) => r.body.input.length)).toEqual([2, 2, 1]);
    expect(requests[0]?.body).toMatchObject({ model: 'fake-embed', encoding_format: 'float' });
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${TEST_KEY}`);
    expect(progress.at(-1)).toEqual([5, 5]);
    expect(progress).toHaveLength(3);
  });

  it('embeds a query', async () => {
    fake = await startFakeOpenAI();
    const embedder = createOpenAIEmbeddings(testConfig(fake.url), { logger: recordingLogger() });
    expect(await embedder.embedQuery('سفير فرنسا')).toEqual(fakeVector('سفير فرنسا'));
  });

  it('has an id that names the model and the server, and changes with the model', async () => {
    fake = await startFakeOpenAI();
    const a = createOpenAIEmbeddings(testConfig(fake.url), { logger: recordingLogger() });
    const b = createOpenAIEmbeddings(testConfig(fake.url, { embeddingModel: 'bge-m3' }), { logger: recordingLogger() });
    expect(a.embedderId).toBe(`openai:fake-embed:${fake.url}`);
    expect(b.embedderId).not.toBe(a.embedderId);
    expect(a.embedderId).not.toContain(TEST_KEY);
  });

  it('retries a 429 with Retry-After', async () => {
    fake = await startFakeOpenAI();
    let calls = 0;
    fake.embed = () => (calls++ === 0 ? { kind: 'status', status: 429, headers: { 'retry-after-ms': '200' } } : { kind: 'vectors' });
    const embedder = createOpenAIEmbeddings(testConfig(fake.url), { logger: recordingLogger() });
    expect(await embedder.embedDocuments(texts.slice(0, 2))).toHaveLength(2);
    const [first, second] = fake.embeddingRequests();
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(180);
  });

  it('fails with a SanadError that says what to fix', async () => {
    fake = await startFakeOpenAI();
    fake.embed = () => ({ kind: 'status', status: 404, message: 'model "fake-embed" not found, try pulling it first' });
    const embedder = createOpenAIEmbeddings(testConfig(fake.url), { logger: recordingLogger() });
    const error = await embedder.embedDocuments(texts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SanadError);
    expect((error as SanadError).code).toBe('embedding_failed');
    expect((error as SanadError).hint).toMatch(/SANAD_EMBEDDING_MODEL/);
    expect(fake.embeddingRequests()).toHaveLength(1);
  });

  it('rejects a reply with the wrong number of vectors', async () => {
    fake = await startFakeOpenAI();
    fake.embed = () => ({ kind: 'vectors', vectors: [[1, 0]] });
    const embedder = createOpenAIEmbeddings(testConfig(fake.url), { logger: recordingLogger() });
    const error = await embedder.embedDocuments(texts.slice(0, 3)).catch((e: unknown) => e);
    expect((error as SanadError).code).toBe('embedding_malformed');
  });

  it('gives up within its time budget on a hanging server', async () => {
    fake = await startFakeOpenAI();
    fake.embed = () => ({ kind: 'hang' });
    const embedder = createOpenAIEmbeddings(testConfig(fake.url), { logger: recordingLogger(), batchTimeoutMs: 400 });
    // The server never answers: an error at all is the 400 ms budget at work.
    const error = await embedder.embedQuery('x').catch((e: unknown) => e);
    expect((error as SanadError).code).toBe('embedding_failed');
  });

  it('refuses to start without a key or a base URL', () => {
    expect(() => createOpenAIEmbeddings(testConfig('', { apiKey: undefined, baseURL: undefined }), { logger: recordingLogger() })).toThrow(
      /OPENAI_API_KEY or OPENAI_BASE_URL/,
    );
  });
});
