/**
 * The embedding worker embeds with each token's features made once (`CachedFeatures`): every
 * vector must be the one `embedSync` makes, bit for bit, also once the cache starts again.
 */
import { describe, expect, it } from 'vitest';
import { CachedFeatures, LocalHashEmbeddings } from '../../src/core/index/local-embeddings.js';
import { rng } from '../fixtures/random.js';

/** Arabic and Latin words, numbers, stop words, a word whose grams repeat ("ننننن"). */
const WORDS = ['سفير', 'فرنسا', 'الفرنسيين', 'في', 'من', 'مجلس', 'الأمن', 'Paris', 'opération', '2024', '١٢', 'the', 'ننننن', 'قرار'];

const bytes = (v: Float32Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);

describe('embedding with cached features', () => {
  it('makes exactly the vectors embedSync makes, text after text and past its limit', () => {
    const next = rng(5);
    const texts = [
      '',
      'في من',
      ...Array.from({ length: 300 }, () =>
        Array.from({ length: 1 + Math.floor(next() * 40) }, () => WORDS[Math.floor(next() * WORDS.length)]).join(' '),
      ),
    ];
    const local = new LocalHashEmbeddings();
    for (const limit of [undefined, 20]) {
      const cached = new CachedFeatures(local, 'ar', limit);
      for (const text of texts) expect(bytes(cached.embed(text)).equals(bytes(local.embedSync(text)))).toBe(true);
    }
  });
});
