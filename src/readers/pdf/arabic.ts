import type { Block } from '../../core/knowledge/reader.js';
import { LAM_ALEF_WORDS } from './lam-alef-lexicon.js';

/**
 * Repairs the known damage of Arabic text extracted from PDFs. LibreOffice's fonts map the
 * lam-alef ligature so that extraction gives its two letters swapped: every "لا" (لأ, لإ, لآ)
 * comes out as "ال" ("الإجازات" → "اإلجازات", "ثلاثون" → "ثالثون", "لا" → "ال"). A real "ال"
 * (the article, "قال") looks the same, so a document is only repaired when it shows the
 * swap's signature, and each candidate pair is decided by rules that cannot be wrong (two
 * alefs in a row do not occur) and then by the words the document itself and a lexicon use.
 * Other producers lose a final lam-alef's joint ("ول ا") or put a mark on its own: those are
 * joined back. Space loss (cairo) is repaired earlier, from the glyphs' positions.
 */

const ALEFS = 'اأإآ';
/** An alef form followed by lam: what a swapped lam-alef looks like after extraction. */
const CANDIDATE = /[اأإآ]ل/g;
// eslint-disable-next-line no-misleading-character-class -- letters and their marks are matched one code point at a time on purpose
const WORD = /[\u0621-\u064A\u064B-\u065F\u0670]+/g;
const MARKS = /[\u064B-\u065F\u0670]/g;
/** Proclitics and the article, taken off before a lexicon lookup. */
const PREFIX = /^(و|ف|ب|ك|ل)?(ال)?/;
/** Impossible after a swap is undone: two alef forms in a row, or an article before a hamza on ya. */
const IMPOSSIBLE = /[اأإآ][اأإآ]|^(?:[وفبك]?)ال[ئء]/;
/** At least this many impossible words, with lam-alef almost absent, mark a swapping producer. */
const SIGNATURE_MIN = 3;
const SIGNATURE_RATIO = 0.2;
/** Words with more candidate pairs than this are left alone (2^n readings). */
const MAX_CANDIDATES = 5;

/** The lexicon's words of four and five letters, as prefixes: "ثلاثون" is known from "ثلاث". */
const LEXICON_PREFIXES = new Set([...LAM_ALEF_WORDS].filter((w) => w.length === 4 || w.length === 5));

export function repairArabicBlocks(blocks: Block[]): Block[] {
  const texts = blocks.flatMap(textsOf);
  const all = texts.join('\n');
  if (!/[\u0600-\u06FF]/.test(all)) return blocks;
  const forms = swappedForms(all);
  const vocabulary = forms ? documentVocabulary(all) : new Set<string>();
  const repair = (text: string) => repairText(text, forms, vocabulary);
  return blocks.map((block) => {
    if (block.kind === 'list') return { ...block, items: block.items.map(repair) };
    if (block.kind === 'table') return { ...block, header: block.header?.map(repair) ?? null, rows: block.rows.map((r) => r.map(repair)) };
    return { ...block, text: repair(block.text) };
  });
}

/** One text, repaired: lone alefs and marks joined back; lam-alefs of the `swapped` alef forms undone. */
export function repairText(text: string, swapped: string, vocabulary: ReadonlySet<string> = new Set()): string {
  // "ول ا" → "ولا": a lone alef is never a word; it is the end of the lam-alef before it.
  let out = text.replace(/([\u0621-\u064A]ل) ا(?=$|[\s\p{P}])/gu, '$1ا');
  // A mark never starts a word: "كتاب ٌ" → "كتابٌ".
  out = out.replace(/([\u0621-\u064A])\s+([\u064B-\u065F\u0670]+)(?=$|[\s\p{P}])/gu, '$1$2');
  // An alef before another alef form cannot be Arabic: "اإلجازة" is "الإجازة", whatever the
  // producer. (Forms found swapped throughout are left to the per-word decision below.)
  const others = [...ALEFS].filter((form) => !swapped.includes(form)).join('');
  if (others) out = out.replace(new RegExp(`ا([${others}])ل`, 'g'), 'ال$1');
  if (!swapped) return out;
  return out.replace(WORD, (word) => unswapWord(word, swapped, vocabulary));
}

