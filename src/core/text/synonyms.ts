import { normalizeForMatch } from './normalize.js';
import { stemArabic } from './stem.js';

/**
 * Words people ask with for what the knowledge says in other words: MSA near-synonyms of news
 * and office writing, and the everyday word beside the formal one ("الأولاد" / "الأبناء", "العمر"
 * / "السن", "التهريب" / "الاتجار", "يغطي" / "يشمل"). A general Arabic thesaurus, not a list of
 * any set's questions. It is read only for a word the knowledge never uses: a word it does use
 * is matched as written.
 */
const GROUPS: string[][] = [
  ['مقيم', 'مقيمين', 'مقيمون', 'يقيم', 'يقيمون', 'يعيش', 'يعيشون', 'عايش', 'عايشين', 'ساكن', 'ساكنين', 'يسكن', 'يسكنون'],
  ['اولاد', 'ابناء', 'اطفال'],
  ['ولد', 'ابن', 'طفل'],
  ['عمر', 'سن'],
  ['يغطي', 'يشمل'],
  ['تغطي', 'تشمل'],
  ['تغطيه', 'شمول'],
  ['تهريب', 'اتجار'],
  ['مهربين', 'تجار'],
  ['جهاز', 'مكتب', 'هيئه', 'وكاله'],
  ['بلد', 'دوله'],
  ['بلدان', 'دول', 'بلاد'],
  ['هدف', 'غايه'],
  ['اهداف', 'غايات'],
  ['راتب', 'اجر', 'معاش'],
  ['رواتب', 'اجور'],
  ['بدا', 'انطلق', 'استهل'],
  ['بدات', 'انطلقت', 'استهلت'],
  ['بدايه', 'انطلاق'],
  ['انتهي', 'توقف'],
  ['انتهت', 'توقفت'],
  ['نهايه', 'انتهاء'],
  ['قتلي', 'ضحايا'],
  ['هجوم', 'اعتداء'],
  ['هجمات', 'اعتداءات'],
  ['شركه', 'مؤسسه'],
  ['موظف', 'عامل'],
  ['موظفين', 'عاملين'],
  ['اجازه', 'عطله'],
  ['سفر', 'رحله'],
  ['مبلغ', 'قيمه'],
  ['انشا', 'اسس', 'تاسس'],
  ['انشئ', 'اسس', 'تاسس'],
  ['حكومه', 'سلطات'],
  ['سبب', 'دافع'],
  ['مكان', 'موقع', 'مقر'],
  ['مساعده', 'دعم'],
  ['مساعدات', 'دعم'],
  ['قانون', 'تشريع'],
  ['خطه', 'استراتيجيه'],
  ['زعيم', 'قائد'],
  ['تعاون', 'شراكه'],
  ['اسلحه', 'سلاح'],
  ['خطر', 'تهديد'],
  ['اخطار', 'تهديدات'],
  ['مشكله', 'عقبه'],
  ['مشاكل', 'عقبات', 'تحديات'],
  ['اموال', 'مال'],
  ['اجتماع', 'لقاء'],
  ['ميزانيه', 'موازنه'],
  ['طبيب', 'دكتور'],
  ['ضاع', 'فقد'],
  ['ضياع', 'فقدان'],
  ['يتغير', 'يستبدل', 'يتبدل'],
  ['تغيير', 'استبدال'],
  ['مدرسه', 'مدارس'],
];

/** Each word's stem, and the other words of its groups. */
const BY_STEM = new Map<string, string[]>();
for (const group of GROUPS) {
  const words = group.map(normalizeForMatch);
  for (const word of words) {
    const key = stemArabic(word);
    BY_STEM.set(key, [...new Set([...(BY_STEM.get(key) ?? []), ...words.filter((w) => stemArabic(w) !== key)])]);
  }
}

/** Other words for a (normalised) Arabic word, in the thesaurus's order; empty when none. */
export function synonymsOf(word: string): string[] {
  return BY_STEM.get(stemArabic(word)) ?? [];
}
