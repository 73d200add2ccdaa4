import { describe, expect, it } from 'vitest';
import { smallTalk } from '../../src/core/answer/smalltalk.js';
import { answerType } from '../../src/core/answer/answer-type.js';
import { looksLikeQuestion } from '../../src/core/channels.js';
import { detectDialect, readDialect } from '../../src/core/text/index.js';

/** What the knowledge "uses", for the verb-form rules that only read words the knowledge lacks. */
const known = (word: string) => ['فرنسا', 'باريس', 'الموتمر', 'موتمر', 'الاجتماع', 'يكون', 'البيان'].includes(word);
const read = (text: string) => readDialect(text, known).text;

describe('the dialect layer reads chat Arabic in MSA grammar words', () => {
  it.each([
    // Gulf
    ['وش اسم المؤتمر اللي صار في باريس؟', 'ما اسم الموتمر الذي حدث في باريس'],
    ['ايش هي الأهداف؟', 'ما هي الاهداف'],
    ['وين المكتب؟', 'اين المكتب'],
    ['ليش صار كذا؟', 'لماذا حدث كذا'],
    ['عشان يشيلون المحتوى', 'لكي يزيلون المحتوي'],
    ['يبي يعرف', 'يريد يعرف'],
    // Levantine
    ['شو بيعملوا؟', 'ما يعملون'],
    ['ايمتى بتجي؟', 'متي تجي'],
    ['قديش مرة؟', 'كم مره'],
    ['مين حكى بالاجتماع؟', 'من قال بالاجتماع'],
    ['وين عم يجمعوا التبرعات؟', 'اين يجمعون التبرعات'],
    ['بدي اعرف هالمؤتمر', 'اريد اعرف الموتمر'],
    // Egyptian
    ['القرار ده هيكون امتى؟', 'متي القرار هذا يكون'],
    ['فين المكتب؟', 'اين المكتب'],
    ['كام دولة؟', 'كم دوله'],
    ['ليه كده؟', 'لماذا هكذا'],
    ['ازاي اسجل؟', 'كيف اسجل'],
    ['الحوالات بتاعة داعش قيمتها قد إيه؟', 'كم الحوالات داعش قيمتها'],
    ['فرنسا عايزة قرار ضد إيه؟', 'ما فرنسا تريد قرار ضد'],
    // Maghrebi
    ['شنو هي الأهداف ديال فرنسا؟', 'ما هي الاهداف فرنسا'],
    ['اشنو كيدير؟', 'ما يفعل'],
    ['علاش؟ شحال؟ كيفاش؟', 'لماذا كم كيف'],
    ['شحال من واحد كيجمعو التبرعات؟', 'كم من واحد يجمعون التبرعات'],
  ])('%s → %s', (text, msa) => {
    expect(read(text)).toBe(msa);
  });

  it('keeps MSA words that look like dialect: states, "إلى", passives, a word the knowledge uses', () => {
    expect(read('ما هي دول الساحل؟')).toBe('ما هي دول الساحل');
    expect(read('متى وصل إلى باريس؟')).toBe('متي وصل الي باريس');
    expect(read('ما عدد النسخ التي بيعت في اليابان؟')).toContain('بيعت');
    expect(read('شو صار بالبيان؟')).toContain('البيان');
  });

  it('reads "الي" after a question word as the relative "اللي", elsewhere as "إلى"', () => {
    expect(read('مين الي قال هالكلام؟')).toBe('من الذي قال الكلام');
    expect(read('شو الي صار بالاجتماع؟')).toBe('ما الذي حدث بالاجتماع');
    expect(read('متى وصل الي باريس؟')).toBe('متي وصل الي باريس');
  });

  it('reads "the" on a number and a "و" before a question word', () => {
    expect(read('وين الـ400 شخص؟')).toBe('اين 400 شخص');
    expect(read('وكم دولة؟')).toBe('و كم دوله');
  });

  it('drops thanks and please around a question; "من فضلك" leaves no "who" behind', () => {
    expect(read('مشكور، وش اسم المؤتمر؟')).toBe('ما اسم الموتمر');
    expect(read('يسلمو، وين الاجتماع؟')).toBe('اين الاجتماع');
    expect(read('من فضلك متى المؤتمر؟')).toBe('متي الموتمر');
    expect(answerType(read('من فضلك متى المؤتمر؟'))).toBe('date');
    expect(read('لو سمحت وين الاجتماع؟')).toBe('اين الاجتماع');
  });

  it('reads the b- imperfect of a verb the knowledge uses, in an MSA-looking message too', () => {
    const uses = (word: string) => known(word) || word === 'يشمل';
    expect(readDialect('هل بيشمل التأمين الزوجة؟', uses).text).toBe('هل يشمل التامين الزوجه');
    // A word the knowledge uses as written stays: "بيان", "بتمويل" are not verbs.
    expect(readDialect('هل البيان بتاريخ اليوم؟', uses).text).toContain('بتاريخ');
  });

  it('reads the Maghrebi past "-ات" as MSA "-ت" where the knowledge has that form', () => {
    const uses = (word: string) => known(word) || word === 'تاسست';
    expect(readDialect('فوقاش تأسسات الشركة ديالنا؟', uses).text).toBe('متي تاسست الشركه');
    // A plural noun stays a plural noun.
    expect(readDialect('شحال من المشاركات كاينة؟', uses).text).toContain('المشاركات');
  });

  it('reads the dialect passive of the imperfect where the knowledge uses the verb without its "ن" or "ت"', () => {
    const uses = (word: string) => known(word) || word === 'تبني';
    expect(readDialect('وايمتى ممكن ينتبنى القرار؟', uses).text.split(' ')).toContain('تبني');
    // MSA's "ينتظر" (Form VIII of نظر) is not "تظر".
    expect(readDialect('شو عم ينتظر الوفد؟', uses).text.split(' ')).toContain('ينتظر');
  });

  it('reads everyday verbs of each dialect: Maghrebi "يحيدو" (remove), Egyptian "بتتبعت" (is sent)', () => {
    expect(read('شحال من الوقت باش يحيدو المحتوى؟')).toContain('يزيلون');
    expect(read('الحوالات دي بتتبعت منين؟')).toContain('ارسل');
  });

  it('reads "صار" as "happened" after a question word or "اللي", and as a copula elsewhere', () => {
    expect(read('شو صار بالاجتماع؟')).toBe('ما حدث بالاجتماع');
    expect(read('شو اللي صار؟')).toBe('ما الذي حدث');
    expect(read('كم سنة صار للقضاء وهو يتابعهم؟')).toBe('كم سنه للقضاء وهو يتابعهم');
  });

  it('drops an opening Egyptian "طب" (well), keeps "الطب", and reads "برا" as outside', () => {
    expect(read('طب الاجتماع الأسبوعي امتى؟')).toBe('متي الاجتماع الاسبوعي');
    expect(read('كلية الطب فين؟')).toBe('اين كليه الطب');
    expect(read('عايز اشتغل من برا')).toBe('يريد عمل من خارج');
  });

  it('tells the dialect from its grammar words', () => {
    expect(detectDialect('وش اسم المؤتمر اللي صار؟')).toBe('gulf');
    expect(detectDialect('شو بدك تعرف؟')).toBe('levantine');
    expect(detectDialect('عايز اعرف القرار ده')).toBe('egyptian');
    expect(detectDialect('شنو هي الأهداف ديال فرنسا؟')).toBe('maghrebi');
    expect(detectDialect('ما هي أهداف فرنسا؟')).toBeNull();
  });
});

