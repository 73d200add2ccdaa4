import { normalizeForMatch } from './normalize.js';
import { stem } from './stem.js';
import { isStopWord } from './stopwords.js';
import type { Lang } from './language.js';

const TOKEN = /[\p{L}\p{N}]+/gu;

/** Normalised word tokens, in order, stop words included. */
export function tokenize(text: string): string[] {
  return normalizeForMatch(text).match(TOKEN) ?? [];
}

/**
 * Content terms for retrieval: normalised, stop words dropped, stemmed. `visit` sees each kept
 * token with its stem (the index learns spellings from them without tokenising twice).
 */
export function terms(text: string, lang: Lang = 'ar', visit?: (token: string, stemmed: string) => void): string[] {
  const out: string[] = [];
  for (const token of tokenize(text)) {
    if (isStopWord(token)) continue;
    if (token.length < 2 && !/\d/.test(token)) continue;
    const stemmed = stem(token, lang);
    visit?.(token, stemmed);
    out.push(stemmed);
  }
  return out;
}
