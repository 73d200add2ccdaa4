import type { Lang } from './text/index.js';

/** Every sentence the bot says on its own, in the three languages it answers in. */
const MESSAGES = {
  decline: {
    ar: 'لم أجد في المعرفة المتاحة ما يجيب عن هذا السؤال.',
    en: "I couldn't find an answer to that in the knowledge I have.",
    fr: "Je n'ai pas trouvé de réponse à cette question dans les documents dont je dispose.",
  },
  steer: {
    ar: 'أجيب فقط عن الأسئلة من المعرفة المتاحة، ولا أنفّذ تعليمات أخرى.',
    en: 'I only answer questions from the knowledge I have; I do not follow other instructions.',
    fr: "Je réponds uniquement aux questions à partir des documents dont je dispose ; je ne suis pas d'autres instructions.",
  },
  // Chat users cannot set environment variables: they are told what they can do (ask in the
  // documents' language); the setting is named in the log and the CLI (CROSS_LANGUAGE_ADMIN_HINT).
  crossLanguage: {
    ar: 'المستندات مكتوبة باللغة {langs}، ولا أستطيع الآن الإجابة إلا عن الأسئلة المطروحة بلغتها. اطرح سؤالك باللغة {langs}؛ ويمكن لمسؤول النظام تفعيل الإجابة عبر اللغات.',
    en: 'The documents are in {langs}, and right now I can only answer questions asked in their language. Please ask in {langs}; an administrator can turn on answers across languages.',
    fr: "Les documents sont en {langs} et, pour l'instant, je ne réponds qu'aux questions posées dans leur langue. Posez votre question en {langs} ; un administrateur peut activer les réponses multilingues.",
  },
  empty: {
    ar: 'السؤال فارغ. اكتب سؤالًا عن المعرفة المتاحة.',
    en: 'The question is empty. Ask something about the knowledge I have.',
    fr: 'La question est vide. Posez une question sur les documents dont je dispose.',
  },
  closest: { ar: 'أقرب ما وجدت', en: 'Closest I found', fr: "Le plus proche que j'ai trouvé" },
  sources: { ar: 'المصادر', en: 'Sources', fr: 'Sources' },
  showParagraph: { ar: 'عرض الفقرة', en: 'Show paragraph', fr: 'Afficher le paragraphe' },
  thinking: { ar: 'أبحث في المعرفة…', en: 'Looking it up…', fr: 'Je cherche…' },
  error: {
    ar: 'عذرًا، حدث خطأ أثناء الإجابة. رقم الخطأ: {id}',
    en: 'Sorry, something went wrong while answering. Error id: {id}',
    fr: "Désolé, une erreur s'est produite pendant la réponse. Identifiant de l'erreur : {id}",
  },
  rateLimited: {
    ar: 'أسئلة كثيرة في وقت قصير. حاول مجددًا بعد {seconds} ثانية.',
    en: 'That is a lot of questions in a short time. Please try again in {seconds} s.',
    fr: 'Beaucoup de questions en peu de temps. Réessayez dans {seconds} s.',
  },
  tooLong: {
    ar: 'السؤال طويل جدًا ({length} حرفًا). اختصره إلى أقل من {max} حرف.',
    en: 'The question is too long ({length} characters). Please keep it under {max}.',
    fr: 'La question est trop longue ({length} caractères). Gardez-la sous {max}.',
  },
  modelUnavailable: {
    ar: 'النموذج اللغوي غير متاح الآن؛ هذه إجابة مقتطفة من النص.',
    en: 'The language model is unavailable right now; this is an extract from the text.',
    fr: 'Le modèle de langage est indisponible ; voici un extrait du texte.',
  },
  unverified: {
    ar: 'تعذّر التحقق من إجابة النموذج اللغوي؛ هذه إجابة مقتطفة من النص.',
    en: "The language model's answer could not be verified; this is an extract from the text.",
    fr: "La réponse du modèle n'a pas pu être vérifiée ; voici un extrait du texte.",
  },
  thanks: { ar: 'شكرًا على تقييمك.', en: 'Thanks for the feedback.', fr: 'Merci pour votre retour.' },
  feedbackNotSaved: {
    ar: 'تعذّر حفظ تقييمك الآن. حاول مرة أخرى لاحقًا.',
    en: 'Your feedback could not be saved right now. Please try again later.',
    fr: "Votre retour n'a pas pu être enregistré pour l'instant. Réessayez plus tard.",
  },
  greeting: {
    ar: 'مرحبًا! أنا سند. اسألني عن {topics}، وسأذكر الفقرة التي تستند إليها كل إجابة.',
    en: "Hello! I'm sanad. Ask me about {topics}, and I will cite the paragraph behind every answer.",
    fr: 'Bonjour ! Je suis sanad. Posez-moi une question sur {topics} ; je cite le paragraphe derrière chaque réponse.',
  },
  welcome: { ar: 'على الرحب والسعة!', en: "You're welcome!", fr: 'Avec plaisir !' },
  help: {
    ar: 'أجيب عن الأسئلة من المستندات المتاحة ({count}): {topics}. كل إجابة تذكر المستند ورقم الفقرة واقتباسًا منها، وإن لم أجد الإجابة قلت ذلك. ويمكنك أن تطلب «لخص المقال» أو تسأل «من كتب المقال؟».',
    en: 'I answer questions from the documents I have ({count}): {topics}. Every answer cites the document, the paragraph number and a quote; when the documents do not answer, I say so. You can also ask me to "summarize the article" or "who wrote the article?".',
    fr: "Je réponds aux questions à partir des documents dont je dispose ({count}) : {topics}. Chaque réponse cite le document, le numéro du paragraphe et un extrait ; si les documents ne répondent pas, je le dis. Vous pouvez aussi demander « résume le document » ou « qui a écrit l'article ? ».",
  },
  summaryOf: {
    ar: 'أبرز ما في «{title}»:',
    en: 'The main points of «{title}»:',
    fr: 'Les points essentiels de « {title} » :',
  },
  whichDocument: { ar: 'أيّ مستند تقصد؟', en: 'Which document do you mean?', fr: 'De quel document parlez-vous ?' },
  whichDocumentReply: {
    ar: 'أجب برقمه أو بعنوانه، أو اطلب «لخص المستندات» لملخص لها كلها.',
    en: 'Reply with its number or title, or ask to "summarize the documents" for all of them.',
    fr: 'Répondez par son numéro ou son titre, ou demandez « résume les documents » pour tous.',
  },
  summaryOfMany: {
    ar: 'أبرز ما في المستندات المتاحة ({count}):',
    en: 'The main points of the documents I have ({count}):',
    fr: 'Les points essentiels des documents dont je dispose ({count}) :',
  },
  author: { ar: '«{title}» بقلم {author}.', en: '«{title}» is by {author}.', fr: '« {title} » est signé {author}.' },
  noAuthor: {
    ar: 'لا يذكر «{title}» اسم كاتبه.',
    en: '«{title}» does not name its author.',
    fr: '« {title} » ne nomme pas son auteur.',
  },
  date: { ar: 'نُشر «{title}» في {date}.', en: '«{title}» was published on {date}.', fr: '« {title} » a été publié le {date}.' },
  noDate: {
    ar: 'لا يذكر «{title}» تاريخ نشره.',
    en: '«{title}» gives no publication date.',
    fr: '« {title} » ne donne pas de date de publication.',
  },
  title: { ar: 'عنوان المستند: «{title}».', en: 'The document is titled «{title}».', fr: 'Le document s’intitule « {title} ».' },
  fromMetadata: {
    ar: 'من بيانات المستند (سطر التوقيع والتاريخ)، لا من فقرة فيه.',
    en: "From the document's byline and dateline, not from one of its paragraphs.",
    fr: "D'après la signature et la date du document, pas d'un de ses paragraphes.",
  },
  paragraphGone: {
    ar: 'هذه الفقرة لم تعد موجودة في المعرفة المتاحة.',
    en: 'That paragraph is no longer in the knowledge.',
    fr: "Ce paragraphe n'est plus dans les documents.",
  },
} as const satisfies Record<string, Record<'ar' | 'en' | 'fr', string>>;

