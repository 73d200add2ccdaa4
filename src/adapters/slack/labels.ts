import type { Lang } from '../../core/types.js';

/**
 * Words that only Slack's UI needs (buttons, modal chrome). What the bot *says* lives in
 * core/messages.ts; these are labels on controls.
 */
const LABELS = {
  share: { ar: 'مشاركة في القناة', en: 'Share in channel', fr: 'Partager dans le canal' },
  helpful: { ar: '👍 مفيد', en: '👍 Helpful', fr: '👍 Utile' },
  notHelpful: { ar: '👎 غير مفيد', en: '👎 Not helpful', fr: '👎 Pas utile' },
  close: { ar: 'إغلاق', en: 'Close', fr: 'Fermer' },
  paragraph: { ar: 'الفقرة', en: 'Paragraph', fr: 'Paragraphe' },
  paragraphGone: {
    ar: 'هذه الفقرة لم تعد موجودة في المعرفة المتاحة.',
    en: 'That paragraph is no longer in the knowledge.',
    fr: "Ce paragraphe n'est plus dans les documents.",
  },
  question: { ar: 'السؤال', en: 'Question', fr: 'Question' },
  declined: { ar: 'لا إجابة', en: 'No answer', fr: 'Pas de réponse' },
  answeredBy: { ar: 'أجاب: {mode}', en: 'Answered by: {mode}', fr: 'Répondu par : {mode}' },
  shareExpired: {
    ar: 'انتهت صلاحية هذه الإجابة. اطرح السؤال مجددًا.',
    en: 'This answer has expired. Please ask again.',
    fr: 'Cette réponse a expiré. Posez la question à nouveau.',
  },
} as const satisfies Record<string, Record<'ar' | 'en' | 'fr', string>>;

export type LabelKey = keyof typeof LABELS;

export function label(key: LabelKey, lang: Lang, values: Record<string, string> = {}): string {
  const text = LABELS[key][lang === 'und' ? 'ar' : lang] as string;
  return text.replace(/\{(\w+)\}/g, (_m, name: string) => values[name] ?? '');
}
