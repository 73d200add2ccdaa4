import { normalize, westernDigits } from '../text/index.js';

/**
 * Numbers as the verifier compares them: Western digits, no grouping, no leading zeros, and
 * "3 million" as 3000000. A passage also vouches for the numbers it spells out in words
 * ("سبعين دولة" = 70, "trente et un" = 31, "twenty" = 20), so "70 countries" can be verified
 * against it; an answer's own number words are not checked, only its digits.
 */

/** Arabic-Indic digits become Western ones; the Arabic decimal and thousands marks too. */
export function normalizeDigits(text: string): string {
  return westernDigits(text)
    .replace(/\u066B/g, '.')
    .replace(/\u066C/g, ',');
}

const SCALES: Record<string, number> = {
  thousand: 1e3,
  thousands: 1e3,
  million: 1e6,
  millions: 1e6,
  billion: 1e9,
  billions: 1e9,
  mille: 1e3,
  milliers: 1e3,
  milliard: 1e9,
  milliards: 1e9,
  ألف: 1e3,
  آلاف: 1e3,
  الف: 1e3,
  الاف: 1e3,
  مليون: 1e6,
  ملايين: 1e6,
  مليار: 1e9,
  مليارات: 1e9,
};

const WORDS: Record<string, number> = {};
function words(value: number, ...forms: string[]) {
  for (const form of forms) WORDS[normalize(form)] = value;
}
// Arabic (masculine and feminine, nominative and oblique)
words(1, 'واحد', 'واحدة');
words(2, 'اثنان', 'اثنين', 'اثنتان', 'اثنتين');
words(3, 'ثلاث', 'ثلاثة');
words(4, 'أربع', 'أربعة');
words(5, 'خمس', 'خمسة');
words(6, 'ستة');
words(7, 'سبع', 'سبعة');
words(8, 'ثماني', 'ثمانية');
words(9, 'تسعة');
words(10, 'عشر', 'عشرة');
words(20, 'عشرون', 'عشرين');
words(30, 'ثلاثون', 'ثلاثين');
words(40, 'أربعون', 'أربعين');
words(50, 'خمسون', 'خمسين');
words(60, 'ستون', 'ستين');
words(70, 'سبعون', 'سبعين');
words(80, 'ثمانون', 'ثمانين');
words(90, 'تسعون', 'تسعين');
words(100, 'مئة', 'مائة');
words(200, 'مئتان', 'مئتين', 'مائتان', 'مائتين');
words(2000, 'ألفان', 'ألفين');
// English
const EN =
  'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen'.split(
    ' ',
  );
EN.forEach((w, i) => words(i, w));
['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'].forEach((w, i) => words(20 + 10 * i, w));
words(100, 'hundred');
words(12, 'dozen');
// French
const FR = 'zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize'.split(' ');
FR.forEach((w, i) => words(i, w));
words(1, 'une');
['vingt', 'trente', 'quarante', 'cinquante', 'soixante'].forEach((w, i) => words(20 + 10 * i, w));
words(80, 'quatrevingt'); // "quatre-vingt(s)" is joined before splitting on hyphens
words(100, 'cent', 'cents');
for (const [w, v] of Object.entries(SCALES)) words(v, w);

/** Arabic clitics a number word may carry: و, ب, ل, ال and their combinations. */
function arabicStems(token: string): string[] {
  const out = [token];
  const m = /^(و|ف)?(ب|ل|ك)?(ال)?(.+)$/.exec(token);
  if (m?.[4] && m[4] !== token) out.push(m[4]);
  return out;
}

function valueOf(token: string): number | undefined {
  for (const stem of arabicStems(token)) if (stem in WORDS) return WORDS[stem];
  return undefined;
}

/** Combines a run of number words: "three hundred" = 300, "trente et un" = 31, "خمسة وعشرين" = 25. */
function combine(values: number[]): number {
  let total = 0;
  let current = 0;
  for (const v of values) {
    if (v >= 100) {
      current = (current || 1) * v;
      if (v >= 1000) {
        total += current;
        current = 0;
      }
    } else current += v;
  }
  return total + current;
}

/** Numbers a text spells out in words, composites included ("خمسة وعشرين", "twenty-five", "soixante-dix"). */
function spelledNumbers(text: string): number[] {
  const tokens = normalize(text)
    .replace(/quatre-vingts?/g, 'quatrevingt')
    .split(/[^\p{L}\p{N}-]+/u)
    .filter(Boolean);
  const out: number[] = [];
  let run: number[] = [];
  const flush = () => {
    if (run.length > 1) out.push(combine(run));
    run = [];
  };
  for (const token of tokens) {
    const parts = token.includes('-') ? token.split('-').filter(Boolean) : [token];
    const values = parts.map(valueOf);
    if (values.every((v): v is number => v !== undefined)) {
      for (const v of values) out.push(v);
      if (values.length > 1) out.push(combine(values));
      run.push(...values);
    } else if (token === 'et' || token === 'and' || token === 'و') {
      continue;
    } else flush();
  }
  flush();
  return out;
}

function canonical(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
}

function parseDigits(raw: string): number {
  return Number(raw.replace(/,/g, ''));
}

const NUMBER = /\d+(?:,\d{3})*(?:\.\d+)?/g;
const SCALE_AFTER = new RegExp(`^\\s*(${Object.keys(SCALES).join('|')})(?![\\p{L}])`, 'u');

/** The numbers an answer states in digits: "31", "2019", "3 million" → 3000000. */
export function numbersInAnswer(text: string): string[] {
  const t = normalizeDigits(text);
  const out: string[] = [];
  for (const m of t.matchAll(NUMBER)) {
    const scale = SCALE_AFTER.exec(t.slice((m.index ?? 0) + m[0].length))?.[1];
    const value = parseDigits(m[0]) * (scale ? (SCALES[scale] ?? 1) : 1);
    out.push(canonical(value));
  }
  return out;
}

/** Every number a passage vouches for: digits (with and without their scale word) and words. */
export function numbersInPassage(text: string): Set<string> {
  const t = normalizeDigits(text);
  const out = new Set<string>();
  for (const m of t.matchAll(NUMBER)) {
    const value = parseDigits(m[0]);
    out.add(canonical(value));
    const scale = SCALE_AFTER.exec(t.slice((m.index ?? 0) + m[0].length))?.[1];
    if (scale) out.add(canonical(value * (SCALES[scale] ?? 1)));
  }
  // "1,000" may be grouping or a list ("1,2"): vouch for the parts too.
  for (const run of t.match(/\d+/g) ?? []) out.add(canonical(Number(run)));
  for (const value of spelledNumbers(text)) out.add(canonical(value));
  return out;
}
