import type { KnowledgeDocument } from '../knowledge/types.js';
import { normalizeForMatch, terms, type Lang } from '../text/index.js';

/**
 * Questions about the documents themselves rather than what they say: "لخص المقال", "من كتب
 * المقال؟", "متى نُشر التقرير؟", "what is the document about?". They are answered from the
 * parsed document (its central sentences, its byline and dateline), not by retrieval, which
 * would find no paragraph that says who wrote it.
 */
export type DocumentQuestion = 'summary' | 'author' | 'date' | 'title';

const DOC_NOUNS =
  '((ال)?(مقال|مقاله|مقالات|خبر|تقرير|نص|وثيقه|وثايق|مستند|مستندات|معرفه)|article|the article|document|the document|report|the report|text|the text|l article|le document|le texte|le rapport)';

const CUES: [DocumentQuestion, RegExp][] = [
  ['summary', /(^|\s)(لخص|لخصي|لخصلي|تلخيص|تلخيصا|ملخص|ملخصا|اختصر|باختصار|summari[sz]e|summary|tl ?dr|resume|resumer|resumez)(\s|$)/],
  ['summary', new RegExp(`(ما|ماهو|ما هو|شو|ايش) (موضوع|فكره|مضمون|محتوي) ${DOC_NOUNS}|عن (ماذا|ايش|شو|ماذا يتحدث|ما) (يتحدث|يتكلم) ${DOC_NOUNS}|عما يتحدث ${DOC_NOUNS}|ماذا يتناول ${DOC_NOUNS}|what is ${DOC_NOUNS} about|what s ${DOC_NOUNS} about|de quoi parle ${DOC_NOUNS}`)],
  ['author', new RegExp(`(من|مين) (كتب|الف|كاتب|مولف|صاحب) ${DOC_NOUNS}|(كاتب|مولف) ${DOC_NOUNS}|who (wrote|is the author of|authored) ${DOC_NOUNS}|author of ${DOC_NOUNS}|qui a ecrit ${DOC_NOUNS}|auteur de ${DOC_NOUNS}`)],
  ['date', new RegExp(`(متي|امتي|في اي تاريخ|في اي يوم) (نشر|نشرت|كتب|كتبت|صدر|صدرت) ${DOC_NOUNS}|تاريخ (نشر )?${DOC_NOUNS}|when was ${DOC_NOUNS} (published|written)|publication date|date of ${DOC_NOUNS}|quand ${DOC_NOUNS} a t il ete publie|date de publication`)],
  ['title', new RegExp(`(ما|ماهو|ما هو|شو) (عنوان|اسم) ${DOC_NOUNS}|what is the title of ${DOC_NOUNS}|title of ${DOC_NOUNS}|quel est le titre`)],
];

/** Words of the cue itself, which say nothing about which document is meant. */
const CUE_LIST = [
  'لخص', 'لخصي', 'لخصلي', 'تلخيص', 'تلخيصا', 'ملخص', 'ملخصا', 'اختصر', 'باختصار', 'موضوع', 'فكره', 'مضمون', 'محتوي', 'يتحدث', 'يتكلم', 'يتناول',
  'كتب', 'كتبت', 'الف', 'كاتب', 'مولف', 'صاحب', 'نشر', 'نشرت', 'صدر', 'صدرت', 'تاريخ', 'يوم', 'عنوان', 'اسم', 'اعطني', 'اعطيني',
  'مقال', 'مقاله', 'مقالات', 'خبر', 'تقرير', 'نص', 'وثيقه', 'وثايق', 'مستند', 'مستندات', 'معرفه', 'summarize', 'summarise',
  'summary', 'article', 'document', 'report', 'text', 'author', 'wrote', 'written', 'published', 'publication', 'date', 'title',
  'resume', 'resumer', 'parle', 'ecrit', 'auteur', 'publie', 'titre', 'texte', 'rapport', 'please', 'give', 'me', 'brief',
];
let cueWords: Set<string> | null = null;
/** Built on first use: stemming the English and French cue words loads their stemmers. */
function isCueWord(term: string): boolean {
  cueWords ??= new Set(CUE_LIST.flatMap((w) => [w, ...terms(w, 'ar'), ...terms(w, 'en'), ...terms(w, 'fr')]));
  return cueWords.has(term);
}

export function documentQuestion(question: string): DocumentQuestion | null {
  const q = normalizeForMatch(question).replace(/[^\p{L}\p{N}\s]/gu, ' ').replace(/\s+/g, ' ').trim();
  for (const [kind, cue] of CUES) if (cue.test(q)) return kind;
  return null;
}

/**
 * Which documents a document question is about: the ones whose title carries the question's
 * remaining words ("لخص مقال فرنسا"), or every document in scope when it names none. Null when
 * the question asks about something else than a whole document ("ملخص قرار مجلس الأمن"): then
 * retrieval answers it.
 */
export function documentsMeant(question: string, lang: Lang, documents: KnowledgeDocument[]): KnowledgeDocument[] | null {
  const rest = terms(question, lang).filter((t) => !isCueWord(t));
  if (rest.length === 0) return documents;
  const named = documents.filter((d) => {
    const title = new Set(terms(d.title, d.lang));
    return rest.filter((t) => title.has(t)).length / rest.length >= 0.5;
  });
  return named.length > 0 ? named : null;
}