/**
 * The alef forms whose lam-alef the producer swapped: many words hold "ا" + that form + "ل"
 * (impossible in Arabic: "اإلجازة", "االلتزام", or "ال" alone for "لا"), and a visible lam with
 * that form is rare. Fonts differ by form: one document may swap "لا" and keep "لإ".
 */
export function swappedForms(text: string): string {
  const words = (text.match(WORD) ?? []).map((w) => w.replace(MARKS, ''));
  let forms = '';
  for (const form of ALEFS) {
    const impossible = words.filter((w) => w.includes('ا' + form + 'ل') || (form === 'ا' && /^[وف]?ال$/.test(w))).length;
    const visible = words.filter((w) => w.includes('ل' + form)).length;
    if (impossible >= SIGNATURE_MIN && visible <= impossible * SIGNATURE_RATIO) forms += form;
  }
  return forms;
}

/** Words of the document with no candidate pair: they came through the extraction intact. */
function documentVocabulary(text: string): Set<string> {
  const vocabulary = new Set<string>();
  for (const word of text.match(WORD) ?? []) {
    const bare = word.replace(MARKS, '');
    if (!CANDIDATE.test(bare)) vocabulary.add(stripPrefix(bare));
    CANDIDATE.lastIndex = 0;
  }
  return vocabulary;
}

function unswapWord(word: string, forms: string, vocabulary: ReadonlySet<string>): string {
  const bare = word.replace(MARKS, '');
  if (bare !== word) return word; // a word with marks is rare in a swapped document; kept as is
  const positions = [...word.matchAll(CANDIDATE)].map((m) => m.index!).filter((i) => forms.includes(word[i]!));
  if (positions.length === 0 || positions.length > MAX_CANDIDATES) return word;
  if (/^[وف]?ال$/.test(word)) return word.replace(/ال$/, 'لا'); // "ال" alone is "لا"
  if (/^[أإ]ال$/.test(word)) return word[0] + 'لا'; // "إال" → "إلا", "أال" → "ألا"
  let best = word;
  let bestScore = -Infinity;
  for (let mask = 0; mask < 1 << positions.length; mask++) {
    const chars = [...word];
    let overlapping = false;
    let swaps = 0;
    positions.forEach((p, i) => {
      if (!(mask & (1 << i))) return;
      if (i > 0 && mask & (1 << (i - 1)) && positions[i - 1] === p - 1) overlapping = true;
      [chars[p], chars[p + 1]] = [chars[p + 1]!, chars[p]!];
      swaps++;
    });
    if (overlapping) continue;
    const candidate = chars.join('');
    const score = scoreOf(candidate, swaps, positions, mask, word, vocabulary);
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

function scoreOf(
  candidate: string,
  swaps: number,
  positions: number[],
  mask: number,
  original: string,
  vocabulary: ReadonlySet<string>,
): number {
  if (IMPOSSIBLE.test(candidate)) return -100;
  const stem = stripPrefix(candidate);
  let score = 0;
  if (LAM_ALEF_WORDS.has(stem) || vocabulary.has(stem)) score += 10;
  else if (LEXICON_PREFIXES.has(stem.slice(0, 4)) || LEXICON_PREFIXES.has(stem.slice(0, 5))) score += 6;
  const article = PREFIX.exec(original)?.[0] ?? '';
  positions.forEach((p, i) => {
    const swapped = (mask & (1 << i)) !== 0;
    // The article's "ال" right at the start of the word is real.
    if (swapped && article.endsWith('ال') && p === article.length - 2 && ALEFS.includes(original[p + 2] ?? '') === false) score -= 5;
    if (!swapped) return;
    // "…الل" at a word's end is a swapped "…لال" ("خالل" → "خلال").
    if (original[p + 2] === 'ل' && p + 3 === original.length) score += 3;
    // Right after the article ("الالزمة" → "اللازمة"), or after a lam ("لإلدارة" → "للإدارة"):
    // kept, the pair would leave a lam-alef that escaped the ligature, which a swapping font never does.
    if ((article.endsWith('ال') && p === article.length) || original[p - 1] === 'ل') score += 3;
  });
  return score - swaps * 0.1;
}

function stripPrefix(word: string): string {
  const stripped = word.replace(PREFIX, '');
  return stripped.length >= 2 ? stripped : word;
}

function textsOf(block: Block): string[] {
  if (block.kind === 'list') return block.items;
  if (block.kind === 'table') return [...(block.header ?? []), ...block.rows.flat()];
  return [block.text];
}
