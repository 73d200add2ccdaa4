import { describe, expect, it } from 'vitest';
import { answerType, isFollowUp, questionFocus, splitQuestions } from '../../src/core/answer/question.js';
import { SpellingVariants, skeleton } from '../../src/core/index/spelling.js';
import { stem, terms } from '../../src/core/text/index.js';

const term = (word: string, lang: 'ar' | 'en' = 'ar') => terms(word, lang)[0];

describe('the focus of a question', () => {
  it.each([
    ['ما هو راتب سفير فرنسا؟', term('راتب')],
    ['كم عدد الجنود الفرنسيين في مالي؟', term('الجنود')],
    ['ما هي ميزانية عملية برخان السنوية؟', term('ميزانية')],
    ['من هو سفير فرنسا لدى الأمم المتحدة؟', term('سفير')],
    ['كم بلدا يضم المنتدى؟', term('بلد')],
    ['How many soldiers are in Mali?', term('soldiers', 'en')],
  ])('%s asks about %s', (question, focus) => {
    expect(questionFocus(question, /[a-z]/i.test(question) ? 'en' : 'ar')).toBe(focus);
  });

  it.each([
    'متى انضمت فرنسا إلى التحالف الدولي ضد داعش؟',
    'لماذا وسعت فرنسا عملية شمال لتشمل سوريا؟',
    'كيف تساعد فرنسا المناطق المحررة في سوريا؟',
    'من يستفيد من برامج التدريب الفرنسية؟',
    'ما الذي طالبت به روسيا؟',
    'ماذا قال المدعي العام عن المال؟',
    'ما دور يوروبول في مكافحة الإرهاب؟',
    'ما أهمية الحل السياسي للأزمة السورية؟',
    'شو يعني تتبع مسار المال؟',
    'من أطلق عملية سيرفال؟',
  ])('%s has none to check (an event, a verb or an abstract frame)', (question) => {
    expect(questionFocus(question, 'ar')).toBeNull();
  });

  it('leaves the answer type reading alone', () => {
    expect(answerType('كم عدد الجنود؟')).toBe('number');
  });
});

describe('list questions', () => {
  it.each([
    'ما الدول الأعضاء في المجموعة الخماسية؟',
    'ما هي أهداف فرنسا؟',
    'ما القطاعات التي يستهدفها التحالف؟',
    'what are the goals of France?',
  ])('%s asks for a list', (question) => expect(answerType(question)).toBe('list'));
  // "الدولة" is not "الدول": the list nouns are whole words.
  it.each(['ماذا بلغت الدولة الإسلامية في عهده؟', 'ماهي حدود دولة السلاطين من الشمال؟'])('%s does not', (question) =>
    expect(answerType(question)).not.toBe('list'),
  );
});

/** Teaches the variants a text the way the index does: from the tokens its terms are read from. */
function learn(variants: SpellingVariants, text: string): void {
  terms(text, 'ar', (token, stemmed) => variants.learnWord(token, stemmed));
}

describe('spelling variants', () => {
  const variants = new SpellingVariants();
  learn(variants, 'أطلقت فرنسا عملية برخان في منطقة الساحل، وشاركت في عملية شمال وتعمل على جهود مكافحة الإرهاب.');
  const frequency = (term: string) => (['برخ', 'شمال', 'جهود', 'عمل'].includes(term) || term === stem('برخان', 'ar') ? 1 : 0);

  it('takes vowel letters and hamza out of the skeleton', () => {
    expect(skeleton('بارخان')).toBe(skeleton('برخان'));
    expect(skeleton('قائد'.replace('ئ', 'ي'))).toBe(skeleton('قاءد'));
  });

  it('respells a word the knowledge never uses as the knowledge writes it', () => {
    const out = variants.correct('ما هي عملية بارخان؟', 'ar', (t) => (t === stem('برخان', 'ar') || t === stem('عملية', 'ar') ? 1 : 0));
    expect(out.changed).toBe(true);
    expect(out.text).toContain('برخان');
  });

  it('never changes a consonant: an unknown word stays unknown', () => {
    const out = variants.correct('كم عدد الجنود؟', 'ar', frequency);
    expect(out.changed).toBe(false);
    expect(out.text).toBe('كم عدد الجنود؟');
  });

  it('keeps the first letter: an initial alef marks a word pattern', () => {
    const v = new SpellingVariants();
    learn(v, 'مثل هذه الحوالات');
    expect(v.correct('ما أمثلة الحوالات؟', 'ar', (t) => (t === stem('مثل', 'ar') ? 1 : 0)).changed).toBe(false);
  });

  it('finds the knowledge words with the same consonants and first letter (plural patterns)', () => {
    const v = new SpellingVariants();
    learn(v, 'تدور الحروب في المنطقة، وعصب كل الحروب هو المال');
    expect(v.variantsOf(terms('حرب')[0]!)).toEqual([terms('الحروب')[0]]);
    expect(v.variantsOf(terms('منطقة')[0]!)).toEqual([]);
  });

  it('leaves known words and other scripts as they are', () => {
    expect(variants.correct('Barkhane operation', 'en', () => 0).changed).toBe(false);
    expect(variants.correct('عملية شمال', 'ar', () => 1).changed).toBe(false);
  });
});

describe('follow-ups and several questions', () => {
  const followUp = (q: string) => isFollowUp(q, terms(q).length);
  it('reads references back as follow-ups', () => {
    for (const q of ['ومتى حدث ذلك؟', 'ومن أعضاؤها؟', 'وكم عددهم؟', 'ومتى؟', 'And when did that happen?'])
      expect(followUp(q), q).toBe(true);
  });
  it('reads a question that names its own subject as new', () => {
    for (const q of ['وما هي عملية شمال؟', 'من هو سفير فرنسا لدى الأمم المتحدة؟', 'ما هي أهداف فرنسا في محاربة الإرهاب؟'])
      expect(followUp(q), q).toBe(false);
  });
  it('splits two or three questions, and nothing else', () => {
    expect(splitQuestions('ما هي عملية برخان؟ وما هي عملية شمال؟')).toEqual(['ما هي عملية برخان؟', 'وما هي عملية شمال؟']);
    expect(splitQuestions('Who is the ambassador? And when was the conference?')).toHaveLength(2);
    expect(splitQuestions('ما هي عملية برخان؟ أعني في مالي؟')).toHaveLength(1);
    expect(splitQuestions('برخان؟ شمال؟')).toHaveLength(1);
    expect(splitQuestions('من؟ ما؟ متى؟ أين؟')).toHaveLength(1);
  });
});

describe('the committed abstention model', () => {
  it('has one weight per feature and a threshold that is a probability (re-run npm run calibrate after changing features)', async () => {
    const { FEATURE_ORDER } = await import('../../src/core/answer/abstain.js');
    const { default: model } = await import('../../src/core/answer/calibration.json', { with: { type: 'json' } });
    expect(model.weights).toHaveLength(FEATURE_ORDER.length);
    expect(model.threshold).toBeGreaterThan(0);
    expect(model.threshold).toBeLessThan(1);
  });
});
