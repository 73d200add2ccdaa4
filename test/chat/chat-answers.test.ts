import { beforeAll, describe, expect, it } from 'vitest';
import { createAssistant, type SanadAssistant } from '../../src/core/index.js';
import { CHAT_KNOWLEDGE, converse as conversation, expectAnswer } from './helpers.js';
import { slotSilent } from '../../src/core/answer/slots.js';
import { splitSentences } from '../../src/core/text/index.js';

/**
 * Questions as team members type them in chat (issue 13), over the article and a team handbook
 * in test/fixtures/chat/knowledge: dialect grammar, follow-ups, name questions, the asked slot,
 * silence, help and short sentence answers. Each block failed on the reader before it.
 */
let assistant: SanadAssistant;
beforeAll(async () => {
  assistant = await createAssistant({ knowledgeDir: CHAT_KNOWLEDGE, cacheDir: null });
});

const converse = (questions: string[]) => conversation(assistant, questions);

describe('name questions: "اسم" frames the answer, it is not a word to find', () => {
  it.each([
    ['ما اسم المدعي العام في باريس؟', 'ريمي هيتس'],
    ['وش اسم المؤتمر اللي صار في باريس عن تمويل الإرهاب؟', 'لا لتمويل الإرهاب'],
    ['شو اسم العملية العسكرية الفرنسية في العراق؟', 'شمال'],
    ['ما اسم العملية العسكرية الفرنسية في مالي عام 2013؟', 'سيرفال'],
  ])('%s → %s', async (question, expected) => {
    expectAnswer(await assistant.ask(question), expected);
  });
});

describe('dialect grammar words and verb forms are read as MSA', () => {
  it.each([
    ['gulf', 'وين بيكون مؤتمر المتابعة؟', 'أستراليا'],
    ['gulf', 'كم ساعة عندهم عشان يشيلون المحتوى الإرهابي من النت؟', 'ساعة'],
    ['levantine', 'قديش بلد بيضم المنتدى العالمي لمكافحة الإرهاب؟', '29'],
    ['levantine', 'وين عم يجمعوا التبرعات الـ400 شخص؟', 'دول مجاورة'],
    ['egyptian', 'فرنسا عايزة قرار من مجلس الأمن ضد إيه بالظبط؟', 'الحوالات المالية'],
    ['egyptian', 'الحوالات بتاعة داعش بتكون قيمتها قد إيه؟', 'عشرات وآلاف اليورو'],
    ['maghrebi', 'شحال من واحد تعرف عليهم القضاء الفرنسي كيجمعو التبرعات؟', '400'],
    ['maghrebi', 'شنو هي الأهداف ديال فرنسا فمحاربة الإرهاب؟', 'الحد من سيطرة المجموعات الإرهابية'],
  ])('%s: %s', async (_dialect, question, expected) => {
    expectAnswer(await assistant.ask(question), expected);
  });
});

describe('follow-ups are read against the conversation', () => {
  it('asks about the conference named two turns back, then moves on when the question names something else', async () => {
    const [, when, howMany, moved] = await converse([
      'وش اسم المؤتمر اللي صار في باريس عن تمويل الإرهاب؟',
      'متى انعقد؟',
      'وكم دولة شاركت فيه؟',
      'طيب وشو صار باجتماع مجلس الأمن بنيويورك؟',
    ]);
    expectAnswer(when!, '25 و26 أبريل');
    expectAnswer(howMany!, 'سبعين');
    expectAnswer(moved!, 'تقاسم أفضل للمعلومات');
  });

  it('"ومتى توسعت لتشمل سورية؟" after the operation in Iraq is the date of that extension', async () => {
    const [, when] = await converse(['ما اسم العملية العسكرية الفرنسية في العراق؟', 'ومتى توسعت لتشمل سورية؟']);
    expectAnswer(when!, 'سبتمبر 2015');
  });

  it('"وايمتى وسعوها لسوريا؟": a verb whose first root letter looks like the conjunction (وسع) still finds "توسيع"', async () => {
    const [, when] = await converse(['ايمتى بلشت عملية شمال؟', 'وايمتى وسعوها لسوريا؟']);
    expectAnswer(when!, 'سبتمبر 2015');
  });

  it('"وكم قطاع يستهدف؟": a derived verb (يستهدف) is its verbal noun (استهداف), so the follow-up stays on the alliance', async () => {
    const [, sectors] = await converse(['متى بدا التحالف من أجل الساحل؟', 'وكم قطاع يستهدف؟']);
    expectAnswer(sectors!, 'خمسة قطاعات');
  });

  it('"وكان فين؟" after the conference\'s attendance is where it was held: "عن سبعين دولة" counts states, it places nothing', async () => {
    const [, where] = await converse(['هو المؤتمر بتاع لا لتمويل الإرهاب حضره كام دولة؟', 'وكان فين؟']);
    expectAnswer(where!, 'باريس');
  });

  it('"وماذا تفعل في سوريا؟" after the goals in Iraq: "تفعل" is the light verb of the question, Syria is its subject', async () => {
    const [, syria] = await converse(['ما الهدفان الأساسيان لفرنسا في العراق؟', 'وماذا تفعل في سوريا؟']);
    expectAnswer(syria!, 'تدعم فرنسا العديد من المشاريع');
  });

  it('"ومتى انطلق؟" after the Sahel alliance is its launch date', async () => {
    const [, when] = await converse(['ما هو التحالف من أجل منطقة الساحل؟', 'ومتى انطلق؟']);
    expectAnswer(when!, 'يوليو 2017');
  });
});

