import { normalizeForMatch } from '../text/index.js';

/**
 * What kind of answer a question wants (its slot), read from its question word and the frame
 * noun after it, in MSA (the dialect layer has already read chat into MSA words), English and
 * French. Whether a quote holds an answer of that kind is `slots.ts`.
 */
export type AnswerType = 'date' | 'number' | 'list' | 'reason' | 'place' | 'person' | 'name' | 'manner' | 'yesno' | 'other';

/** Frame nouns: "ما هو عام…" asks a date, "ما عدد…" a number, "ما مقر…" a place. */
const DATE_FRAMES = 'تاريخ|عام|سنه|يوم|شهر|موعد|وقت|توقيت';
const NUMBER_FRAMES = 'عدد|قيمه|مجموع|حجم|مقدار|نسبه|مساحه|طول|عرض|ارتفاع|عمر|مده|سعر|تكلفه|كلفه|مبلغ|حد';
const PLACE_FRAMES = 'مكان|موقع|مقر|عاصمه';
const REASON_FRAMES = 'سبب|اسباب|هدف|الهدف من|غايه|دافع';

const lead = (words: string) => new RegExp(`(^|\\s)(${words})(\\s|$)`);
const framed = (frames: string) => new RegExp(`(^|\\s)(ما|ماهو|ماهي|ما هو|ما هي|في|اي)\\s+(ال)?(${frames})(\\s|$)`);

const DATE_CUES = [
  lead('متي|منذ متي|حتي متي|when|what year|which year|what month|since when|quand|depuis quand|en quelle annee|quel mois|quel jour'),
  /(^|\s)(في )?اي (عام|سنه|شهر|يوم|تاريخ|وقت|ساعه)(\s|$)/,
  framed(DATE_FRAMES),
];
const NUMBER_CUES = [lead('كم|بكم|how many|how much|number of|combien'), framed(NUMBER_FRAMES), /(^|\s)(كل كم)(\s|$)/];
const REASON_CUES = [
  lead('لماذا|لم|ليش|why|pourquoi'),
  framed(REASON_FRAMES),
  /(^|\s)(ما|ماهي|ماهو) (اسباب|سبب|اهميه)(\s|$)/,
  /what is the reason|quelle est la raison/,
];
const PLACE_CUES = [
  lead('اين|من اين|الي اين|where|ou'),
  framed(PLACE_FRAMES),
  /(^|\s)(في )?(اي|ايه) (مدينه|دوله|بلد|مكان|منطقه|قاره|ولايه|محافظه)(\s|$)/,
];
const NAME_CUES = [
  /(^|\s)(ما|ماهو|ماهي|ما هو|ما هي) (اسم|اسماء|عنوان)(\s|$)/,
  // Contact details: "ما البريد الإلكتروني للموارد البشرية؟", "شو رقم الدعم؟", "ايش الرابط؟".
  /(^|\s)(ما|ماهو|ماهي|ما هو|ما هي) (ال)?(بريد|بريده|بريدهم|رقم|هاتف|رابط|موقع|حساب|قناه|ايميل)(\s|$)/,
  /(^|\s)اسم\S*\s.*\s(ما)$/,
  /what (is|was|are) the names? of|quel est le nom|comment s appelle/,
];
/** "ما الجهاز الأوروبي الذي…", "أي المنظمات التي…": which thing, answered by its name. */
const WHICH_THING = /^(و )?(ما|اي) ال\S{2,}( ال\S{2,})? (الذي|التي|الذين)(\s|$)/;
const MANNER_CUES = [lead('كيف|how|comment'), /(^|\s)(باي|بايه) (طريقه|وسيله|شكل)(\s|$)/];
const YESNO_CUES = [/^(و )?(هل|is|are|was|were|does|do|did|can|has|have|est ce que)(\s|$)/];
const LIST_CUES =
  /(^|\s)(ما هي|ما هو|ماهي|ما|ماذا|what are|which|quels|quelles|quelles sont|quels sont)(\s|$)(.*\s)?(ال)?(اهداف|انشطه|قطاعات|دول|بلدان|اعضاء|اجراءات|مجالات|خطوات|مراحل|عناصر|objectives|goals|activities|members|countries|sectors|steps|objectifs|activites|membres|pays|secteurs)(\s|$)/;

