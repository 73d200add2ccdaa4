import { normalize } from '../text/index.js';

/** Month names as they appear in Arabic news (Egyptian and Levantine forms), French and English. */
const MONTHS: Record<string, number> = {};
const NAMES: string[][] = [
  ['يناير', 'كانون الثاني', 'janvier', 'january', 'jan'],
  ['فبراير', 'شباط', 'février', 'fevrier', 'february', 'feb'],
  ['مارس', 'آذار', 'اذار', 'mars', 'march', 'mar'],
  ['أبريل', 'ابريل', 'إبريل', 'نيسان', 'avril', 'april', 'apr'],
  ['مايو', 'أيار', 'ايار', 'mai', 'may'],
  ['يونيو', 'يونيه', 'حزيران', 'juin', 'june', 'jun'],
  ['يوليو', 'يوليه', 'تموز', 'juillet', 'july', 'jul'],
  ['أغسطس', 'اغسطس', 'آب', 'اب', 'août', 'aout', 'august', 'aug'],
  ['سبتمبر', 'أيلول', 'ايلول', 'septembre', 'september', 'sep', 'sept'],
  ['أكتوبر', 'اكتوبر', 'تشرين الأول', 'octobre', 'october', 'oct'],
  ['نوفمبر', 'تشرين الثاني', 'novembre', 'november', 'nov'],
  ['ديسمبر', 'كانون الأول', 'décembre', 'decembre', 'december', 'dec'],
];
NAMES.forEach((names, i) => names.forEach((name) => (MONTHS[normalize(name)] = i + 1)));
const MONTH_ALTERNATION = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');

const ISO = /\b(\d{4})-(\d{1,2})-(\d{1,2})\b/;
const DAY_MONTH_YEAR = new RegExp(`(\\d{1,2})[\\s/.-]*(${MONTH_ALTERNATION})[\\s/.,-]*(\\d{4})`, 'u');
const MONTH_DAY_YEAR = new RegExp(`(${MONTH_ALTERNATION})\\s+(\\d{1,2}),?\\s+(\\d{4})`, 'u');
const NUMERIC = /\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b/;

function iso(year: number, month: number, day: number): string | null {
  if (month < 1 || month > 12 || day < 1 || day > 31 || year < 1000) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Finds a calendar date in a line ("الأحد 03/فبراير/2019 - 01:10 م" → "2019-02-03"), or null. */
export function parseDate(line: string): string | null {
  const text = normalize(line);
  let m = ISO.exec(text);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = DAY_MONTH_YEAR.exec(text);
  if (m) return iso(Number(m[3]), MONTHS[m[2]!] ?? 0, Number(m[1]));
  m = MONTH_DAY_YEAR.exec(text);
  if (m) return iso(Number(m[3]), MONTHS[m[1]!] ?? 0, Number(m[2]));
  m = NUMERIC.exec(text);
  if (m) return iso(Number(m[3]), Number(m[2]), Number(m[1]));
  return null;
}

/** A line that is only a dateline: a date plus weekday and clock time, nothing to cite. */
export function isDateline(line: string): boolean {
  if (line.trim().length > 60 || !parseDate(line)) return false;
  const words = normalize(line).replace(/[\d/:.,-]+/g, ' ').split(/\s+/).filter(Boolean);
  return words.length <= 5;
}
