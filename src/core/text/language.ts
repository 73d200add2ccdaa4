/**
 * Language of a question or document: ar, en, fr, or und. Script decides Arabic; among Latin
 * texts, French and English are told apart by their function words and French diacritics,
 * which works on a five-word chat question where n-gram detectors guess.
 */
export type Lang = 'ar' | 'en' | 'fr' | 'und';

const ARABIC_WORD = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
const LATIN_WORD = /[A-Za-z\u00C0-\u024F]/;

const FRENCH = new Set(
  (
    'le la les un une des du de est sont quel quelle quels quelles qui que quoi où ou comment pourquoi ' +
    'combien quand dans avec pour par sur au aux ce cette ces il elle ils elles nous vous leur ' +
    'être était été ont fait pas ne plus son sa ses qu est-ce lors depuis entre contre selon ' +
    'français française france opération pays merci bonjour bonsoir salut aide'
  ).split(' '),
);
const ENGLISH = new Set(
  (
    'the a an of is are was were what which who whom whose where when why how many much does did ' +
    'do in on at for with by from to and or not this that these those it its they their has have ' +
    'had be been can could will would should about against between during since country countries'
  ).split(' '),
);

export function detectLanguage(text: string): Lang {
  // Words, not letters, decide: "ما هو Barkhane؟" is an Arabic question about a Latin name.
  const tokens = text.split(/[\s\p{P}]+/u);
  const arabic = tokens.filter((t) => ARABIC_WORD.test(t)).length;
  const latin = tokens.filter((t) => !ARABIC_WORD.test(t) && LATIN_WORD.test(t)).length;
  if (arabic === 0 && latin === 0) return 'und';
  if (arabic >= latin) return 'ar';
  const words = text
    .toLowerCase()
    .normalize('NFC')
    .split(/[^\p{L}'-]+/u)
    .filter(Boolean);
  let fr = /[éèêàùçôîœ]/i.test(text) ? 1.5 : 0;
  let en = 0;
  for (const word of words) {
    for (const part of word.split(/['’]/)) {
      if (FRENCH.has(part)) fr += 1;
      if (ENGLISH.has(part)) en += 1;
    }
    if (/^(l|d|qu|j|n|s|c)['’]/.test(word)) fr += 1;
  }
  if (fr === 0 && en === 0) return 'en';
  return fr > en ? 'fr' : 'en';
}
