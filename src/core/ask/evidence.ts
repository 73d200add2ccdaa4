import { evidenceFeatures, shouldAbstain, type AbstainFeatures } from '../answer/abstain.js';
import { extractAnswer, type Extract } from '../answer/extractive.js';
import { matchesType, questionFocus } from '../answer/question.js';
import { rerankByAnswer } from '../answer/rerank.js';
import { namesAskedRole, placesNamed, slotSilent } from '../answer/slots.js';
import { paragraphTerms, type Hit, type KnowledgeIndex } from '../index/knowledge-index.js';
import { coverage } from '../retrieve/coverage.js';
import type { AnswerType } from '../answer/slots.js';
import { retrieve, type Retrieval } from '../retrieve/retriever.js';
import { normalizeForMatch, terms, type Lang } from '../text/index.js';
import type { Turn } from '../types.js';
import { answerFromLastParagraph, movedOn } from './follow-up.js';
import { readQuestion, type Reading } from './read.js';

export interface EvidenceRequest {
  question: string;
  /** The language the question is written in ('ar' when unknown). */
  lang: Lang;
  conversation: Turn[];
  collections?: string[];
  k: number;
  /** Paragraphs to leave out (calibration holds the answer-bearing ones out). */
  exclude?: Set<string>;
  /**
   * Other forms of the question to retrieve with (a model's standalone rewrite or translation),
   * asked for once the question is read; they replace the question when `replace` is set.
   */
  rewrite?: (reading: Reading, followUp: boolean) => Promise<{ queries: string[]; lang: Lang; replace: boolean } | null>;
}

/** What the knowledge offers for one question, and whether it answers it. */
export interface Evidence {
  reading: Reading;
  retrieval: Retrieval;
  /** The quote the extractive answer would give, from the first candidate (or the last answer's paragraph). */
  extract: Extract | null;
  /** The follow-up was answered from the last answer's paragraph. */
  fromLast: boolean;
  features: AbstainFeatures;
  /** The knowledge does not answer: the decline model says so, or the quote holds no answer of the kind asked. */
  silent: boolean;
}

/**
 * Reads the question, retrieves, ranks by how well each candidate answers, picks the quote and
 * decides whether the knowledge answers: the one path every answer (extractive or a model's)
 * and the decline model's calibration take.
 */
export async function findEvidence(index: KnowledgeIndex, request: EvidenceRequest): Promise<Evidence> {
  const { lang } = request;
  const reading = readQuestion(request.question, lang, index, request.conversation);
  const { type } = reading;
  // A follow-up that names what the last answer's paragraph does not is a new question; one that
  // points back ("فيه", "ذلك") stays on the last subject unless nothing it names is there.
  const leaned = reading.followUp;
  const moved = leaned !== null && leaned.local.length > 0 && movedOn(reading, leaned, lang, index);
  const followUp = leaned && !(moved && !leaned.anaphoric) ? leaned : null;
  const stayed = followUp !== null && followUp.local.length > 0 && !moved;

  let queries = [reading.text];
  let retrieveLang = lang;
  const rewritten = request.rewrite ? await request.rewrite(reading, followUp !== null) : null;
  if (rewritten) {
    queries = rewritten.replace ? rewritten.queries : [...new Set([...rewritten.queries, reading.text])];
    retrieveLang = rewritten.lang;
  }
  // Read on the question as retrieval will (respelt), so "بارخان" is not an unknown focus.
  const focus = questionFocus(index.respell(reading.text, retrieveLang), retrieveLang);
  const unseen =
    focus !== null && index.frequency(focus) === 0 && index.frequency(questionFocus(reading.text, retrieveLang) ?? focus) === 0;
  const plain = await retrieve(index, {
    queries,
    lang: retrieveLang,
    subject: followUp?.subject,
    collections: request.collections,
    exclude: request.exclude,
    k: request.k,
  });
  const retrieval: Retrieval = { ...plain, hits: anchored(rerankByAnswer(plain.hits, plain.profile, type), type, focus) };

  const last = stayed ? answerFromLastParagraph(reading, followUp, retrieval, lang, index) : null;
  if (last) retrieval.hits = [last.hit, ...retrieval.hits.filter((h) => h.paragraph.id !== last.paragraph.id)];
  if (!last) retrieval.hits = slotFirst(retrieval, reading.asked, type);
  const best = retrieval.hits[0];
  const extract = introduced(last ?? (best ? extractAnswer(best, retrieval.profile, type) : null), retrieval, index);
  // A typo of a word the best paragraphs use ("قاءد" for "قائد", "الاعيبين") is not unknown.
  const focusUnknown = unseen && !misspeltNearby(focus, retrieval.hits.slice(0, TYPO_DEPTH), retrieveLang);
  const features = evidenceFeatures(retrieval, extract, type, focusUnknown);
  // A follow-up answered from the last answer's paragraph was already checked for its slot: it
  // skips the decline model, but not the veto: "وقديش جندي فرنسي هلق؟" asks about soldiers,
  // which the knowledge never names.
  // A name right after the very title asked ("مدعي الجمهورية … ريمي هيتس" for "اسم المدعي العام")
  // answers a "who" question however few of its other words the paragraph shares.
  const titled = !!extract && type === 'person' && !features.focusUnknown && namesAskedRole(reading.asked, extract.quote);
  const silent =
    !extract ||
    (last ? features.focusUnknown : shouldAbstain(features) && !titled) ||
    slotSilent(reading.asked, type, extract.quote) ||
    namesUnknownPlace(reading.text, index);
  return { reading, retrieval, extract, fromLast: last !== null, features, silent };
}

