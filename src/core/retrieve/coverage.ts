import { terms, type Lang } from '../text/index.js';
import { rootSkeleton, sameDerivedForm } from '../text/root.js';

/**
 * How much of a question a piece of text covers: the IDF-weighted share of the question's
 * terms found in it. Morphology a light stemmer leaves apart ("ولد" / "ولادته") counts half
 * when one form is a prefix of the other. This is the signal both reranking and abstention
 * rest on: an answer-bearing paragraph covers the question's rare words, together.
 */
export type IdfLookup = (term: string) => number;

export interface QueryProfile {
  terms: string[];
  weights: number[];
  total: number;
  /**
   * Terms the knowledge never uses as written: only these may match by root skeleton, so a
   * chat verb finds the text's noun ("توسعت" / "توسيع") while a word the text has keeps its
   * own meaning ("شاركت" is not "شركائها").
   */
  unknown?: Set<string>;
}

/** Weight of a term the knowledge has never seen: as rare as a term can be. */
export function profileQuery(text: string, lang: Lang, idf: IdfLookup, maxIdf: number): QueryProfile {
  const unique = [...new Set(terms(text, lang))];
  const weights = unique.map((t) => idf(t) || maxIdf);
  return { terms: unique, weights, total: weights.reduce((a, b) => a + b, 0), unknown: new Set(unique.filter((t) => !idf(t))) };
}

const PROCLITIC = /^[لبكفو]/;
const IMPERFECT = /^[يتن]/;

function fuzzyHas(set: Set<string>, term: string): number {
  if (set.has(term)) return 1;
  if (term.length < 3) return 0;
  for (const other of set) {
    if (other.length < 3) continue;
    // The same verb in another person or gender: "تحد سوريا" asks what "يحدها" says.
    if (other.length === term.length && IMPERFECT.test(other) && IMPERFECT.test(term) && other.slice(1) === term.slice(1)) return 1;
    const [short, long] = other.length < term.length ? [other, term] : [term, other];
    // One proclitic letter apart ("لمكافح" / "مكافح") is the same word.
    if (long.length === short.length + 1 && long.endsWith(short) && PROCLITIC.test(long) && short.length >= 3) return 1;
    // Or a final alef apart: the accusative tanween written without its mark ("فرنسيا").
    if (long.length === short.length + 1 && long.startsWith(short) && long.endsWith('ا') && short.length >= 3) return 1;
    if (long.startsWith(short) && short.length >= 3 && long.length - short.length <= 3) return 0.5;
    // The future particle: "سيقدم" is "يقدم" (the dialects say "هيقدم", "رح يقدم").
    if (long.length === short.length + 1 && long.startsWith('س') && long.endsWith(short) && IMPERFECT.test(short)) return 1;
    // A verb and its noun: the imperfect prefix apart ("يتبني" / "تبني", "تدعم" / "دعم").
    if (long.length === short.length + 1 && long.endsWith(short) && IMPERFECT.test(long) && short.length >= 3) return 0.5;
    if (sameDerivedForm(term, other)) return 0.5;
  }
  return 0;
}

/** A match by root skeleton counts less than a match by stem: the word may differ in meaning. */
const ROOT_MATCH = 0.5;

export function coverage(profile: QueryProfile, textTerms: Set<string>): number {
  if (profile.total === 0) return 0;
  let got = 0;
  const unmatched: number[] = [];
  for (let i = 0; i < profile.terms.length; i++) {
    const match = fuzzyHas(textTerms, profile.terms[i]!);
    got += profile.weights[i]! * match;
    if (match === 0 && profile.unknown?.has(profile.terms[i]!)) unmatched.push(i);
  }
  if (unmatched.length > 0) {
    // A word the text already gave to another question word ("شمال" for "شمال") is not also
    // the root of this one ("لتشمل").
    const used = new Set(profile.terms);
    const roots = new Set<string>();
    for (const t of textTerms) if (!used.has(t)) roots.add(rootSkeleton(t) ?? '');
    for (const i of unmatched) {
      // A leading "و" the stemmer read as the conjunction may be the root's first letter
      // ("وسعوها" → "سعو", of وسع): a question word too short for a skeleton gets it back.
      const term = profile.terms[i]!;
      const root = rootSkeleton(term) ?? (term.length === 3 ? rootSkeleton(`و${term}`) : null);
      if (root !== null && roots.has(root)) got += profile.weights[i]! * ROOT_MATCH;
    }
  }
  return got / profile.total;
}
