import { describe, expect, it } from 'vitest';
import {
  detectLanguage,
  normalize,
  normalizeForMatch,
  splitClauses,
  splitSentences,
  stemArabic,
  terms,
  tokenize,
} from '../../src/core/text/index.js';

describe('normalize', () => {
  it('removes diacritics and tatweel, unifies letter forms and digits', () => {
    expect(normalize('تَجنّب')).toBe('تجنب');
    expect(normalize('مــكافحة')).toBe('مكافحه');
    expect(normalize('إأآٱ')).toBe('اااا');
    expect(normalize('مستشفى')).toBe('مستشفي');
    expect(normalize('مؤتمر')).toBe('موتمر');
    expect(normalize('رئيس')).toBe('رييس');
    expect(normalize('٢٠١٩ ۲۰۱۹')).toBe('2019 2019');
  });
  it('drops zero-width and bidi controls and collapses spaces', () => {
    expect(normalize('فر\u200Bنسا\u202E  \u00A0 Paris')).toBe('فرنسا paris');
  });
  it('folds Latin accents only in match form', () => {
    expect(normalize('Opération')).toBe('opération');
    expect(normalizeForMatch('Opération')).toBe('operation');
  });
  it('drops the seat alef of tanween fatha when matching', () => {
    expect(normalizeForMatch('جنوباً')).toBe('جنوب');
  });
});

describe('tokens, stems and stop words', () => {
  it('tokenises on letters and digits', () => {
    expect(tokenize('فرنسا، (2019) و"داعش".')).toEqual(['فرنسا', '2019', 'و', 'داعش']);
  });
  it('reads an Arabic preposition or article written onto a Latin word or a number off it, as chat writes them', () => {
    expect(tokenize('اشتري بـ700 دولار عالـGitLab ولـHR والـVPN')).toEqual(['اشتري', '700', 'دولار', 'gitlab', 'hr', 'vpn']);
    // Arabic words keep their letters: only what stands before Latin letters or digits is read off.
    expect(tokenize('بالعربي لله وفي')).toEqual(['بالعربي', 'لله', 'وفي']);
  });
  it('light-stems the article, conjunction and suffixes', () => {
    expect(stemArabic(normalize('والمجموعات'))).toBe('مجموع');
    expect(stemArabic(normalize('الإرهابيين'))).toBe('ارهاب');
    expect(stemArabic(normalize('عاصمتها'))).toBe(stemArabic(normalize('عاصمة')));
  });
  it('drops stop words and question words', () => {
    expect(terms('ما هي أهداف فرنسا في محاربة الإرهاب؟')).toEqual(['اهداف', 'فرنسا', 'محارب', 'ارهاب']);
  });
  it('stems English and French with their own rules', () => {
    expect(terms('Which countries attended?', 'en')).toEqual(['countri', 'attend']);
    expect(terms('les opérations militaires', 'fr')).toEqual(['oper', 'militair']);
  });
});

describe('sentences', () => {
  const text = 'وقال السفير إنه "ما زالت هناك تحديات". وأعلن أنه سيقدم مشروعا؟ نعم! قيمة 2.5 مليون؛ انتهى';
  it('splits on Arabic and Latin sentence punctuation, keeping offsets', () => {
    const spans = splitSentences(text);
    expect(spans.map((s) => s.text)).toEqual([
      'وقال السفير إنه "ما زالت هناك تحديات".',
      'وأعلن أنه سيقدم مشروعا؟',
      'نعم!',
      'قيمة 2.5 مليون؛',
      'انتهى',
    ]);
    for (const s of spans) expect(text.slice(s.start, s.end)).toBe(s.text);
  });
  it('cuts a long sentence at clause commas', () => {
    const long = `${'كلمة '.repeat(30)}، ${'أخرى '.repeat(30)}، نهاية.`;
    expect(splitClauses(long, 100).length).toBe(3);
  });
});

describe('detectLanguage', () => {
  it.each([
    ['من هو سفير فرنسا؟', 'ar'],
    ['Who is the French ambassador to the United Nations?', 'en'],
    ["Quel est le nom de l'opération militaire française au Mali ?", 'fr'],
    ['ما هو Barkhane؟', 'ar'],
    ['😀 👍', 'und'],
  ])('%s → %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });
});
