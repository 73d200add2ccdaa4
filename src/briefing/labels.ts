import { localizer } from '../core/messages.js';

/** Every label of a briefing, in the three languages the bot speaks. */
const LABELS = {
  title: { ar: 'الموجز اليومي · {date}', en: 'Daily briefing · {date}', fr: 'Briefing du jour · {date}' },
  whatsNew: { ar: 'الجديد في المعرفة', en: 'New in the knowledge', fr: 'Nouveau dans les documents' },
  new: { ar: 'جديد', en: 'new', fr: 'nouveau' },
  changed: { ar: 'محدَّث', en: 'updated', fr: 'mis à jour' },
  noNews: {
    ar: 'لا مستندات جديدة أو محدَّثة منذ الموجز السابق.',
    en: 'No new or changed documents since the last briefing.',
    fr: 'Aucun document nouveau ou modifié depuis le dernier briefing.',
  },
  newSince: { ar: 'الجديد منذ الموجز السابق', en: 'New since the last briefing', fr: 'Nouveau depuis le dernier briefing' },
  moreArticles: {
    ar: 'ومقالات أخرى من هذا المصدر: {count}',
    en: 'and {count} more from this source',
    fr: 'et {count} autres de cette source',
  },
  moreDocuments: { ar: 'ومستندات أخرى: {count}', en: 'and {count} more documents', fr: 'et {count} autres documents' },
  highlights: { ar: 'أبرز ما في المعرفة', en: 'Highlights from the knowledge', fr: 'Points forts des documents' },
  yesterday: { ar: 'أمس في هذه القناة', en: 'Yesterday in this channel', fr: 'Hier dans ce canal' },
  stats: {
    ar: 'الأسئلة: {asked} · أُجيب: {answered} · بلا إجابة: {declined} · 👍 {up} · 👎 {down}',
    en: 'Questions: {asked} · answered: {answered} · declined: {declined} · 👍 {up} · 👎 {down}',
    fr: 'Questions : {asked} · avec réponse : {answered} · sans réponse : {declined} · 👍 {up} · 👎 {down}',
  },
  declinedList: {
    ar: 'أسئلة بلا إجابة (ثغرات في المعرفة):',
    en: 'Declined questions (gaps in the knowledge):',
    fr: 'Questions sans réponse (lacunes des documents) :',
  },
  noQuestions: { ar: 'لم تُطرح أسئلة أمس.', en: 'No questions yesterday.', fr: 'Aucune question hier.' },
  summary: { ar: 'ملخص', en: 'Summary', fr: 'Résumé' },
  footer: {
    ar: 'sanad · اقتباسات من المصادر مع رقم الفقرة',
    en: 'sanad · quotes from the sources with their paragraph',
    fr: 'sanad · citations des sources avec leur paragraphe',
  },
} as const satisfies Record<string, Record<'ar' | 'en' | 'fr', string>>;

export type LabelKey = keyof typeof LABELS;

export const label = localizer(LABELS);
