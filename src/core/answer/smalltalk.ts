import { normalizeForMatch, readDialect } from '../text/index.js';

/**
 * Chat is not only questions: people greet the bot, thank it, ask what it can do. Those get a
 * short friendly reply instead of "I found nothing"; a greeting in front of a real question is
 * dropped so it does not count against the question.
 */
export type SmallTalk = 'greeting' | 'thanks' | 'help';

const GREETING =
  '(مرحبا|مرحبتين|اهلا|اهلين|اهلا وسهلا|السلام عليكم|سلام عليكم|سلام|صباح الخير|صباح النور|مساء الخير|هلا|hi|hello|hey|hiya|good morning|good afternoon|good evening|bonjour|bonsoir|salut|coucou)';
const THANKS = '(شكرا|شكرا لك|شكرا جزيلا|مشكور|تسلم|يعطيك العافيه|جزاك الله خيرا|thanks|thank you|thx|cheers|merci|merci beaucoup)';
const HELP =
  '(مساعده|ساعدني|ماذا تستطيع|ماذا تعرف|ما الذي تستطيع فعله|من انت|ما انت|شو بتعرف|help|what can you do|who are you|what do you know|aide|aidez moi|qui es tu|que sais tu faire)';

const ONLY = (body: string) => new RegExp(`^(${body})( (يا )?(سند|sanad|bot|بوت))?[\\s!.؟?،,]*$`);
const WHOLE_GREETING = new RegExp(`^${GREETING}( (يا )?(سند|sanad))?[!.،,]*$`);

// eslint-disable-next-line no-misleading-character-class -- emoji, skin tones and joiners are removed one code point at a time on purpose
const EMOJI_PARTS = /[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\u200D\uFE0F]/gu;

function clean(text: string): string {
  return normalizeForMatch(text).replace(EMOJI_PARTS, '').trim();
}

export function smallTalk(text: string): SmallTalk | null {
  const t = clean(text)
    .replace(/[!.؟?،,]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (ONLY(GREETING).test(t)) return 'greeting';
  if (ONLY(THANKS).test(t) || ONLY(`${THANKS}( ${GREETING})?`).test(t)) return 'thanks';
  if (ONLY(HELP).test(t) || asksWhatBotDoes(t)) return 'help';
  return null;
}

/**
 * "What can you do?" / "Who are you?" in any dialect, read from its grammar once the dialect
 * layer has put it in MSA words ("شو بتقدر تعمل" → "ما تقدر تعمل", "شنو كتدير" → "ما تدير"):
 * a question word, "you", a second-person verb of ability, knowing or doing, and nothing else.
 * A content word makes it a question about the knowledge ("ما تعرف عن برخان؟").
 */
const WHAT = new Set(['ما', 'ماذا', 'و']);
const WHO = new Set(['من']);
const YOU = new Set(['انت', 'انتي', 'انتم', 'حضرتك', 'نتا', 'نتي', 'انتا']);
const CAN = new Set([
  'تقدر',
  'تقدري',
  'تستطيع',
  'تستطيعين',
  'يمكنك',
  'يمكن',
  'بامكانك',
  'بمقدورك',
  'فيك',
  'تعرف',
  'تعرفي',
  'تعرفين',
  'تفهم',
]);
const DO = new Set([
  'تفعل',
  'تعمل',
  'تسوي',
  'تدير',
  'تقدم',
  'تساعد',
  'تساعدني',
  'تساعدنا',
  'تجاوب',
  'تجيب',
  'تشتغل',
  'تخدم',
  'تفيد',
  'تفيدني',
  'فعله',
  'تفعله',
  'تعمله',
  'تسويه',
]);
const FILLER = new Set([
  'ان',
  'لي',
  'لنا',
  'به',
  'فيه',
  'بالضبط',
  'بالظبط',
  'هنا',
  'اصلا',
  'يا',
  'عم',
  'سند',
  'بوت',
  'sanad',
  'bot',
  'هو',
  'هي',
  'الذي',
  'اللي',
  'شو',
  'ايش',
]);

function asksWhatBotDoes(text: string): boolean {
  for (const question of text.split(/\s+و(?=\s)|\s+و(?=ما|من)/)) {
    const words = readDialect(question)
      .text.split(' ')
      .filter((w) => w && !FILLER.has(w));
    if (words.length === 0 || !words.every((w) => WHAT.has(w) || WHO.has(w) || YOU.has(w) || CAN.has(w) || DO.has(w))) return false;
    const asksWho = words.some((w) => WHO.has(w)) && words.some((w) => YOU.has(w)) && words.length === 2;
    const asksWhat = words.some((w) => WHAT.has(w)) && words.some((w) => CAN.has(w) || DO.has(w));
    if (!asksWho && !asksWhat) return false;
  }
  return true;
}

/** "مرحبا، من هو سفير فرنسا؟" → "من هو سفير فرنسا؟" (the original text, greeting cut). */
export function withoutGreeting(text: string): string {
  const words = text.trim().split(/\s+/);
  for (let n = Math.min(4, words.length - 1); n >= 1; n--) {
    const head = words.slice(0, n).join(' ');
    if (WHOLE_GREETING.test(clean(head))) return words.slice(n).join(' ');
  }
  return text;
}
