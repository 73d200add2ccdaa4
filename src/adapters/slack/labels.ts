import { localizer } from '../../core/index.js';

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

export const label = localizer(LABELS);
