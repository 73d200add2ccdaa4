/**
 * A cold build's paragraph terms read in the embedding worker: it tokenises, stems and counts
 * each paragraph's terms and hands them back as numbers (a term is numbered where it is first
 * met), so the main thread only appends postings. Reading terms and counting them in a string
 * map were 40 of the main thread's 86 s CPU in a 100k-paragraph build. The postings, the term
 * order and the spelling variants come out exactly as `Bm25Index.add` and `learnWord` make them.
 */
import type { Paragraph } from '../knowledge/types.js';
import { grams, paragraphWords, type ParagraphText } from './analysis.js';
import type { Bm25Index } from './bm25.js';
import type { Posting } from './postings.js';
import { canLearn, type SpellingVariants } from './spelling.js';

/** What the worker reads of a paragraph (and of the one before it, when it goes on from it). */
export interface RowText extends ParagraphText {
  previous?: Pick<Paragraph, 'text' | 'lang'>;
}

/** A batch of paragraphs' terms, as numbers. */
export interface CountedRows {
  /** The terms first met in this batch, in the order met (numbered on from those before), joined by newlines. */
  names: string;
  /** Per paragraph: how many distinct terms it has. */
  distinct: Int32Array;
  /** Each paragraph's distinct terms in the order first met in it, one after another, and how often each comes. */
  ids: Int32Array;
  tfs: Int32Array;
  /** Per paragraph: its terms in all. */
  lengths: Int32Array;
  /** Token, stem, token, stem…, joined by newlines: per stem, the first token the spelling variants could learn. */
  words: string;
}

/** Reads batches of paragraphs' terms elsewhere, in order; null when it cannot, then and for every batch after (the caller reads them itself). */
export interface TermsReader {
  count(rows: RowText[]): Promise<CountedRows | null>;
}

/** Terms and words never hold a newline: they are letters and digits (and a gram's marks). */
const SEP = '\n';
const split = (joined: string) => (joined === '' ? [] : joined.split(SEP));

/**
 * The worker's side: numbers terms across the batches of one build. A word's grams are the
 * same wherever it comes, so they are made and looked up once a word (5 of 6 terms are grams).
 */
export class TermCounter {
  private readonly numbers = new Map<string, number>();
  /** Per term: how often in the paragraph being counted (zeroed after each). */
  private counts = new Int32Array(1 << 16);
  /** Per term: a word of it has been handed over for the spelling variants. */
  private learnt = new Uint8Array(1 << 16);
  /** Per word term: where its grams' numbers start in `gramIds`, and how many (0: not made yet). */
  private gramAt = new Int32Array(1 << 16);
  private gramCount = new Int32Array(1 << 16);
  private gramIds = new Int32Array(1 << 18);
  private gramsUsed = 0;
  private wordIds = new Int32Array(1024);
  /** The batch being counted: its new terms, and each paragraph's distinct terms with their counts. */
  private names: string[] = [];
  private ids = new Int32Array(1 << 16);
  private tfs = new Int32Array(1 << 16);
  private n = 0;

  count(rows: RowText[]): CountedRows {
    this.names = [];
    this.n = 0;
    const words: string[] = [];
    const distinct = new Int32Array(rows.length);
    const lengths = new Int32Array(rows.length);
    const tokens: string[] = [];
    const visit = (token: string) => void tokens.push(token);
    rows.forEach((row, r) => {
      tokens.length = 0;
      // The terms are these words, then each one's grams (as `paragraphTerms` makes them).
      const stems = paragraphWords(row, row.previous, visit, false);
      const from = this.n;
      if (stems.length > this.wordIds.length) this.wordIds = new Int32Array(stems.length * 2);
      let length = stems.length;
      for (let i = 0; i < stems.length; i++) {
        const id = this.add(stems[i]!);
        this.wordIds[i] = id;
        // The first words are the visited tokens' stems, in order. learnWord keeps a stem's first
        // learnable token and ignores the rest, so only that one is handed over.
        if (i < tokens.length && !this.learnt[id] && canLearn(tokens[i]!)) {
          this.learnt[id] = 1;
          words.push(tokens[i]!, stems[i]!);
        }
      }
      for (let i = 0; i < stems.length; i++) {
        const id = this.wordIds[i]!;
        if (this.gramCount[id] === 0) this.makeGrams(id, stems[i]!);
        const at = this.gramAt[id]!;
        const count = this.gramCount[id]!;
        for (let g = at; g < at + count; g++) this.addId(this.gramIds[g]!);
        length += count;
      }
      for (let k = from; k < this.n; k++) {
        this.tfs[k] = this.counts[this.ids[k]!]!;
        this.counts[this.ids[k]!] = 0;
      }
      distinct[r] = this.n - from;
      lengths[r] = length;
    });
    const { n } = this;
    return { names: this.names.join(SEP), distinct, ids: this.ids.slice(0, n), tfs: this.tfs.slice(0, n), lengths, words: words.join(SEP) };
  }