/**
 * "في أي يوم أعلنت فرنسا…": when the best candidate's quote holds no answer of the kind asked
 * and the next one, nearly as good, does, the next one is the answer: the slot decides between
 * close candidates, as a reader would look one paragraph further for the day.
 */
const SLOT_DEPTH = 4;
const SLOT_MIN_SHARE = 0.6;

function slotFirst(retrieval: Retrieval, question: string, type: AnswerType): Hit[] {
  const hits = retrieval.hits;
  const top = hits[0];
  if (!top || !SLOTTED.has(type)) return hits;
  // The quote each candidate would give, holding an answer of the kind asked (null when it holds none).
  const slotted = (hit: Hit) => {
    const extract = extractAnswer(hit, retrieval.profile, type);
    if (extract === null) return null;
    // A list is answered by an enumeration ("موريتانيا ومالي وبوركينا فاسو والنيجر وتشاد").
    if (type === 'list') return extract.isList || matchesType('list', normalizeForMatch(extract.quote)) ? extract : null;
    return slotSilent(question, type, extract.quote) ? null : extract;
  };
  // A person asked by title is the name after that title, not after another one the quote holds.
  const holds = (extract: Extract | null) => extract !== null && (type !== 'person' || namesAskedRole(question, extract.quote));
  // The best candidate keeps its place when its quote holds an answer of the kind asked (for a
  // person, even a name after another title: a lower candidate must name the very title to win).
  if (slotted(top) !== null) return hits;
  const at = hits.slice(1, SLOT_DEPTH).findIndex((h) => h.score >= SLOT_MIN_SHARE * top.score && holds(slotted(h)));
  return at < 0 ? hits : [hits[at + 1]!, ...hits.filter((_, i) => i !== at + 1)];
}
// Dates, persons asked by their title (a name after that same title) and lists (an enumeration):
// a count's number is checked against its noun elsewhere.
const SLOTTED = new Set<AnswerType>(['date', 'person', 'list']);