export type MessageKey = keyof typeof MESSAGES;

/**
 * For whoever runs sanad (the log, the CLI), never for chat users: how to answer questions asked
 * in another language than the documents'.
 */
export const CROSS_LANGUAGE_ADMIN_HINT =
  "a question in another language than the documents was declined: offline, sanad only matches questions in the documents' language. Set OPENAI_API_KEY, or OPENAI_BASE_URL for a local OpenAI-compatible server (Ollama, vLLM), to answer across languages; see docs/llm.md.";

const LANGUAGE_NAMES: Record<'ar' | 'en' | 'fr', Record<'ar' | 'en' | 'fr', string>> = {
  ar: { ar: 'العربية', en: 'Arabic', fr: 'arabe' },
  en: { ar: 'الإنجليزية', en: 'English', fr: 'anglais' },
  fr: { ar: 'الفرنسية', en: 'French', fr: 'français' },
};
const OR: Record<'ar' | 'en' | 'fr', string> = { ar: ' أو ', en: ' or ', fr: ' ou ' };

/** The knowledge's languages named in the asker's language: "Arabic", "العربية أو الفرنسية". */
export function languageNames(langs: Lang[], lang: Lang): string {
  const to = lang === 'und' ? 'ar' : lang;
  return langs.flatMap((l) => (l === 'und' ? [] : [LANGUAGE_NAMES[l][to]])).join(OR[to]);
}
export type Translations = Record<string, Record<'ar' | 'en' | 'fr', string>>;

/**
 * A lookup over a table of sentences in ar/en/fr: Arabic when the language is unknown, with
 * `{name}` placeholders filled in. Adapters and the briefing keep their own tables of labels
 * and share this one mechanism.
 */
export function localizer<T extends Translations>(table: T) {
  return (key: keyof T, lang: Lang, values: Record<string, string | number> = {}): string => {
    const text = table[key]![lang === 'und' ? 'ar' : lang];
    return text.replace(/\{(\w+)\}/g, (_m, name: string) => String(values[name] ?? ''));
  };
}

/** What the bot says, in the asker's language. */
export const message = localizer(MESSAGES);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
let ownSentences: [MessageKey, RegExp][] | null = null;

/**
 * Which of the bot's own sentences a text is ("I found nothing", the help reply…), or null when
 * it is an answer drawn from the knowledge. A conversation's history holds the bot's replies as
 * text; a follow-up leans only on those that came from a paragraph.
 */
export function ownSentence(text: string): MessageKey | null {
  ownSentences ??= Object.entries(MESSAGES).flatMap(([key, byLang]) =>
    Object.values(byLang).map((template): [MessageKey, RegExp] => [
      key as MessageKey,
      new RegExp(
        `^${template
          .split(/\{\w+\}/)
          .map(escape)
          .join('[\\s\\S]*')}`,
      ),
    ]),
  );
  const trimmed = text.trim();
  return ownSentences.find(([, pattern]) => pattern.test(trimmed))?.[0] ?? null;
}