describe('the asked slot: the clause whose date, number or name belongs to the event asked about', () => {
  it('the Paris conference date, not the follow-up conference in Australia in the same paragraph', async () => {
    const answer = await assistant.ask('متى انعقد مؤتمر لا لتمويل الإرهاب؟');
    expectAnswer(answer, '25 و26 أبريل');
    expect(answer.answer).not.toContain('أستراليا');
  });

  it("a list asked for is the enumeration, where another paragraph only repeats the question's words", async () => {
    // ¶26 says "الدول الأعضاء في المجموعة" in so many words; ¶20 lists them, as "بلدان المجموعة الخماسية".
    expectAnswer(await assistant.ask('ما الدول الأعضاء في المجموعة الخماسية لمنطقة الساحل؟'), 'موريتانيا ومالي');
  });

  it('the country count of the conference, next to its noun', async () => {
    expectAnswer(await assistant.ask('كم دولة شاركت في مؤتمر باريس لمكافحة تمويل الإرهاب؟'), 'سبعين دولة');
  });
});

describe('a time said in words is a time, inside quotation marks too', () => {
  it('answers "when" with "في الأسابيع المقبلة" quoted in the paragraph', async () => {
    const [answer] = await converse(['السفير الفرنسي قال هيقدم مشروع القرار امتى؟']);
    expectAnswer(answer!, 'الأسابيع المقبلة');
  });
});

describe('the slot chooses between close candidates', () => {
  it('answers "in which day of the week" from the paragraph that names the day, not a nearer one with "in the coming weeks"', async () => {
    const [answer] = await converse(['في أي يوم من أيام الأسبوع أعلنت فرنسا رغبتها في قرار ضد تمويل الإرهاب؟']);
    expectAnswer(answer!, 'الخميس');
  });

  it("leaves the last answer's paragraph when it holds none of the words the follow-up adds", async () => {
    const [, answer] = await converse(['متى قال السفير الفرنسي إنه سيقدم مشروع القرار؟', 'ومن يتولى رئاسة مجلس الأمن عند تبني القرار؟']);
    expectAnswer(answer!, 'تتولى فرنسا رئاسة مجلس الأمن');
  });
});

describe('questions about a document, in dialect', () => {
  it('finds the document a dialect question names ("مين كاتب هالمقال عن فرنسا؟") and its date after it', async () => {
    const [author, date] = await converse(['طيب مين كاتب هالمقال عن فرنسا؟', 'وايمتى انكتب؟']);
    expect(author!.intent).toBe('document');
    expect(author!.answer).toContain('حسام الحداد');
    expect(date!.answer).toContain('2019');
  });
});

describe('silence: no span of the asked kind for the asked event means a decline, with the closest paragraph', () => {
  it.each([
    'متى انتهت عملية برخان؟',
    'متى انتهت عملية سيرفال؟',
    'من هو رئيس الجمهورية الفرنسية؟',
    'ما هو عدد أعضاء مجلس الأمن الدولي الدائمين؟',
    'وش رأي أمريكا في القرار الفرنسي؟',
    'شو اسم شركة التأمين الصحي تبعنا؟',
  ])('%s', async (question) => {
    const answer = await assistant.ask(question);
    expect(answer.abstained, answer.answer).toBe(true);
  });

  it('shows the closest paragraph when it declines a question about a known subject', async () => {
    const answer = await assistant.ask('متى انتهت عملية سيرفال؟');
    expect(answer.citations[0]?.text).toContain('سيرفال');
  });
});

