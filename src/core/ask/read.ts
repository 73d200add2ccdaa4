import { answerType, isFollowUp, type AnswerType } from '../answer/question.js';
import { withoutProclitic } from '../index/analysis.js';
import type { KnowledgeIndex } from '../index/knowledge-index.js';
import type { Paragraph } from '../knowledge/types.js';
import { ownSentence } from '../messages.js';
import { isStopWord, readDialect, stem, synonymsOf, terms, type Lang } from '../text/index.js';
import type { Turn } from '../types.js';

/**
 * How the pipeline reads a question before it retrieves anything: in MSA grammar words (the
 * dialect layer), with its answer type, and, in a conversation, against the earlier turns.
 * Retrieval, answer selection and the decline model all read the same `text`; what the person
 * wrote stays what the bot shows.
 */
export interface Reading {
  /** The question in MSA grammar words, normalised, without the words that frame its answer. */
  text: string;
  /** The same with its frame ("في أي يوم…"), which says what kind of answer fits. */
  asked: string;
  type: AnswerType;
  /** Set when the question leans on the conversation. */
  followUp: FollowUp | null;
}

export interface FollowUp {
  /** The earlier questions it continues (as read), most recent first: the subject carried over. */
  subject: string;
  /**
   * Where the last answer came from, and the paragraphs around it in its section: the first
   * place to look. Empty when the bot declined or answered without a paragraph.
   */
  local: Paragraph[];
  /** It points back in words (a pronoun, "ذلك", an elided subject), not only by its "و". */
  anaphoric: boolean;
}

/** The earlier questions of a conversation read for its subject, back to one that stands alone. */
const MAX_SUBJECT_TURNS = 3;
/** A question with this many content terms names its own subject. */
const STANDALONE_TERMS = 2;

/** "و…", "طيب و…", "and …": a message that goes on from the last one. */
const CONTINUES = /^(و|ف|طيب|طب|اوكي|تمام|بس|and|so|et|alors)(\s|$)/;

export function readQuestion(question: string, lang: Lang, index: KnowledgeIndex, conversation: Turn[]): Reading {
  const read = lang === 'ar' ? readArabic(question, index) : question;
  let type = answerType(read);
  // "ما اسم العملية…": "اسم" frames the answer (a name), like "من"; it is not a word to find.
  const text = withoutFrame(read);
  const own = terms(text, lang);
  const followUp = conversation.some((t) => t.role === 'user') ? readFollowUp(question, text, own.length, lang, index, conversation) : null;
  // "وفي سوريا؟" asks the last question again about something else: it keeps its answer type.
  if (type === 'other' && followUp && !hasQuestionWord(text)) type = answerType(followUp.subject.split('\n')[0] ?? '');
  return { text, asked: read, type, followUp };
}

/** Frame nouns right after the question word: what kind of answer, not what it is about. */
const FRAME = /(^|\s)((?:و )?(?:ما|ماذا|كم|اي|ما هو|ما هي|ماهو|ماهي)) (اسم|اسماء|عدد|نوع|رقم|الاشياء|اشياء)(?=\s|$)/;
/** "في أي يوم من أيام الأسبوع…": the week says what kind of day is asked, not a word to find. */
const TIME_FRAME = /(^|\s)((?:في )?(?:اي|ما) (?:يوم|ساعه|وقت)) من (?:ايام|ساعات) (?:الاسبوع|اليوم|الشهر)(?=\s|$)/;

/** "ما الذي حدث بخصوص…", "شو صار بـ…": "what happened" asks about what follows, its verb is the frame. */
const HAPPENED_FRAME = /(^|\s)((?:و )?(?:ما|ماذا))(?: الذي)? (?:حدث|يحدث|جري|يجري)(?=\s|$)/;

function withoutFrame(text: string): string {
  return text.replace(FRAME, '$1$2').replace(TIME_FRAME, '$1$2').replace(HAPPENED_FRAME, '$1$2');
}

/** The question in MSA grammar words; dialect verb forms are read only where the knowledge lacks them. */
export function readArabic(question: string, index: KnowledgeIndex): string {
  const known = (word: string) => index.frequency(stem(word, 'ar')) > 0;
  const text = readDialect(question, known).text;
  // A word the knowledge never uses is read as the synonym it does use ("يغطي" → "يشمل"), a
  // place in its other spelling or as its adjective ("بسوريا" → "سوريه", "أوروبا" → "أوروبي").
  return text
    .split(' ')
    .map((word) => (word.length < 3 || known(word) ? word : (otherForms(word).find(known) ?? splitRunTogether(word, known) ?? word)))
    .join(' ');
}

