export { normalize, normalizeForMatch, cleanInvisible } from './normalize.js';
export { detectLanguage } from './language.js';
export type { Lang } from './language.js';
export { stem, stemArabic } from './stem.js';
export { isStopWord } from './stopwords.js';
export { tokenize, terms } from './tokenize.js';
export { splitSentences, splitClauses } from './sentences.js';
export type { Span } from './sentences.js';