/** Titles and roles: "من هو سفير فرنسا" asks a person's name, "من هو أحمد عز" a description. */
export const ROLE_NOUNS = new Set(
  (
    'سفير مدعي نايب رييس رييسه وزير وزيره مدير مديره قايد ملك ملكه امير اميره شيخ سلطان حاكم محافظ عمده نايب امين مستشار متحدث ' +
    'ناطق مسوول مسووله منسق منسقه مشرف مشرفه قاضي محقق كاتب مولف شاعر مغني فنان لاعب مدرب مخرج ممثل مكتشف مخترع موسس مالك صاحب ' +
    'زعيم قياده مندوب ممثله سكرتير موظف مهندس طبيب دكتور استاذ'
  ).split(' '),
);

export function answerType(question: string): AnswerType {
  const q = normalizeForMatch(question)
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (DATE_CUES.some((re) => re.test(q))) return 'date';
  if (NUMBER_CUES.some((re) => re.test(q))) return 'number';
  if (REASON_CUES.some((re) => re.test(q))) return 'reason';
  if (PLACE_CUES.some((re) => re.test(q))) return 'place';
  if (asksPerson(q)) return 'person';
  if (NAME_CUES.some((re) => re.test(q))) return 'name';
  if (YESNO_CUES.some((re) => re.test(q))) return 'yesno';
  if (MANNER_CUES.some((re) => re.test(q))) return 'manner';
  if (LIST_CUES.test(q)) return 'list';
  if (WHICH_THING.test(q)) return 'name';
  return 'other';
}

/** "من هو سفير…", "مين المدعي…", "ما اسم مديرة…", "who is the ambassador": a person's name. */
function asksPerson(q: string): boolean {
  const words = q.split(' ').filter((w) => w !== 'و');
  const i = words.findIndex((w) => w === 'من' || w === 'who');
  if (words[0] === 'who') return true;
  const afterName = words.findIndex((w, j) => (w === 'اسم' || w === 'name') && j <= 2);
  const at = i === 0 ? 1 : afterName >= 0 ? afterName + 1 : -1;
  if (at < 0) return false;
  let next = words[at];
  // "من هو…", "مين لازم يوافق" (who must approve): the copula and the modal come before what is asked.
  if (next === 'هو' || next === 'هي' || next === 'هم' || next === 'كان' || next === 'كانت' || next === 'يجب' || next === 'لازم')
    next = words[at + 1];
  if (!next) return false;
  // "من أطلق…": after "who" a verb asks for the agent, a person or a body.
  if (i === 0 && words[1] !== 'هو' && words[1] !== 'هي' && /^[يتان]\S{3,}/.test(next) && !ROLE_NOUNS.has(withoutArticle(next))) return true;
  return ROLE_NOUNS.has(withoutArticle(next));
}

/** A noun without its article, or the article with ب, ل or و written onto it ("بالسفير" → "سفير"). */
export function withoutArticle(word: string): string {
  return word.replace(/^(ال|لل|بال|وال)/, '');
}

/** Whether a "when" question asks when something ended, or began. */
export function datePhase(question: string): 'start' | 'end' | null {
  const q = normalizeForMatch(question);
  if (
    /(^|\s)(انتهت|انتهي|ينتهي|تنتهي|انتهاء|خلصت|توقفت|توقف|اختتمت|اختتم|انهت|انهي|ended|end|finish|finished|stopped|s est terminee|a pris fin|fin)(\s|$)/.test(
      q,
    )
  )
    return 'end';
  if (
    /(^|\s)(منذ متي|بدات|بدا|بدء|انطلقت|انطلق|انطلاق|اطلقت|اطلق|تاسست|تاسس|تاسيس|انشيت|انشي|استهل|بلشت|began|begin|start|started|founded|depuis quand|commence)(\s|$)/.test(
      q,
    )
  )
    return 'start';
  return null;
}
