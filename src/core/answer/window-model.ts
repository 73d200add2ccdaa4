import model from './window-model.json' with { type: 'json' };
import { coverage, type QueryProfile } from '../retrieve/coverage.js';
import { stem } from '../text/index.js';
import { matchesType, slotFit, type AnswerType } from './slots.js';

const stemOf = (word: string) => stem(word, 'ar');

/**
 * Which grown window of a paragraph to quote: a linear model over a few scale-free features,
 * fitted by `npm run fit-windows` (scripts/fit-windows.ts) on ARCD's training half, where the
 * right window is the one that contains the gold answer; never set by hand. The features say
 * how much of the question the quote covers (the words the question shares with it, the title's
 * words counting half), whether it holds the kind of answer asked for, how much it says beyond
 * the question (the answer is what the question does not already say), and its shape.
 */
export const WINDOW_FEATURES = [
  'coverageGrown',
  'coverageCore',
  'typedGrown',
  'typedCore',
  'novelty',
  'length',
  'opensParagraph',
  'sentences',
  'coreLeads',
  'coreCloses',
  'slotFit',
] as const;

export interface WindowModel {
  features: readonly string[];
  weights: number[];
}

/** What the model reads of a paragraph prepared for extraction (extractive.ts's `Prepared`). */
export interface PreparedClauses {
  clauses: readonly { start: number; end: number }[];
  /** The sentence each clause belongs to. */
  sentenceOf: readonly number[];
  clauseTerms: readonly (readonly string[])[];
  clauseNormal: readonly string[];
  context: ReadonlySet<string>;
}

export interface WindowInput {
  prepared: PreparedClauses;
  profile: QueryProfile;
  /** The profile with the document title's words at half weight. */
  local: QueryProfile;
  type: AnswerType;
  /** The grown window's clauses. */
  from: number;
  to: number;
  grownTerms: Set<string>;
  /** The window before growing (where the question's words are). */
  coreFrom: number;
  coreTo: number;
}

/** A quote of this many characters counts as one unit of length. */
const LENGTH_UNIT = 300;

export function windowFeatures(w: WindowInput): number[] {
  const { prepared } = w;
  const coreTerms = new Set(prepared.context);
  for (let c = w.coreFrom; c <= w.coreTo; c++) for (const t of prepared.clauseTerms[c]!) coreTerms.add(t);
  const typedAsked = w.type !== 'other' && w.type !== 'list';
  const grownNormal = prepared.clauseNormal.slice(w.from, w.to + 1).join(' ');
  const coreNormal = prepared.clauseNormal.slice(w.coreFrom, w.coreTo + 1).join(' ');
  const asked = new Set(w.profile.terms);
  let own = 0;
  let fresh = 0;
  for (let c = w.from; c <= w.to; c++) {
    for (const t of prepared.clauseTerms[c]!) {
      own++;
      if (!asked.has(t)) fresh++;
    }
  }
  const length = prepared.clauses[w.to]!.end - prepared.clauses[w.from]!.start;
  return [
    coverage(w.local, w.grownTerms),
    coverage(w.local, coreTerms),
    typedAsked && matchesType(w.type, grownNormal) ? 1 : 0,
    typedAsked && matchesType(w.type, coreNormal) ? 1 : 0,
    own === 0 ? 0 : fresh / own,
    length / LENGTH_UNIT,
    w.from === 0 ? 1 : 0,
    new Set(prepared.sentenceOf.slice(w.from, w.to + 1)).size,
    w.coreFrom === w.from ? 1 : 0,
    w.coreTo === w.to ? 1 : 0,
    slotFit(w.type, grownNormal, asked, stemOf) ? 1 : 0,
  ];
}

export function windowScore(features: number[], m: WindowModel = model as WindowModel): number {
  let score = 0;
  for (let i = 0; i < features.length; i++) score += (m.weights[i] ?? 0) * features[i]!;
  return score;
}
