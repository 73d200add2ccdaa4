import { normalizeForMatch } from './normalize.js';
import { stem } from './stem.js';
import { isStopWord } from './stopwords.js';
import type { Lang } from './language.js';

const TOKEN = /[\p{L}\p{N}]+/gu;

/**
 * Arabic prepositions, "و"/"ف" and the article written onto a Latin word or a number, as chat
 * writes them with or without a tatweel ("الـVPN", "بـ700 دولار", "عالـGitLab", "لـHR"): grammar,
 * not part of the name or number they precede.
 */
const CLITICS_ON_LATIN = /^(?:[وف]?(?:بال|لل|وال|عال|ال|ب|ل|ك)|[وف])(?=[a-z0-9])/;

/** Normalised word tokens, in order, stop words included. */
export function tokenize(text: string): string[] {
  return (normalizeForMatch(text).match(TOKEN) ?? []).map((token) => token.replace(CLITICS_ON_LATIN, ''));
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