describe('a name question is silent when no name follows the noun it asks about', () => {
  it.each([
    ['ما اسم المرشد', 'يرافق كل موظف جديد زميلٌ مرشد يختاره قائد الفريق.', true],
    ['ما اسم المصدر', 'وقال مصدر دبلوماسي فرنسي إنه سيكون أول قرار للأمم المتحدة.', true],
    ['ما اسم الشركة', 'يشمل التأمين الصحي الموظف وزوجه وأبناءه حتى سن 24 عامًا.', true],
    ['ما اسم العملية', 'وتقدّم القوات الفرنسية التابعة لعملية برخان دعمًا جوهريًا.', false],
    ['ما اسم المؤتمر', 'استضافت باريس مؤتمر "لا لتمويل الإرهاب" يومي 25 و26 أبريل.', false],
    ['ما اسم عيد الأم بالإنجليزية', "عيد الأم أو يوم الأم (بالانجليزية: Mother's Day) هو احتفال ظهر حديثاً.", false],
    ['ما اسم الصين باللغة الصينية', 'الصين (بالصينية المبسطة: 中国 تشونغوا؛ بالصينية التقليدية: 中國) المعروفة رسميًا.', false],
  ])('%s ← %s: silent %s', (question, quote, silent) => {
    expect(slotSilent(question, 'name', quote)).toBe(silent);
  });
});

describe('a "when" question is silent when the quote holds no time', () => {
  it.each([
    // "مع" (with) joins things; it does not say when.
    ['متى اسس', 'تعزيز التعاون مع المنصات الرقمية في إطار منتدى الاتحاد الأوروبي للإنترنت.', true],
    ['متى انعقد المؤتمر', 'نُظّم مؤتمر دولي في باريس يومي 25 و26 أبريل الماضي.', false],
    ['متى وصل', 'وصل الوفد بعد انتهاء الاجتماع.', false],
  ])('%s ← %s: silent %s', (question, quote, silent) => {
    expect(slotSilent(question, 'date', quote)).toBe(silent);
  });

  it('declines "ومتى أُسس؟" after a paragraph that names the forum but not when it began', async () => {
    const [, when] = await converse(['ما هو منتدى الاتحاد الأوروبي للإنترنت؟', 'ومتى أُسس؟']);
    expect(when!.abstained, when!.answer).toBe(true);
  });
});

describe('help in any dialect gets the capability reply', () => {
  it.each([
    'شو بتقدر تعمل؟',
    'ايش تعرف تسوي؟',
    'ماذا تستطيع أن تفعل؟',
    'انت مين؟',
    'إنت بتعمل إيه؟',
    'شنو كتدير؟',
    'what can you do?',
    'من أنت؟',
  ])('%s', async (question) => {
    const answer = await assistant.ask(question);
    expect(answer.intent).toBe('help');
    expect(answer.citations).toEqual([]);
  });

  it('a question about the knowledge that opens the same way is not help', async () => {
    expect((await assistant.ask('شو بتعمل فرنسا لتدريب شركائها؟')).intent).toBeUndefined();
  });
});

describe('answers are the sentence that holds the answer, within 300 characters', () => {
  it.each([
    'من هو سفير فرنسا لدى الأمم المتحدة؟',
    'متى أعلنت فرنسا أنها تريد قرارا من مجلس الأمن ضد تمويل الإرهاب؟',
    'كم شخصا تعرف عليهم القضاء الفرنسي يجمعون التبرعات؟',
    'لماذا تراقب فرنسا الحوالات عند عودة الجهاديين؟',
    'كم يوما في السنة يسمح بالعمل من خارج بلد المكتب؟',
  ])('%s', async (question) => {
    const answer = await assistant.ask(question);
    expect(answer.abstained).toBe(false);
    expect(answer.answer.length).toBeLessThanOrEqual(300);
    const { quote, text } = answer.citations[0]!;
    const at = text.indexOf(quote);
    expect(at).toBeGreaterThanOrEqual(0);
    // It starts where a sentence starts and ends where one ends, unless that sentence alone is
    // longer than an answer may be: then it is cut at a comma.
    const sentence = splitSentences(text).find((s) => at >= s.start && at < s.end)!;
    const boundary = sentence.text.length <= 296 ? /[.!?؟؛:]["»”)]*\s*$|\n\s*$/ : /[.!?؟؛:،,]["»”)]*\s*$|\n\s*$/;
    expect(at === 0 || boundary.test(text.slice(0, at)), text.slice(Math.max(0, at - 20), at + 20)).toBe(true);
    expect(/[.!?؟؛:،,]["»”)]*$/.test(quote.trim()) || at + quote.length === text.trimEnd().length, quote).toBe(true);
  });
});
