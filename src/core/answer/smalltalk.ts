import { normalizeForMatch } from '../text/index.js';

/**
 * Chat is not only questions: people greet the bot, thank it, ask what it can do. Those get a
 * short friendly reply instead of "I found nothing"; a greeting in front of a real question is
 * dropped so it does not count against the question.
 */
export type SmallTalk = 'greeting' | 'thanks' | 'help';

const GREETING = '(مرحبا|مرحبتين|اهلا|اهلين|اهلا وسهلا|السلام عليكم|سلام عليكم|سلام|صباح الخير|صباح النور|مساء الخير|هلا|hi|hello|hey|hiya|good morning|good afternoon|good evening|bonjour|bonsoir|salut|coucou)';
const THANKS = '(شكرا|شكرا لك|شكرا جزيلا|مشكور|تسلم|يعطيك العافيه|جزاك الله خيرا|thanks|thank you|thx|cheers|merci|merci beaucoup)';
const HELP = '(مساعده|ساعدني|ماذا تستطيع|ماذا تعرف|ما الذي تستطيع فعله|من انت|ما انت|شو بتعرف|help|what can you do|who are you|what do you know|aide|aidez moi|qui es tu|que sais tu faire)';

const ONLY = (body: string) => new RegExp(`^(${body})( (يا )?(سند|sanad|bot|بوت))?[\\s!.؟?،,]*$`);
const WHOLE_GREETING = new RegExp(`^${GREETING}( (يا )?(سند|sanad))?[!.،,]*$`);

function clean(text: string): string {
  return normalizeForMatch(text).replace(/[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\u200D\uFE0F]/gu, '').trim();
}

export function smallTalk(text: string): SmallTalk | null {
  const t = clean(text).replace(/[!.؟?،,]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (ONLY(GREETING).test(t)) return 'greeting';
  if (ONLY(THANKS).test(t) || ONLY(`${THANKS}( ${GREETING})?`).test(t)) return 'thanks';
  if (ONLY(HELP).test(t)) return 'help';
  return null;
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
