import { extractAnswer, type Extract } from '../answer/extractive.js';
import { matchesType, slotFit, type AnswerType } from '../answer/slots.js';
import type { Hit, KnowledgeIndex } from '../index/knowledge-index.js';
import { paragraphTerms } from '../index/knowledge-index.js';
import { coverage, type QueryProfile } from '../retrieve/coverage.js';
import type { Retrieval } from '../retrieve/retriever.js';
import { normalizeForMatch, stem, terms, type Lang } from '../text/index.js';
import type { FollowUp, Reading } from './read.js';

/**
 * A follow-up is first read against where the last answer came from: "ومتى انعقد؟" after the
 * Paris conference is about that paragraph's date, "وكم دولة شاركت فيه؟" about its count. The
 * question's own words decide whether it moved on: when most of what it names (by weight) is
 * absent from the last answer's paragraph and its neighbours, it is about something else
 * ("طيب وشو صار باجتماع مجلس الأمن بنيويورك؟"), and retrieval answers it.
 */
const MOVED_ON_SHARE = 0.5;

export function movedOn(reading: Reading, followUp: FollowUp, lang: Lang, index: KnowledgeIndex): boolean {
  const own = [...new Set(terms(reading.text, lang))].filter((t) => index.idf(t) > 0);
  if (own.length === 0) return false;
  const local = new Set(followUp.local.flatMap((p) => paragraphTerms(p)));
  const uncovered = 1 - coverage(weighted(own, index), local);
  // A pronoun pointing back ("فيه", "ذلك") keeps it on the last subject unless nothing it names is there.
  return followUp.anaphoric ? uncovered >= 1 : uncovered >= MOVED_ON_SHARE;
}

/**
 * The answer from the last answer's paragraph or its neighbours, when one of them holds the
 * kind of thing asked (a date for "ومتى؟", a number for "وكم؟") for the event the question
 * names, or, for other questions, some of the question's own words; null sends the question to
 * retrieval. Inside the last answer's paragraphs the subject is given: the question's own words
 * choose the sentence ("ومتى توسعت لتشمل سورية؟" → the sentence about Syria).
 */
export function answerFromLastParagraph(
  reading: Reading,
  followUp: FollowUp,
  retrieval: Retrieval,
  lang: Lang,
  index: KnowledgeIndex,
): Extract | null {
  const scored = new Map(retrieval.hits.map((h) => [h.paragraph.id, h]));
  const subject = new Set(terms(followUp.subject, lang));
  const ownTerms = [...new Set(terms(reading.text, lang))].filter((t) => !subject.has(t));
  const own = ownTerms.length > 0 ? withUnknown(weighted(ownTerms, index, 1), retrieval.profile) : retrieval.profile;
  const asked = new Set(retrieval.profile.terms);
  const ownKnown = ownTerms.some((t) => index.idf(t) > 0);
  const localIds = new Set(followUp.local.map((p) => p.id));
  // What the rest of the knowledge offers for the question's own words: a local paragraph must
  // do about as well, or the question has moved to where those words are ("وقديش مرسل رصدوا؟").
  const elsewhere = Math.max(
    0,
    ...retrieval.hits.filter((h) => !localIds.has(h.paragraph.id)).map((h) => coverage(own, new Set(paragraphTerms(h.paragraph)))),
  );
  let best: { extract: Extract; score: number } | null = null;
  followUp.local.forEach((paragraph, order) => {
    const hit: Hit = scored.get(paragraph.id) ?? { paragraph, score: retrieval.hits[0]?.score ?? 0, bm25: 0, cosine: 0 };
    const extract = extractAnswer(hit, own, reading.type);
    if (!extract) return;
    const quote = normalizeForMatch(extract.quote);
    const quoteTerms = new Set(terms(extract.quote, paragraph.lang));
    const covered = coverage(own, quoteTerms);
    const here = coverage(own, new Set(paragraphTerms(paragraph)));
    let fits: boolean;
    if (isTyped(reading.type)) {
      // The slot must belong to the event asked about: a number next to the noun counted, or a
      // paragraph that names what the question names about as well as any other.
      const close = slotFit(reading.type, quote, asked, (w) => stem(w, lang));
      // A paragraph without any of the words the question adds ("ومن يتولى رئاسة مجلس الأمن؟")
      // is not where its slot is, however well a name or date of its own fits.
      fits =
        matchesType(reading.type, quote) && ((close && !ownKnown) || here >= elsewhere - ELSEWHERE_MARGIN) && !(ownKnown && here === 0);
    } else {
      fits = covered > 0 && here >= elsewhere - ELSEWHERE_MARGIN;
    }
    // The last answer's own paragraph first, then its neighbours; a closer fit wins.
    const score = covered - order * NEIGHBOUR_PENALTY;
    if (fits && (!best || score > best.score)) best = { extract, score };
  });
  return best ? (best as { extract: Extract }).extract : null;
}

/** A neighbouring paragraph must cover a little more of the question than the last answer's own. */
const NEIGHBOUR_PENALTY = 0.05;

/** How much better another paragraph may cover the question's own words before it wins. */
const ELSEWHERE_MARGIN = 0.1;

function weighted(words: string[], index: KnowledgeIndex, unknownWeight = 0): QueryProfile {
  const weights = words.map((t) => index.idf(t) || unknownWeight);
  return { terms: words, weights, total: weights.reduce((a, b) => a + b, 0) };
}

/** Unknown words keep their root matching ("يتبنى" finds "تبني") and the weight retrieval gave them. */
function withUnknown(profile: QueryProfile, full: QueryProfile): QueryProfile {
  const weights = profile.terms.map((t, i) => {
    const at = full.terms.indexOf(t);
    return at >= 0 ? full.weights[at]! : profile.weights[i]!;
  });
  return { ...profile, weights, total: weights.reduce((a, b) => a + b, 0), unknown: full.unknown };
}

function isTyped(type: AnswerType): boolean {
  return type !== 'other' && type !== 'list';
}
