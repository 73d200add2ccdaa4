/**
 * Text normalisation for matching, never for display: cited text is always the original.
 *
 * Arabic: diacritics (tashkeel, Quranic marks) and tatweel removed; alef forms, alef maqsura,
 * ta marbuta and hamza seats unified, as in the Arabic IR literature (Larkey et al., light10).
 * Digits: Arabic-Indic and Persian digits become Western ones, so "٢٠١٩" matches "2019".
 */

const ARABIC_MARKS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g;
/** Zero-width and bidi controls, and C0 controls that are not spaces (NUL…): invisible, but they break tokens and equality. */
// eslint-disable-next-line no-control-regex -- NUL and other C0 controls are what this removes
const INVISIBLE = /[\u0000-\u0008\u000E-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF\u00AD]/g;
const LATIN_MARKS = /[\u0300-\u036f]/g;

const LETTER_MAP: Record<string, string> = {
  إ: 'ا',
  أ: 'ا',
  آ: 'ا',
  ٱ: 'ا',
  ى: 'ي',
  ة: 'ه',
  ؤ: 'و',
  ئ: 'ي',
  ک: 'ك',
  ی: 'ي',
  ہ: 'ه',
};
const LETTERS = /[إأآٱىةؤئکیہ]/g;
const EASTERN_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;

function westernDigit(ch: string): string {
  const code = ch.charCodeAt(0);
  return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
}

/** Arabic-Indic and Persian digits become Western ones ("٢٠١٩" → "2019"); nothing else changes. */
export function westernDigits(text: string): string {
  return text.replace(EASTERN_DIGITS, westernDigit);
}

/** Removes invisible characters and unifies whitespace; keeps everything a reader sees. */
export function cleanInvisible(text: string): string {
  return text
    .replace(INVISIBLE, '')
    .replace(/[\s\u00A0]+/g, ' ')
    .trim();
}

/**
 * The benchmark normalisation (see shared/bench/article-qa.json `normalization`):
 * NFKC, Arabic marks and tatweel dropped, letter forms unified, digits Western,
 * invisible controls dropped, spaces collapsed, lower case.
 */
export function normalize(text: string): string {
  return cleanInvisible(
    text
      .normalize('NFKC')
      .replace(ARABIC_MARKS, '')
      .replace(LETTERS, (ch) => LETTER_MAP[ch] ?? ch)
      .replace(EASTERN_DIGITS, westernDigit),
  ).toLowerCase();
}

/** `normalize` plus Latin accent folding, so "opération" matches "operation". */
export function normalizeForMatch(text: string): string {
  // Tanween fatha is written on a seat alef ("جنوباً"); the alef is not part of the word.
  return normalize(text.replace(/\u064Bا|ا\u064B/g, ''))
    .normalize('NFD')
    .replace(LATIN_MARKS, '')
    .normalize('NFC');
}