/** A quote that ends in a colon introduces what follows ("…بفضل الجهود التي بذلتها فرنسا وشركاؤها:"). */
const INTRODUCES = /[:：]["»”)]*\s*$/;

/**
 * A sentence ending in a colon announces its answer rather than giving it: the list or sentence
 * it introduces is the next paragraph of the document, and that is the quote.
 */
function introduced(extract: Extract | null, retrieval: Retrieval, index: KnowledgeIndex): Extract | null {
  if (!extract || extract.isList || !INTRODUCES.test(extract.quote)) return extract;
  const siblings = index.documents.get(extract.paragraph.document)?.paragraphs.filter((p) => !p.duplicateOf) ?? [];
  const next = siblings[siblings.findIndex((p) => p.id === extract.paragraph.id) + 1];
  if (!next || next.section !== extract.paragraph.section) return extract;
  const hit = retrieval.hits.find((h) => h.paragraph.id === next.id) ?? { ...extract.hit, paragraph: next };
  const following = extractAnswer(hit, retrieval.profile, 'list');
  return following ? { ...following, coverage: Math.max(following.coverage, extract.coverage) } : extract;
}

/**
 * "ما اسم العملية العسكرية في العراق؟", "من هو سفير فرنسا؟": the name asked for belongs to the
 * head noun or title, so a paragraph that never says "عملية" or "سفير" cannot hold it, however
 * well it matches the rest ("إجراءات فرنسا العسكرية في العراق"). Those that do move ahead, in
 * their order.
 */
const ANCHOR_DEPTH = 3;

function anchored(hits: Hit[], type: AnswerType, focus: string | null): Hit[] {
  if ((type !== 'name' && type !== 'person') || !focus) return hits;
  const holds = (hit: Hit) => coverage({ terms: [focus], weights: [1], total: 1 }, new Set(paragraphTerms(hit.paragraph))) >= 1;
  if (hits.length === 0 || holds(hits[0]!)) return hits;
  // Only among the first few: further down, the match is too weak to be the answer.
  const at = hits.slice(0, ANCHOR_DEPTH).findIndex(holds);
  return at < 0 ? hits : [hits[at]!, ...hits.filter((_, i) => i !== at)];
}

/**
 * "وش رأي أمريكا في القرار؟" over knowledge that never names America: whatever it says about the
 * resolution, it says nothing about America's view. A place the question names and the
 * knowledge never does (in any of its spellings: "سوريا" is "سورية" there) means silence.
 */
function namesUnknownPlace(question: string, index: KnowledgeIndex): boolean {
  return placesNamed(normalizeForMatch(question)).some((place) =>
    terms(place, 'ar').every((t) => [t, t.replace(/[اهي]+$/, ''), `${t}ي`].every((form) => form.length < 3 || index.frequency(form) === 0)),
  );
}

/** How many of the first candidates a misspelt focus word is looked for in. */
const TYPO_DEPTH = 3;

/**
 * Whether a paragraph among the first candidates has a word one letter away from the focus
 * (dropped, added, doubled or changed): chat and crowd-written questions misspell; a word the
 * knowledge truly lacks is further away than that.
 */
function misspeltNearby(focus: string, hits: Hit[], lang: Lang): boolean {
  if (focus.length < 3) return false;
  for (const hit of hits) for (const t of new Set(terms(hit.paragraph.text, lang))) if (t.length >= 3 && isTypo(focus, t)) return true;
  return false;
}

/**
 * Letters typed for one another: those told apart only by dots (ب ت ث ن ي, ج ح خ, ف ق, ع غ…),
 * the hamza seats and long vowels, ه and ة, ض and ظ. "جنود" is not a typo of "جهود": ن and ه are
 * not confused, so the consonants say a different word.
 */
const CONFUSED = ['بتثني', 'جحخ', 'دذ', 'رز', 'سش', 'صضظ', 'طظ', 'عغ', 'فق', 'اويء', 'هة'];
/**
 * The rows of the Arabic keyboard: a finger lands on the key beside the one meant ("اللفة" for
 * "اللغة": ف and غ are neighbours).
 */
const KEY_ROWS = ['ضصثقفغعهخحجد', 'شسيبلاتنمكط', 'ئءؤرىةوزظ'];
const neighbours = (a: string, b: string) =>
  KEY_ROWS.some((row) => row.includes(a) && row.includes(b) && Math.abs(row.indexOf(a) - row.indexOf(b)) === 1);
const confusable = (a: string, b: string) => CONFUSED.some((group) => group.includes(a) && group.includes(b)) || neighbours(a, b);

/** One letter dropped, added or doubled, two neighbours swapped, or one confusable letter changed. */
function isTypo(a: string, b: string): boolean {
  if (a === b) return false;
  if (Math.abs(a.length - b.length) === 1) {
    const [short, long] = a.length < b.length ? [a, b] : [b, a];
    for (let i = 0; i < long.length; i++) if (long.slice(0, i) + long.slice(i + 1) === short) return true;
    return false;
  }
  if (a.length !== b.length) return false;
  const diff = [...a].map((ch, i) => i).filter((i) => a[i] !== b[i]);
  if (diff.length === 1) return confusable(a[diff[0]!]!, b[diff[0]!]!);
  return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
}
