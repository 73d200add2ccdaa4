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
    for (const token of normalizeForMatch(text).match(TOKEN) ?? []) {
      if (isStopWord(token)) continue;
      for (const feature of featuresOf(stem(token, lang))) counts.set(feature, (counts.get(feature) ?? 0) + 1);
    }
    for (const [feature, count] of counts) addFeature(vector, fnv1a(feature), this.weightOf(feature), count);
    return normalized(vector);
  }

  /** A feature's weight: one character n-gram counts `ngramWeight` of one word stem. */
  weightOf(feature: string): number {
    return feature.startsWith('g:') ? this.ngramWeight : 1;
  }

  async embedDocuments(texts: string[]): Promise<number[][]> {
    return texts.map((t) => Array.from(this.embedSync(t)));
  }

  async embedQuery(text: string): Promise<number[]> {
    return Array.from(this.embedSync(text));
  }
}

/** A stem's features, in order: the stem, then its character 3- and 4-grams. */
function featuresOf(stemmed: string): string[] {
  const out = [`w:${stemmed}`];
  const padded = `<${stemmed}>`;
  for (let n = 3; n <= 4; n++) {
    for (let i = 0; i + n <= padded.length; i++) out.push(`g:${padded.slice(i, i + n)}`);
  }
  return out;
}

function addFeature(vector: Float32Array, h: number, weight: number, count: number): void {
  const sign = h & 0x80000000 ? -1 : 1;
  vector[h % vector.length]! += sign * weight * (1 + Math.log(count));
}

function normalized(vector: Float32Array): Float32Array {
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += vector[i]! * vector[i]!;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/** Distinct tokens (and features) a `CachedFeatures` remembers before it starts again. */
const CACHED_FEATURES = 1 << 20;

/**
 * `embedSync` for many texts (a cold build's, in the embedding worker), with each token's
 * features numbered and hashed once instead of made as strings and hashed at every use: the same
 * features counted in the same order, so the vectors are the same bit for bit.
 */
export class CachedFeatures {
  private tokens = new Map<string, Int32Array | null>();
  private numbers = new Map<string, number>();
  private hashes: number[] = [];
  private weights: number[] = [];
  private counts: Int32Array = new Int32Array(1 << 16);
  private touched: Int32Array = new Int32Array(1 << 12);

  constructor(
    private readonly local: LocalHashEmbeddings,
    private readonly lang: Lang = 'ar',
    private readonly limit = CACHED_FEATURES,
  ) {}

  embed(text: string): Float32Array {
    // Started again between texts only: a text's counts are kept by feature number.
    if (this.tokens.size >= this.limit || this.numbers.size >= this.limit) {
      this.tokens = new Map();
      this.numbers = new Map();
      this.hashes = [];
      this.weights = [];
    }
    let n = 0;
    for (const token of normalizeForMatch(text).match(TOKEN) ?? []) {
      let features = this.tokens.get(token);
      if (features === undefined) features = this.learn(token);
      if (features === null) continue;
      for (let k = 0; k < features.length; k++) {
        const f = features[k]!;
        if (this.counts[f]!++ === 0) {
          if (n === this.touched.length) this.touched = grown(this.touched, n * 2);
          this.touched[n++] = f;
        }
      }
    }
    const vector = new Float32Array(this.local.dimensions);
    for (let k = 0; k < n; k++) {
      const f = this.touched[k]!;
      addFeature(vector, this.hashes[f]!, this.weights[f]!, this.counts[f]!);
      this.counts[f] = 0;
    }
    return normalized(vector);
  }

  private learn(token: string): Int32Array | null {
    const features = isStopWord(token) ? null : Int32Array.from(featuresOf(stem(token, this.lang)), (feature) => this.numberOf(feature));
    this.tokens.set(token, features);
    return features;
  }

  private numberOf(feature: string): number {
    let f = this.numbers.get(feature);
    if (f === undefined) {
      f = this.numbers.size;
      this.numbers.set(feature, f);
      this.hashes.push(fnv1a(feature));
      this.weights.push(this.local.weightOf(feature));
      if (f === this.counts.length) this.counts = grown(this.counts, f * 2);
    }
    return f;
  }
}

function grown(array: Int32Array, size: number): Int32Array {
  const next = new Int32Array(size);
  next.set(array);
  return next;
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
