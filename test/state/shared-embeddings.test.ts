/**
 * The embedding cache shared by replicas: what one replica paid a model to embed, another reads
 * from PostgreSQL instead of embedding it again; keyed by the embedder id (the model) and the
 * text's hash, so another model never gets these vectors.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/core/index/embedder.js';
import type { Logger } from '../../src/core/ports.js';
import { PostgresStateStore, sharedEmbeddingCache } from '../../src/state/index.js';
import { PG_URL, SKIP_PG, dropSchema, testSchema } from './pg-env.js';

const quiet: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quiet };

/** A model that counts what it is asked to embed. */
function countingModel(id: string): Embedder & { asked: string[] } {
  const asked: string[] = [];
  return {
    id,
    crossLingual: false,
    asked,
    async embedDocuments(texts) {
      asked.push(...texts);
      return texts.map((t) => Float32Array.from([t.length, t.charCodeAt(0), 0.5, -1.25]));
    },
    embedQuery: async (t) => Float32Array.from([t.length, 0, 0, 0]),
  };
}

const stores: PostgresStateStore[] = [];
const schemas: string[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const s of schemas.splice(0)) await dropSchema(s);
});

describe.skipIf(SKIP_PG)('the embedding cache shared by replicas (PostgreSQL)', () => {
  it('a second replica embeds only what the first did not; another model shares nothing', async () => {
    const schema = testSchema();
    schemas.push(schema);
    const [a, b] = [await PostgresStateStore.open({ url: PG_URL, schema }), await PostgresStateStore.open({ url: PG_URL, schema })];
    stores.push(a, b);
    const modelA = countingModel('openai:text-embedding-3-small:api');
    const modelB = countingModel('openai:text-embedding-3-small:api');
    const first = await sharedEmbeddingCache(modelA, a, quiet).embedDocuments(['سفير فرنسا', 'كأس العالم', 'سفير فرنسا']);
    expect(modelA.asked).toEqual(['سفير فرنسا', 'كأس العالم']); // a repeated text once
    const second = await sharedEmbeddingCache(modelB, b, quiet).embedDocuments(['كأس العالم', 'سفير فرنسا', 'paragraph three']);
    expect(modelB.asked).toEqual(['paragraph three']);
    expect(second[0]).toEqual(first[1]);
    expect(second[1]).toEqual(first[0]);
    expect(Array.from(second[2]!)).toEqual([15, 112, 0.5, -1.25]);

    const otherModel = countingModel('openai:bge-m3:ollama');
    await sharedEmbeddingCache(otherModel, b, quiet).embedDocuments(['سفير فرنسا']);
    expect(otherModel.asked).toEqual(['سفير فرنسا']);
  });

  it('the database failing costs a model call, not the answer', async () => {
    const broken = { getEmbeddings: () => Promise.reject(new Error('down')), putEmbeddings: () => Promise.reject(new Error('down')) };
    const model = countingModel('m');
    const vectors = await sharedEmbeddingCache(model, broken, quiet).embedDocuments(['a', 'b']);
    expect(vectors).toHaveLength(2);
    expect(model.asked).toEqual(['a', 'b']);
  });
});