/** Each half of a word typed without its space has at least this many letters. */
const MIN_HALF = 4;

/**
 * Two words typed without the space between them ("دوريرابطه" for "دوري رابطة"): an unknown
 * word that splits into two words the knowledge uses, neither a stop word, is read as both.
 */
function splitRunTogether(word: string, known: (word: string) => boolean): string | null {
  if (word.length < 2 * MIN_HALF + 1 || !/^[\u0621-\u064A]+$/.test(word)) return null;
  for (let at = MIN_HALF; at <= word.length - MIN_HALF; at++) {
    const [first, second] = [word.slice(0, at), word.slice(at)];
    if (!isStopWord(first) && !isStopWord(second) && known(first) && known(second)) return `${first} ${second}`;
  }
  return null;
}

/** Its synonyms, and the word without a one-letter preposition or "و" written onto it ("بسوريا", "لأوروبا"). */
function otherForms(word: string): string[] {
  const bare = withoutProclitic(word) ?? word;
  const forms = [...synonymsOf(word), ...(bare === word ? [] : [bare, ...synonymsOf(bare)])];
  for (const w of new Set([word, bare])) {
    if (w.length < 4 || !w.endsWith('ا')) continue;
    // "سوريا" / "سورية", "أوروبا" / "أوروبي"
    if (w.endsWith('يا')) forms.push(`${w.slice(0, -1)}ه`);
    forms.push(`${w.slice(0, -1)}ي`);
  }
  return forms;
}

function readFollowUp(
  question: string,
  text: string,
  ownTerms: number,
  lang: Lang,
  index: KnowledgeIndex,
  conversation: Turn[],
): FollowUp | null {
  const anaphoric = isFollowUp(question, ownTerms) || isFollowUp(text, ownTerms);
  const continues = CONTINUES.test(text) || (/^(و|ف)\S/.test(text) && hasQuestionWord(text.slice(1)));
  if (!anaphoric && !continues) return null;
  return { subject: subjectOf(conversation, lang, index), local: lastAnswerParagraphs(conversation, index), anaphoric };
}

/** The earlier user questions, most recent first, back to the first that names its own subject. */
function subjectOf(conversation: Turn[], lang: Lang, index: KnowledgeIndex): string {
  const questions: string[] = [];
  for (let i = conversation.length - 1; i >= 0 && questions.length < MAX_SUBJECT_TURNS; i--) {
    const turn = conversation[i]!;
    if (turn.role !== 'user') continue;
    const read = withoutFrame(lang === 'ar' ? readArabic(turn.text, index) : turn.text);
    questions.push(read);
    if (new Set(terms(read, lang)).size >= STANDALONE_TERMS && !CONTINUES.test(read)) break;
  }
  return questions.join('\n');
}

/**
 * The paragraph the bot's last answer came from, found by its text (an extractive answer is a
 * quote; a model's answer is closest to the paragraph it cites), with its neighbours in the
 * same section.
 */
function lastAnswerParagraphs(conversation: Turn[], index: KnowledgeIndex): Paragraph[] {
  const last = [...conversation].reverse().find((t) => t.role === 'assistant');
  if (!last || ownSentence(last.text)) return [];
  // Several questions in one message are answered in parts: the last part is the one that goes on.
  const parts = last.text.split(/\n\n(?=«)/);
  const answer = parts[parts.length - 1]!.replace(/^«[^»]*»\n/, '')
    .replace(/\[\d+\]/g, ' ')
    .replace(/^•\s*/gm, '');
  if (ownSentence(answer)) return [];
  const paragraph = index.locate(answer);
  if (!paragraph) return [];
  const siblings = index.documents.get(paragraph.document)?.paragraphs.filter((p) => !p.duplicateOf) ?? [];
  const at = siblings.findIndex((p) => p.id === paragraph.id);
  const near = [siblings[at + 1], siblings[at - 1]].filter((p): p is Paragraph => !!p && p.section === paragraph.section);
  return [paragraph, ...near];
}

const QUESTION_WORD =
  /(^|\s)(ما|ماذا|من|متي|منذ|اين|كيف|لماذا|كم|هل|اي|ماهو|ماهي|what|who|when|where|why|how|which|quel|quelle|qui|quand|ou|pourquoi|comment|combien)(\s|$)/;

function hasQuestionWord(text: string): boolean {
  return QUESTION_WORD.test(text);
}
