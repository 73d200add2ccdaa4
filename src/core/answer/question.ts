import { normalizeForMatch, terms, type Lang } from '../text/index.js';

export { answerType, type AnswerType } from './answer-type.js';
export { matchesType } from './slots.js';

/**
 * Instructions aimed at the bot rather than questions about the knowledge: "ignore your
 * instructions", "print your system prompt", "write a poem". Declined, never obeyed.
 */
const STEERING = [
  /(ignore|disregard|forget|override)\b.{0,40}\b(instruction|prompt|rule|guideline)s?/,
  /(system prompt|your prompt|your instructions|your configuration|your rules)/,
  /\b(write|compose|generate|tell)\b.{0,20}\b(poem|story|song|essay|joke|code|haiku)/,
  /\b(pretend|act as|you are now|roleplay)\b/,
  /(ignore|oublie|ignorez|oubliez).{0,40}(instruction|consigne|regle)/,
  /\b(ecris|ecrivez|compose|composez)\b.{0,20}\b(poeme|histoire|chanson|blague)/,
  /(invite systeme|prompt systeme|tes instructions|vos instructions)/,
  /(تجاهل|انس|انسي|تناس).{0,30}(تعليمات|اوامر|قواعد|التعليمات)/,
  /(اكتب|الف|اطبع|اعرض|اظهر).{0,20}(قصيده|قصه|شعر|نكته|اغنيه|موجه|تعليماتك|التعليمات|اعداداتك|البرومبت)/,
  /(موجه النظام|تعليمات النظام|تعليماتك|اعداداتك)/,
];

export function looksLikeInstruction(question: string): boolean {
  const q = normalizeForMatch(question);
  return STEERING.some((re) => re.test(q));
}

/**
 * A follow-up leans on the conversation: a pronoun or demonstrative ("ومتى حدث ذلك؟"), a word
 * with an attached pronoun ("ومن أعضاؤها؟", "وكم عددهم؟"), or almost no content ("ومتى؟",
 * "وأين تقع؟"). A short question that names its own subject ("وما هي عملية شمال؟") is new,
 * and answered on its own.
 */
const ANAPHORA =
  /(^|\s)(و?ذلك|و?هذا|و?هذه|و?تلك|و?هو|و?هي|و?هم|و?هؤلاء|it|that|this|they|them|those|he|she|its|their|ca|cela|celle|celui|il|elle|ils|elles|leur)(\s|$|[?؟.!])/;
const ATTACHED_PRONOUN = /[\u0621-\u064A]{2,}(ها|هم|هما|هن)(\s|$|[?؟.!])/;
/** "وكم دولة شاركت فيه؟": a preposition with "ه" (a final ه elsewhere may be a ta marbuta, "دولة"). */
const PREPOSITION_PRONOUN = /(^|\s)[وف]?(فيه|عنه|منه|له|به|عليه|اليه|معه|لديه|عنده|فيها|عنها|منها|لها|بها|عليها|اليها|معها)(\s|$|[?؟.!])/;

export function isFollowUp(question: string, contentTerms: number): boolean {
  // "ما هي" / "من هو" ask "what is / who is": the pronoun there is a copula, not a reference.
  const q = normalizeForMatch(question)
    .replace(/(^|\s)(و?(ما|من|ماذا)) (هو|هي|هم)(?=\s|$)/g, '$1$2')
    // "أعلنت فرنسا أنها تريد…": the pronoun on "أن" points inside the sentence, not back.
    .replace(/(^|\s)[و]?[لكف]?[اإ]ن(ها|هم|هما|هن|ه)(?=\s|$)/g, '$1');
  return contentTerms <= 1 || ANAPHORA.test(q) || ATTACHED_PRONOUN.test(q) || PREPOSITION_PRONOUN.test(q);
}

/**
 * The thing a "what / how many / who" question asks about: the first content word after the
 * question word and the words that only frame it ("ما هو راتب السفير" → راتب, "كم عدد الجنود"
 * → جنود). A paragraph that never mentions it cannot be the answer: "how many soldiers in
 * Barkhane" over a text that names Barkhane but no soldiers. Some questions have no focus to
 * check: those led by when / where / how / why, and those whose next word is a verb ("من
 * يمثل فرنسا", "ما الذي يقوم به") or an abstract frame ("ما دور", "ما أهمية", "ما أمثلة"),
 * since the text answers those in words of its own.
 */
