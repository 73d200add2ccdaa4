import { createRequire } from 'node:module';
import type { Lang } from './language.js';

/**
 * Arabic light stemming in the light10 tradition (Larkey, Ballesteros & Connell 2007): strip the
 * conjunction و, the definite article with its attached prepositions, and common suffixes.
 * Snowball's Arabic stemmer was tried and rejected: it strips root letters ("فرنسا" → "رنس") and
 * conflates far more than retrieval can afford. Input must already be `normalize`d (ة → ه, أ → ا).
 */
const AR_ARTICLES = ['وال', 'بال', 'كال', 'فال', 'لل', 'ال'];
const AR_PRONOUNS = ['هما', 'كما', 'ها', 'هم', 'هن', 'كم', 'كن', 'نا'];
const AR_SUFFIXES = ['ان', 'ات', 'ون', 'ين', 'يه', 'ه', 'ي'];

export function stemArabic(word: string): string {
  let w = word;
  if (w.length > 3 && w.startsWith('و')) w = w.slice(1);
  for (const article of AR_ARTICLES) {
    if (w.startsWith(article) && w.length - article.length >= 2) {
      w = w.slice(article.length);
      break;
    }
  }
  for (const suffix of AR_PRONOUNS) {
    if (w.length - suffix.length >= 3 && w.endsWith(suffix)) {
      w = w.slice(0, -suffix.length);
      // A ta marbuta turns into ت before a pronoun: "عاصمتها" → "عاصمت" → "عاصمه".
      if (w.length >= 4 && w.endsWith('ت')) w = w.slice(0, -1) + 'ه';
      break;
    }
  }
  for (const suffix of AR_SUFFIXES) {
    if (w.length - suffix.length >= 3 && w.endsWith(suffix)) w = w.slice(0, -suffix.length);
  }
  return w;
}

interface Stemmer {
  stem(word: string): string;
}
const latinStemmers = new Map<string, Stemmer>();

const require = createRequire(import.meta.url);

function latinStemmer(lang: 'en' | 'fr'): Stemmer {
  let stemmer = latinStemmers.get(lang);
  if (!stemmer) {
    // Loaded on the first Latin word: an Arabic-only knowledge base never pays for it.
    const snowball = require('snowball-stemmers') as typeof import('snowball-stemmers').default;
    stemmer = snowball.newStemmer(lang === 'fr' ? 'french' : 'english') as Stemmer;
    latinStemmers.set(lang, stemmer);
  }
  return stemmer;
}

const ARABIC_WORD = /[\u0600-\u06FF]/;

/** Stems one normalised token by its own script; Latin words use the text's language. */
export function stem(token: string, lang: Lang): string {
  if (ARABIC_WORD.test(token)) return stemArabic(token);
  if (/^\d+$/.test(token)) return token;
  return latinStemmer(lang === 'fr' ? 'fr' : 'en').stem(token);
}
