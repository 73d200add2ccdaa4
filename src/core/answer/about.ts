import type { KnowledgeDocument } from '../knowledge/types.js';
import { message } from '../messages.js';
import { detectLanguage, normalizeForMatch, readDialect, terms, type Lang } from '../text/index.js';
import type { Answer, Turn } from '../types.js';

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
  [
    'summary',
    new RegExp(
      `(ما|ماهو|ما هو|شو|ايش) (موضوع|فكره|مضمون|محتوي) ${DOC_NOUNS}|عن (ماذا|ايش|شو|ماذا يتحدث|ما) (يتحدث|يتكلم) ${DOC_NOUNS}|عما يتحدث ${DOC_NOUNS}|ماذا يتناول ${DOC_NOUNS}|what is ${DOC_NOUNS} about|what s ${DOC_NOUNS} about|de quoi parle ${DOC_NOUNS}`,
    ),
  ],
  [
    'author',
    new RegExp(
      `(من|مين) (كتب|الف|كاتب|مولف|صاحب) ${DOC_NOUNS}|(كاتب|مولف) ${DOC_NOUNS}|who (wrote|is the author of|authored) ${DOC_NOUNS}|author of ${DOC_NOUNS}|qui a ecrit ${DOC_NOUNS}|auteur de ${DOC_NOUNS}`,
    ),
  ],
  [
    'date',
    new RegExp(
      `(متي|امتي|في اي تاريخ|في اي يوم) (نشر|نشرت|كتب|كتبت|صدر|صدرت) ${DOC_NOUNS}|تاريخ (نشر )?${DOC_NOUNS}|when was ${DOC_NOUNS} (published|written)|publication date|date of ${DOC_NOUNS}|quand ${DOC_NOUNS} a t il ete publie|date de publication`,
    ),
  ],
  [
    'title',
    new RegExp(`(ما|ماهو|ما هو|شو) (عنوان|اسم) ${DOC_NOUNS}|what is the title of ${DOC_NOUNS}|title of ${DOC_NOUNS}|quel est le titre`),
  ],
];

/** Words of the cue itself, which say nothing about which document is meant. */
const CUE_LIST = [
  'لخص',
  'لخصي',
  'لخصلي',
  'تلخيص',
  'تلخيصا',
  'ملخص',
  'ملخصا',
  'اختصر',
  'باختصار',
  'موضوع',
  'فكره',
  'مضمون',
  'محتوي',
  'يتحدث',
  'يتكلم',
  'يتناول',
  'كتب',
  'كتبت',
  'الف',
  'كاتب',
  'مولف',
  'صاحب',
  'نشر',
  'نشرت',
  'صدر',
  'صدرت',
  'تاريخ',
  'يوم',
  'عنوان',
  'اسم',
  'اعطني',
  'اعطيني',
  'مقال',
  'مقاله',
  'مقالات',
  'خبر',
  'تقرير',
  'نص',
  'وثيقه',
  'وثايق',
  'مستند',
  'مستندات',
  'معرفه',
  'summarize',
  'summarise',
  'summary',
  'article',
  'document',
  'report',
  'text',
  'author',
  'wrote',
  'written',
  'published',
  'publication',
  'date',
  'title',
  'resume',
  'resumer',
  'parle',
  'ecrit',
  'auteur',
  'publie',
  'titre',
  'texte',
  'rapport',
  'please',
  'give',
  'me',
  'brief',
];
let cueWords: Set<string> | null = null;
/** Built on first use: stemming the English and French cue words loads their stemmers. */
function isCueWord(term: string): boolean {
  cueWords ??= new Set(CUE_LIST.flatMap((w) => [w, ...terms(w, 'ar'), ...terms(w, 'en'), ...terms(w, 'fr')]));
  return cueWords.has(term);
}

/**
 * The kind of document question, or null for any other message. A reply to "which document do
 * you mean?" that picks one of the listed documents ("2", "الثاني", its title) is the summary
 * that was asked for.
 */
export function documentQuestion(question: string, conversation: readonly Turn[] = []): DocumentQuestion | null {
  // Read in MSA words too: "مين كاتب هالمقال؟" is "من كاتب المقال".
  const forms = [matchable(question), matchable(readDialect(question).text)];
  for (const q of forms) for (const [kind, cue] of CUES) if (cue.test(q)) return kind;
  // "ومتى انكتب؟" right after "من كتب المقال؟" is about the same document.
  const last = [...conversation].reverse().find((t) => t.role === 'user');
  if (last && CUES.some(([, cue]) => cue.test(matchable(readDialect(last.text).text)))) {
    for (const q of forms) for (const [kind, cue] of CUES) if (cue.test(`${q.replace(/^و /, '')} المقال`)) return kind;
  }
  return listedTitles(conversation) && pickListed(question, conversation) ? 'summary' : null;
}

