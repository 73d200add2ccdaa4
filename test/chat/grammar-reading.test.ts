import { beforeAll, describe, expect, it } from 'vitest';
import { createAssistant, type SanadAssistant } from '../../src/core/index.js';
import { documentFromParagraphs } from '../../src/core/knowledge/index.js';
import { coverage, profileQuery } from '../../src/core/retrieve/coverage.js';
import { sameDerivedForm } from '../../src/core/text/root.js';
import { isStopWord, normalizeForMatch, splitSentences, terms } from '../../src/core/text/index.js';
import { expectAnswer } from './helpers.js';

/**
 * Arabic grammar the reader must see through, on a small encyclopedia of our own (issue 13,
 * found on ARCD's misses): a '؛' inside brackets does not end the sentence, a dot typed without
 * its space does, and a verb asked in another person ("تحد") is the verb the text uses ("يحدها").
 */
const SAMORAN = [
  'جمهورية ساموران (بالفرنسية: République de Samoran؛ وبالإسبانية: República de Samorán) دولة جبلية صغيرة في شرق القارة، وهي أقدم جمهورية في الإقليم وأصغرها مساحة.',
  'تقع جمهورية ساموران بين الجبال والبحر. يحدها من الشمال بلاد كارنا وبلاد فيلو، ومن الجنوب البحر الأبيض، ومن الغرب سهول أوردا.',
  'تتألف جمهورية ساموران من تسع ولايات وثلاثة أقاليم جبلية يحكمها مجلس منتخب.الاقتصاد قائم على الزعفران والسياحة، وقد ازدهر منذ القرن الثاني عشر.',
  'طرح المهندس لوران دوفال مشروع السكة الحديدية الجبلية عام 1911، وافتتح أول خط منها عام 1924 بين العاصمة ليرا وميناء تورفا.',
];

let assistant: SanadAssistant;
beforeAll(async () => {
  const documents = [
    documentFromParagraphs({ document: 'samoran', collection: 'test', title: 'جمهورية ساموران', paragraphs: SAMORAN, lang: 'ar' }),
  ];
  assistant = await createAssistant({ documents, cacheDir: null });
});

describe('sentences', () => {
  it("does not end a sentence at a '؛' or '.' inside brackets that close", () => {
    const sentences = splitSentences(SAMORAN[0]!).map((s) => s.text);
    expect(sentences).toHaveLength(1);
    // A bracket that never closes does not swallow what follows.
    expect(splitSentences('نص (قوس لا يغلق. جملة ثانية. جملة ثالثة.').map((s) => s.text)).toEqual([
      'نص (قوس لا يغلق.',
      'جملة ثانية.',
      'جملة ثالثة.',
    ]);
  });

  it('ends a sentence at a dot typed between two Arabic words, not after a single letter or in a number', () => {
    expect(splitSentences('مجلس منتخب.الاقتصاد قائم. قال د.سامي إن النمو 2.5 بالمئة.').map((s) => s.text)).toEqual([
      'مجلس منتخب.',
      'الاقتصاد قائم.',
      'قال د.سامي إن النمو 2.5 بالمئة.',
    ]);
  });
});

describe('grammar words', () => {
  it.each(['اللذي', 'اللتي', 'عادة', 'تفعل', 'فعلت'])('%s is a grammar word, not a word to find', (word) => {
    expect(isStopWord(normalizeForMatch(word))).toBe(true);
    expect(terms(`ما ${word} حصل`, 'ar')).toEqual(['حصل']);
  });
});

describe('a verb asked in another person is the verb of the text', () => {
  it('covers "تحد" with "يحدها"', () => {
    const profile = profileQuery('ما الدول التي تحد ساموران', 'ar', () => 1, 1);
    const text = new Set(terms('يحدها من الشمال بلاد كارنا', 'ar'));
    const withoutVerb = new Set(terms('من الشمال بلاد كارنا', 'ar'));
    expect(coverage(profile, text)).toBeGreaterThan(coverage(profile, withoutVerb));
  });
});

describe('derived verb forms', () => {
  it.each([
    ['يستهدف', 'استهداف'],
    ['تستخدم', 'استخدام'],
    ['يكتشف', 'اكتشاف'],
    ['اجتمع', 'اجتماعات'],
  ])('%s is %s', (a, b) => expect(sameDerivedForm(a, b)).toBe(true));
  it.each([
    ['يستهدف', 'هدف'],
    ['ترتيب', 'ترتب'],
    ['يستهدف', 'استخدام'],
  ])('%s is not %s', (a, b) => expect(sameDerivedForm(a, b)).toBe(false));
});

describe('answers from the right sentence', () => {
  it.each([
    ['ما هي جمهورية ساموران؟', 'دولة جبلية صغيرة'],
    ['ما الدول التي تحد جمهورية ساموران من الشمال؟', 'بلاد كارنا'],
    ['في أي عام طرح لوران دوفال مشروع السكة الحديدية؟', '1911'],
    ['كم ولاية في جمهورية ساموران؟', 'تسع ولايات'],
    ['شو البلاد اللي بتحد ساموران من الشمال؟', 'بلاد كارنا'],
  ])('%s → %s', async (question, expected) => {
    expectAnswer(await assistant.ask(question), expected);
  });

  it('quotes a whole sentence, never one cut at a bracketed "؛"', async () => {
    const answer = await assistant.ask('ما هي جمهورية ساموران؟');
    expect(answer.answer).not.toMatch(/Samoran؛\s*(\[1\])?$/);
  });
});
