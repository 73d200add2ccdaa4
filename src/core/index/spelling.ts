import { isStopWord, stem, tokenize, type Lang } from '../text/index.js';

/**
 * Arabic spelling variants of the knowledge's own words. Chat writes long vowels and hamza
 * freely, above all in foreign names: "بارخان" for "برخان", "شامال" for "شمال", "قاءد" for
 * "قائد". Two words are variants when they agree once the vowel letters and hamza (ا و ي ى ء)
 * are taken out. Only a question word the knowledge never uses is replaced, and only by the
 * commonest variant the knowledge does use: consonants never change, so "جنود" is not read as
 * "جهود", and a detail the knowledge lacks stays unknown; nor does the first letter, since an
 * initial alef marks a word pattern ("أمثلة", examples, is not "مثل").
 */
const ARABIC = /^[\u0600-\u06FF]+$/;
const VOWELS_AND_HAMZA = /[اويىء]/g;
/** Shorter words have too many neighbours to guess between. */
const MIN_LENGTH = 4;
const MIN_SKELETON = 3;

/** Whether `learnWord` could learn a token (its stem aside): what a worker checks before handing one over. */
export function canLearn(token: string): boolean {
  return token.length >= MIN_LENGTH && ARABIC.test(token);
}

export function skeleton(stemmed: string): string {
  return stemmed.replace(VOWELS_AND_HAMZA, '');
}

export class SpellingVariants {
  /** Skeleton → stem → a surface form of it, as written in the knowledge. */
  private readonly bySkeleton = new Map<string, Map<string, string>>();

  /** Remembers one word of the knowledge (a content token and its stem, as the index reads them). */
  learnWord(token: string, stemmed: string): void {
    if (!canLearn(token)) return;
    const key = skeleton(stemmed);
    if (key.length < MIN_SKELETON) return;
    let forms = this.bySkeleton.get(key);
    if (!forms) this.bySkeleton.set(key, (forms = new Map()));
    if (!forms.has(stemmed)) forms.set(stemmed, token);
  }

  /** Every skeleton with its stems and forms, in the order they were learnt (for a snapshot). */
  exportState(): [string, [string, string][]][] {
    return [...this.bySkeleton].map(([key, forms]) => [key, [...forms]]);
  }

  static fromState(state: [string, [string, string][]][]): SpellingVariants {
    const out = new SpellingVariants();
    for (const [key, forms] of state) out.bySkeleton.set(key, new Map(forms));
    return out;
  }

  /** Other known stems written with the same consonants and first letter ("حرب" → "حروب"). */
  variantsOf(stemmed: string): string[] {
    const key = skeleton(stemmed);
    if (key.length < MIN_SKELETON) return [];
    const forms = this.bySkeleton.get(key);
    return forms ? [...forms.keys()].filter((k) => k !== stemmed && k[0] === stemmed[0]) : [];
  }

  /**
   * The text with each unknown Arabic word replaced by the commonest known variant, if any.
   * `frequency` says how many live paragraphs use a stem (0 when none do, e.g. removed text).
   */
  correct(text: string, lang: Lang, frequency: (stemmed: string) => number): { text: string; changed: boolean } {
    let changed = false;
    const words = tokenize(text).map((token) => {
      if (token.length < MIN_LENGTH || !ARABIC.test(token) || isStopWord(token)) return token;
      const stemmed = stem(token, lang);
      if (frequency(stemmed) > 0) return token;
      const forms = this.bySkeleton.get(skeleton(stemmed));
      if (!forms) return token;
      let best: { form: string; df: number } | null = null;
      for (const [known, form] of forms) {
        // The first letter stays: an initial alef or hamza marks a pattern ("أمثلة" is not "مثل").
        if (known[0] !== stemmed[0]) continue;
        const df = frequency(known);
        if (df > 0 && (!best || df > best.df)) best = { form, df };
      }
      if (!best) return token;
      changed = true;
      return best.form;
    });
    return { text: changed ? words.join(' ') : text, changed };
  }
}