  /** Counts a term in the paragraph; returns its number. */
  private add(term: string): number {
    let id = this.numbers.get(term);
    if (id === undefined) {
      id = this.numbers.size;
      this.numbers.set(term, id);
      this.names.push(term);
      if (id === this.counts.length) this.grow();
    }
    this.addId(id);
    return id;
  }

  private addId(id: number): void {
    if (this.counts[id] === 0) {
      if (this.n === this.ids.length) {
        this.ids = copyInto(new Int32Array(this.n * 2), this.ids);
        this.tfs = copyInto(new Int32Array(this.n * 2), this.tfs);
      }
      this.ids[this.n++] = id;
    }
    this.counts[id]!++;
  }

  /** Numbers a word's grams, met here first: new ones take their numbers in the order `paragraphTerms` meets them. */
  private makeGrams(id: number, word: string): void {
    const made = grams([word]);
    const ids = made.map((gram) => {
      let g = this.numbers.get(gram);
      if (g === undefined) {
        g = this.numbers.size;
        this.numbers.set(gram, g);
        this.names.push(gram);
        if (g === this.counts.length) this.grow();
      }
      return g;
    });
    if (this.gramsUsed + ids.length > this.gramIds.length) {
      this.gramIds = copyInto(new Int32Array((this.gramsUsed + ids.length) * 2), this.gramIds);
    }
    this.gramIds.set(ids, this.gramsUsed);
    this.gramAt[id] = this.gramsUsed;
    this.gramCount[id] = ids.length;
    this.gramsUsed += ids.length;
  }

  private grow(): void {
    const size = this.counts.length * 2;
    this.counts = copyInto(new Int32Array(size), this.counts);
    this.learnt = copyInto(new Uint8Array(size), this.learnt);
    this.gramAt = copyInto(new Int32Array(size), this.gramAt);
    this.gramCount = copyInto(new Int32Array(size), this.gramCount);
  }
}

function copyInto<T extends Int32Array | Uint8Array>(to: T, from: T): T {
  to.set(from);
  return to;
}

/** The main thread's side: the worker's term numbers as this index's postings, over the batches of one build. */
export class CountedTerms {
  private readonly postings: Posting[] = [];
  private readonly row: Posting[] = [];

  constructor(
    private readonly bm25: Bm25Index,
    private readonly spelling: SpellingVariants,
  ) {}

  /** Takes a batch's new terms (in the order `add` would have met them) and words; returns a cursor adding its paragraphs in order. */
  take(counted: CountedRows): () => number {
    for (const name of split(counted.names)) this.postings.push(this.bm25.postingOf(name));
    const words = split(counted.words);
    for (let i = 0; i < words.length; i += 2) this.spelling.learnWord(words[i]!, words[i + 1]!);
    const { distinct, ids, tfs, lengths } = counted;
    let r = 0;
    let at = 0;
    return () => {
      const n = distinct[r]!;
      this.row.length = n;
      for (let k = 0; k < n; k++) this.row[k] = this.postings[ids[at + k]!]!;
      const row = this.bm25.addCounted(this.row, tfs, at, lengths[r]!);
      at += n;
      r++;
      return row;
    };
  }
}
