import calibration from './calibration.json' with { type: 'json' };
import type { Retrieval } from '../retrieve/retriever.js';
import { paragraphCoverage } from '../retrieve/retriever.js';
import type { Extract } from './extractive.js';
import { matchesType, type AnswerType } from './question.js';
import { normalizeForMatch } from '../text/index.js';

/**
 * Whether the knowledge answers the question, as a probability from a logistic model over a few
 * scale-free features of the best evidence. The weights and the threshold are fitted on data by
 * `npm run calibrate` (scripts/calibrate.ts), never set by hand: ARCD questions with their own
 * paragraph present are answerable; the same questions with every paragraph holding the answer
 * held out, ARCD questions against the article, and the article's questions against ARCD are
 * not. The threshold answers 95% of the answerable ones.
 */
export interface AbstainFeatures {
  /** IDF-weighted share of the question's terms found in the best paragraph (with title, section). */
  paragraphCoverage: number;
  /** The same share for the quoted clause window alone. */
  quoteCoverage: number;
  /** Share of the question's weight carried by terms the knowledge never uses. */
  unknownMass: number;
  /**
   * The paragraph coverage of the question's words the knowledge uses: chat asks with words of
   * its own ("ينزل الراتب" for "يُصرف الراتب") that no paragraph has, which says less about
   * whether the knowledge answers than the words it does know.
   */
  knownCoverage: number;
  /** Cosine similarity of the question and the best paragraph. */
  cosine: number;
  /** Number of distinct content terms in the question. */
  termCount: number;
  /** The question wants a date or a number and the quote holds none. */
  typeMismatch: boolean;
  /**
   * The thing asked about ("راتب" in "ما راتب السفير", see questionFocus) is a word the
   * knowledge never uses. Not a model feature but a veto: nothing can answer it. (As a fitted
   * feature, "missing from the best paragraph" got no weight on ARCD, whose crowd-written
   * questions paraphrase and misspell freely.)
   */
  focusUnknown: boolean;
}

export const FEATURE_ORDER = [
  'paragraphCoverage',
  'quoteCoverage',
  'knownCoverage',
  'unknownMass',
  'cosine',
  'termCount',
  'typeMismatch',
] as const;

export interface AbstainModel {
  weights: number[];
  bias: number;
  threshold: number;
}

export function featureVector(f: AbstainFeatures): number[] {
  return [
    f.paragraphCoverage,
    f.quoteCoverage,
    f.knownCoverage,
    f.unknownMass,
    f.cosine,
    Math.log(1 + f.termCount),
    f.typeMismatch ? 1 : 0,
  ];
}

export function answerProbability(f: AbstainFeatures, model: AbstainModel = calibration as AbstainModel): number {
  const x = featureVector(f);
  let z = model.bias;
  for (let i = 0; i < x.length; i++) z += (model.weights[i] ?? 0) * x[i]!;
  return 1 / (1 + Math.exp(-z));
}

export function shouldAbstain(f: AbstainFeatures, model: AbstainModel = calibration as AbstainModel): boolean {
  if (f.termCount === 0 || f.focusUnknown) return true;
  return answerProbability(f, model) < model.threshold;
}

/** The features of a retrieval and its best extract, as the model and the calibration see them. */
export function evidenceFeatures(
  retrieval: Retrieval,
  extract: Extract | null,
  type: AnswerType = 'other',
  focusUnknown = false,
): AbstainFeatures {
  const hit = extract?.hit ?? retrieval.hits[0];
  const { profile } = retrieval;
  const known = profile.terms.map((t, i) => (retrieval.unknown.has(t) ? 0 : profile.weights[i]!));
  const knownProfile = { ...profile, weights: known, total: known.reduce((a, b) => a + b, 0) };
  return {
    paragraphCoverage: hit ? paragraphCoverage(retrieval.profile, hit) : 0,
    knownCoverage: hit && knownProfile.total > 0 ? paragraphCoverage(knownProfile, hit) : 0,
    quoteCoverage: extract?.coverage ?? 0,
    unknownMass: retrieval.unknownMass,
    cosine: hit?.cosine ?? 0,
    termCount: retrieval.profile.terms.length,
    typeMismatch: (type === 'date' || type === 'number') && !!extract && !matchesType(type, normalizeForMatch(extract.quote)),
    focusUnknown,
  };
}
