import { withoutGreeting } from '../answer/smalltalk.js';
import { cleanInvisible, detectLanguage, type Lang } from '../text/index.js';
import type { AskOptions } from '../types.js';

/** A message as the core reads it before answering: what is left to answer, and in which language. */
export interface ReadMessage {
  /** What the person wrote, invisible characters dropped and spaces collapsed: reported back as is. */
  original: string;
  /** What gets answered: the message without a greeting in front of it. */
  question: string;
  /** Nothing is left to answer: the asker is told so instead. */
  empty: boolean;
  /** The question's own language ('und' for digits or emoji only). */
  asked: Lang;
  /** The reply language: the channel's when it sets one, else the question's, else `otherwise`. */
  lang: Lang;
}

/**
 * The one place that decides whether a message is empty and which language the bot replies in:
 * the pipeline reads every question with it, and the adapters use it for their own sentences
 * (the placeholder, "empty question", "too many questions") so both always agree.
 * `otherwise` is the language for a question that has none (digits, emoji); Arabic unless the
 * caller knows better (the web page's language).
 */
export function readMessage(raw: string, language: AskOptions['language'] = 'auto', otherwise: Lang = 'ar'): ReadMessage {
  const original = cleanInvisible(raw ?? '');
  const question = withoutGreeting(original);
  const asked = detectLanguage(question);
  const lang: Lang = language !== 'auto' ? language : asked === 'und' ? otherwise : asked;
  return { original, question, empty: question.length === 0, asked, lang };
}