// English puts adjectives before the noun ("the daily meal allowance"), so its first content word
// is no head noun: only "how many / how much X" is read there.
const FOCUS_LEADS = new Set(['ما', 'ماهو', 'ماهي', 'من', 'كم', 'شو', 'ايش', 'وش', 'ايه', 'اي', 'how']);
/** Nouns that only frame what is asked: "عدد الجنود", "اسم القائد". */
const FRAME_NOUNS = ['عدد', 'اسم', 'نوع', 'قيمه', 'حجم', 'مقدار'];
const FOCUS_SKIP = new Set([
  ...FOCUS_LEADS,
  ...FRAME_NOUNS,
  'هو',
  'هي',
  'هم',
  'هما',
  'يبلغ',
  'تبلغ',
  'بلغ',
  'يكون',
  'تكون',
  'كان',
  'كانت',
  'هناك',
  'يوجد',
  'توجد',
  'many',
  'much',
  'is',
  'are',
  'was',
  'were',
  'the',
  'a',
  'an',
  'of',
  'number',
  'name',
]);
// With their common misspellings: "اللذي", "اللتي".
const RELATIVES = new Set(['الذي', 'التي', 'الذين', 'اللي', 'اللتي', 'اللذي', 'اللذين', 'that', 'who', 'which']);
const ABSTRACT_FRAMES = new Set([
  'دور',
  'اهميه',
  'امثله',
  'مثال',
  'مجموع',
  'اجمالي',
  'معني',
  'مفهوم',
  'تعريف',
  'طبيعه',
  'مدي',
  'سبب',
  'اسباب',
  'نتيجه',
  'نتايج',
  'فايده',
  'فوايد',
  'وضع',
  'حال',
  'موقف',
  'راي',
  'اثر',
  'اثار',
  'role',
  'importance',
  'example',
  'examples',
  'meaning',
  'reason',
]);

const stemSets = new Map<string, Set<string>>();
function stemsOf(key: string, words: Iterable<string>, lang: Lang): Set<string> {
  let set = stemSets.get(`${key}:${lang}`);
  if (!set) stemSets.set(`${key}:${lang}`, (set = new Set([...words].flatMap((w) => terms(w, lang)))));
  return set;
}
const skipStems = (lang: Lang) => stemsOf('skip', FRAME_NOUNS, lang);
const frameStems = (lang: Lang) => stemsOf('frame', ABSTRACT_FRAMES, lang);

export function questionFocus(question: string, lang: Lang = 'ar'): string | null {
  const words = normalizeForMatch(question)
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0 || !FOCUS_LEADS.has(words[0]!)) return null;
  if (words[0] === 'how' && words[1] !== 'many' && words[1] !== 'much') return null;
  // "من فاز", "من أسس": after "who" without a copula comes a verb, whatever its form.
  // Chat drops the copula before a definite noun ("مين المسؤول عن…"): that noun is the focus.
  if (words[0] === 'من' && !['هو', 'هي', 'هم', 'هما', 'كان', 'كانت'].includes(words[1] ?? '') && !/^ال\S{3,}/.test(words[1] ?? ''))
    return null;
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (RELATIVES.has(word)) return null;
    if (FOCUS_SKIP.has(word)) continue;
    // A verb ("ما يرتبط", "من يمثل", "من تولى") names an event, paraphrased freely.
    if (word.length >= 4 && (/^ي/.test(word) || (words[0] === 'من' && /^[تن]/.test(word)))) return null;
    const stem = terms(word, lang)[0];
    if (!stem || skipStems(lang).has(stem)) continue;
    if (ABSTRACT_FRAMES.has(word) || frameStems(lang).has(stem)) return null;
    // "كم بلدا": the counted noun is accusative, its tanween alef often written without the mark.
    if (words[0] === 'كم' && word.length >= 4 && word.endsWith('ا')) return terms(word.slice(0, -1), lang)[0] ?? stem;
    return stem;
  }
  return null;
}

/**
 * Two or three questions in one message ("ما هي عملية برخان؟ وما هي عملية شمال؟"), each to be
 * answered on its own; one question (or more than three) comes back as is. A part counts as a
 * question when it ends with a question mark and opens, after an "and", with a question word.
 */
const QUESTION_OPENER =
  /^(و|and |et )?(ما|ماذا|ماهو|ماهي|من|مين|متي|امتي|اين|وين|كيف|ازاي|لماذا|ليش|ليه|كم|قديش|هل|اي|شو|ايش|وش|ايه|what|who|when|where|why|how|which|is|are|does|do|can|quel|quelle|quels|quelles|qui|quand|ou|pourquoi|comment|combien|est ce)(\s|$)/;

export function splitQuestions(text: string): string[] {
  const parts = text
    .split(/(?<=[?؟])\s+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length < 2 || parts.length > 3) return [text];
  const questions = parts.every(
    (p) => /[?؟]$/.test(p) && QUESTION_OPENER.test(normalizeForMatch(p).replace(/^و\s*/, 'و')) && terms(p).length > 0,
  );
  return questions ? parts : [text];
}