describe('answer types read after the dialect layer', () => {
  it.each([
    ['ما اسم المدعي العام؟', 'person'],
    ['ما اسم العملية العسكرية؟', 'name'],
    ['ما هو عام حرب أكتوبر؟', 'date'],
    ['كم ساعة؟', 'number'],
    ['أين يقع المقر؟', 'place'],
    ['كيف تحدث معهم؟', 'manner'],
    ['هل يشمل التأمين الزوجة؟', 'yesno'],
    ['ما الجهاز الأوروبي الذي تريد فرنسا تعزيزه؟', 'name'],
  ])('%s → %s', (question, type) => {
    expect(answerType(question)).toBe(type);
  });
});

describe('"what can you do" in every dialect is help, read from its grammar', () => {
  it.each([
    'شو بتقدر تعمل؟',
    'ايش تعرف؟',
    'ايش تقدر تسوي لي؟',
    'انت مين؟ وشو بتعرف؟',
    'إنت بتعمل إيه؟',
    'شنو كتدير؟',
    'ماذا يمكنك أن تفعل؟',
    'إنت مين يا عم؟',
  ])('%s', (text) => {
    expect(smallTalk(text)).toBe('help');
  });
  it.each(['ما تعرف عن برخان؟', 'ماذا تفعل فرنسا؟', 'من هو سفير فرنسا؟'])('%s is a question about the knowledge', (text) => {
    expect(smallTalk(text)).toBeNull();
  });
});

describe('a message that reads as a question (respond: questions)', () => {
  it.each([
    'هل تعمل المكتبة',
    'ما هو السفير',
    'où est la salle',
    'شو اسم المؤتمر',
    'وين المكتب',
    'عايز اعرف مواعيد الدوام',
    'واش كاين اجتماع',
    'Est-ce que le bureau ouvre',
    'what time is it',
    'ممكن تقولي متى الاجتماع',
    'متى؟',
  ])('%s', (text) => {
    expect(looksLikeQuestion(text)).toBe(true);
  });
  it.each(['الاجتماع الساعة 3', 'شكرا', 'merci beaucoup', 'the meeting is at 3', 'تم التحديث'])('%s is not', (text) => {
    expect(looksLikeQuestion(text)).toBe(false);
  });
});
