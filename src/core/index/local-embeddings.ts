import { Embeddings } from '@langchain/core/embeddings';
import { isStopWord, normalizeForMatch, stem } from '../text/index.js';
import type { Lang } from '../text/index.js';

/**
 * The offline default embedder: signed feature hashing of stemmed words and character n-grams
 * into a fixed-size, L2-normalised vector. Deterministic, no weights to download, and good at
 * what lexical Arabic retrieval misses: n-grams link "فرنسا" to "الفرنسيين" and verb forms whose
 * prefixes a light stemmer keeps. It cannot match across languages; the LLM path adds that.
 */
export interface LocalEmbeddingsOptions {
  dimensions?: number;
  /** Weight of one character n-gram relative to one word stem. */
  ngramWeight?: number;
}

const TOKEN = /[\p{L}\p{N}]+/gu;

export class LocalHashEmbeddings extends Embeddings {
  readonly dimensions: number;
  readonly ngramWeight: number;

  constructor(options: LocalEmbeddingsOptions = {}) {
    super({});
    this.dimensions = options.dimensions ?? 512;
    this.ngramWeight = options.ngramWeight ?? 0.35;
  }

  /** Cache key: vectors from another configuration must never be mixed in. */
  get embedderId(): string {
    return `local-hash-v1:${this.dimensions}:${this.ngramWeight}`;
  }

  embedSync(text: string, lang: Lang = 'ar'): Float32Array {
    const vector = new Float32Array(this.dimensions);
    const counts = new Map<string, number>();
    const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
    for (const token of normalizeForMatch(text).match(TOKEN) ?? []) {
      if (isStopWord(token)) continue;
      const stemmed = stem(token, lang);
      add(`w:${stemmed}`);
      const padded = `<${stemmed}>`;
      for (let n = 3; n <= 4; n++) {
        for (let i = 0; i + n <= padded.length; i++) add(`g:${padded.slice(i, i + n)}`);
      }
    }
    for (const [feature, count] of counts) {
      const h = fnv1a(feature);
      const sign = h & 0x80000000 ? -1 : 1;
      const weight = feature.startsWith('g:') ? this.ngramWeight : 1;
      vector[h % this.dimensions]! += sign * weight * (1 + Math.log(count));
    }
    let norm = 0;
    for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
    return vector;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => Array.from(this.embedSync(t)));
  }

  async embedQuery(text: string): Promise<number[]> {
    return Array.from(this.embedSync(text));
  }
}

/** FNV-1a, 32-bit: fast, well spread, stable across runs and machines. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