const matchable = (text: string) =>
  normalizeForMatch(text)
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * Which documents a document question is about: the one picked from the list the bot just
 * offered, the ones whose title carries the question's remaining words ("لخص مقال فرنسا"), or
 * every document in scope when it names none. Null when the question asks about something else
 * than a whole document ("ملخص قرار مجلس الأمن"): then retrieval answers it.
 */
export function documentsMeant(
  question: string,
  lang: Lang,
  documents: KnowledgeDocument[],
  conversation: readonly Turn[] = [],
): KnowledgeDocument[] | null {
  const picked = pickListed(question, conversation);
  const chosen = picked ? documents.filter((d) => d.title === picked) : [];
  if (chosen.length > 0) return chosen;
  // Read in MSA words: "طيب مين كاتب هالمقال عن فرنسا" names «فرنسا», not "طيب" or "هالمقال".
  const read = lang === 'ar' ? readDialect(question).text : question;
  const rest = terms(read, lang).filter((t) => !isCueWord(t));
  if (rest.length === 0) return documents;
  const named = documents.filter((d) => {
    const title = new Set(terms(d.title, d.lang));
    return rest.filter((t) => title.has(t)).length / rest.length >= 0.5;
  });
  return named.length > 0 ? named : null;
}

/** At most this many documents are listed when the bot asks which one is meant. */
export const MAX_LISTED_DOCUMENTS = 10;

/** "المقالات", "all the documents", "tous les documents": a summary of several is what is asked. */
const SEVERAL =
  /(^|\s)((ال)?(مقالات|مقالين|مقالان|مستندات|وثايق|تقارير|نصوص|اخبار|معرفه)|كل|جميع|all|documents|articles|reports|everything|tous|toutes)(\s|$)/;

/**
 * "لخص المقال" when several documents fit: which one? Asked back, with the titles numbered so a
 * reply of "2" or a title picks it (`documentsMeant` reads that reply). Null when one document
 * fits, when several are asked for by name ("المقالات", "all documents"), or for other kinds
 * (author and date lines are short enough to give for each).
 */
export function askWhichDocument(
  kind: DocumentQuestion,
  question: string,
  documents: KnowledgeDocument[],
  lang: Lang,
): Omit<Answer, 'question' | 'timings'> | null {
  if (kind !== 'summary' || documents.length < 2 || SEVERAL.test(matchable(question))) return null;
  const shown = documents.slice(0, MAX_LISTED_DOCUMENTS);
  const list = shown.map((d, i) => `${i + 1}. «${d.title}»`).join('\n') + (documents.length > shown.length ? '\n…' : '');
  return {
    answer: `${message('whichDocument', lang)}\n${list}\n${message('whichDocumentReply', lang)}`,
    abstained: false,
    language: lang,
    mode: 'extractive',
    citations: [],
    retrieved: [],
    intent: 'document',
  };
}

const WHICH_LEADS = (['ar', 'en', 'fr'] as const).map((l) => message('whichDocument', l));
const LISTED = /^(\d+)\. «(.+)»$/;

/** The titles the bot listed in its last message, when that message asked which document. */
function listedTitles(conversation: readonly Turn[]): string[] | null {
  const last = [...conversation].reverse().find((t) => t.role === 'assistant');
  const lines = last?.text.split('\n') ?? [];
  if (!lines[0] || !WHICH_LEADS.includes(lines[0])) return null;
  const titles = lines.flatMap((line) => LISTED.exec(line)?.slice(2, 3) ?? []);
  return titles.length > 0 ? titles : null;
}

const ORDINALS: [RegExp, number][] = [
  [/(^|\s)(ال)?(اول|اولي)|first|premier|premiere/, 1],
  [/(^|\s)(ال)?(ثاني|ثانيه)|second|deuxieme|seconde/, 2],
  [/(^|\s)(ال)?(ثالث|ثالثه)|third|troisieme/, 3],
  [/(^|\s)(ال)?(رابع|رابعه)|fourth|quatrieme/, 4],
  [/(^|\s)(ال)?(خامس|خامسه)|fifth|cinquieme/, 5],
];

/** A reply to "which one?" is a few words; a longer message is a new question. */
const MAX_PICK_WORDS = 6;

/** The listed title a short reply picks: by its number ("2", "٢", "الثاني", "the second") or its words. */
function pickListed(reply: string, conversation: readonly Turn[]): string | null {
  const titles = listedTitles(conversation);
  const q = matchable(reply);
  if (!titles || q.split(' ').length > MAX_PICK_WORDS) return null;
  const number = /(^|\D)(\d{1,2})(\D|$)/.exec(q)?.[2];
  const n = number ? Number(number) : ORDINALS.find(([pattern]) => pattern.test(q))?.[1];
  if (n !== undefined) return titles[n - 1] ?? null;
  const words = new Set(terms(reply, detectLanguage(reply)).filter((t) => !isCueWord(t)));
  const named = titles.filter((title) => terms(title, detectLanguage(title)).some((t) => words.has(t)));
  return named.length === 1 ? named[0]! : null;
}
