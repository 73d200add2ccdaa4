import type { KnowledgeDocument, Paragraph } from '../knowledge/types.js';
import { terms } from '../text/index.js';
import type { Lang } from '../text/index.js';
import { bm25Idf, type Bm25Pieces } from './bm25.js';
import type { Embedder } from './embedder.js';
import { paragraphTerms, queryTerms, withoutProclitic } from './analysis.js';
import { FUSION, fuse } from './fusion.js';
import {
  buildParts,
  chunksOf,
  paragraphsOf,
  putParagraphs,
  putTitles,
  titlesOf,
  type PreparedDocuments,
  type PreparedParagraph,
} from './index-input.js';
import { vectorTop, withCandidates } from './paragraph-cosines.js';
import { searching } from './search-gate.js';
import type { TermsReader } from './row-terms.js';
import { emptyParts, exportIndexState, restoringParts, type IndexParts, type IndexState } from './index-state.js';
import { expandProclitics, expandVowelVariants, frequencyWithProclitics } from './query-expansion.js';
import { nextTurn, runAtOnce, runSliced, type Steps } from './steps.js';

export { CHUNK_CHARS, grams, paragraphTerms, queryTerms, withoutProclitic } from './analysis.js';
export { FUSION } from './fusion.js';
export type { IndexState } from './index-state.js';
export type { PreparedDocuments } from './index-input.js';

/** Results a search returns when the caller does not say (the answer pipeline asks for its own k). */
export const DEFAULT_SEARCH_K = 8;
/** BM25 candidates for fusion, far more than k: fusion and the rerank lift paragraphs BM25 ranks low. */
const BM25_CANDIDATES_PER_K = 25;
const MIN_BM25_CANDIDATES = 200;
/** The vector search's own best join them, so a paraphrase sharing no word still reaches fusion. */
const VECTOR_CANDIDATES_PER_K = 4;
const MIN_VECTOR_CANDIDATES = 50;
/** Paragraphs prepared between two event-loop turns while indexing (a few ms of work). */
const SLICE = 32;
/** locate() checks this many best BM25 matches. */
const LOCATE_CANDIDATES = 3;
/** A quote's paragraph holds its words: an extract all of them, a model's answer most. */
const LOCATE_MIN_SHARE = 0.6;

export interface Hit {
  paragraph: Paragraph;
  /** The fused score used for ranking, in [0, 1]-ish, the document's lift included. */
  score: number;
  /**
   * What the score was multiplied by for the document as a whole (its title named in the
   * question): the same for every paragraph of a document, so steps that weigh paragraphs of
   * one document against each other can take it out. 1 when absent.
   */
  lift?: number;
  bm25: number;
  cosine: number;
}

export interface SearchOptions {
  k?: number;
  collections?: string[];
  /** Extra weighted terms, e.g. from the conversation so far. */
  context?: Map<string, number>;
  /** Paragraph ids to leave out (calibration holds the answer-bearing paragraph out). */
  exclude?: Set<string>;
}

/**
 * The searchable knowledge: BM25 over stemmed terms and a dense vector index over embedded
 * chunks, both keyed by paragraph row, fused at query time. Documents can be replaced one at
 * a time while the index serves.
 */
export class KnowledgeIndex {
  readonly documents: Map<string, KnowledgeDocument>;
  private readonly parts: IndexParts;
  private readonly df = (term: string) => this.documentFrequency(term);

  constructor(
    readonly embedder: Embedder,
    parts: IndexParts = emptyParts(),
  ) {
    this.parts = parts;
    this.documents = parts.documents;
  }

  get size(): number {
    return this.parts.bm25.size;
  }

  /**
   * Makes what makes searches fast on a big index (the vectors' int8 copy, every posting's skip
   * blocks and bound), in slices between other work; resolves when it is done. Searches are
   * exact meanwhile, only slower.
   */
  async prepareSearch(): Promise<void> {
    await this.parts.vectors.prepareCompactScan();
    await runSliced(this.parts.bm25.summarising());
  }

  paragraph(id: string): Paragraph | null {
    return this.parts.paragraphs.byParagraphId(id);
  }

  /** Every indexed paragraph, in row order. */
  paragraphs(): Paragraph[] {
    return this.parts.paragraphs.live();
  }

  languages(collections?: string[]): Lang[] {
    const langs = new Set<Lang>();
    for (const doc of this.documents.values()) if (!collections || collections.includes(doc.collection)) langs.add(doc.lang);
    return [...langs];
  }

  async addDocuments(docs: KnowledgeDocument[], onProgress?: (done: number, total: number) => void): Promise<void> {
    this.apply(await this.prepare(docs, onProgress));
  }

  /**
   * Fills an empty index that nobody queries yet (a start, a worker's build): the same index
   * `addDocuments` makes, built a batch of paragraphs at a time (see `buildParts`); `terms` reads
   * the paragraphs' terms in a worker thread.
   */
  async build(docs: KnowledgeDocument[], onProgress?: (done: number, total: number) => void, terms?: TermsReader): Promise<void> {
    if (this.parts.paragraphs.length > 0 || this.documents.size > 0) throw new RangeError('build needs an empty index');
    await buildParts(this.parts, this.embedder, docs, onProgress, terms);
  }

  /**
   * The work of indexing documents that touches nothing the index serves (chunks, vectors and,
   * with `terms`, each paragraph's terms), a few dozen paragraphs at a time with event-loop turns
   * between them, so questions are answered meanwhile. Terms are kept for a refresh, which must
   * go in at once; a first build, which nobody queries yet, makes them in `apply` and keeps
   * memory low.
   */
  async prepare(
    docs: KnowledgeDocument[],
    onProgress?: (done: number, total: number) => void,
    options: { terms?: boolean } = {},
  ): Promise<PreparedDocuments> {
    const { titleWords, titleTerms } = titlesOf(docs);
    const pending: PreparedParagraph[] = [];
    for (const { paragraph, previous } of paragraphsOf(docs)) {
      const item: PreparedParagraph = { paragraph, previous, chunks: await chunksOf(paragraph) };
      if (options.terms) {
        const words: [string, string][] = [];
        item.terms = paragraphTerms(paragraph, previous, (token, stemmed) => words.push([token, stemmed]), false);
        item.words = words;
      }
      pending.push(item);
      if (pending.length % SLICE === 0) await nextTurn();
    }
    const texts = pending.flatMap((p) => p.chunks);
    const vectors = await this.embedder.embedDocuments(texts, onProgress);
    return { docs, titleTerms, titleWords, pending, vectors };
  }

  /**
   * Puts prepared documents in place of their earlier versions in one synchronous step: a
   * question sees the old version or the new one, never a mix or a gap.
   */
  apply(prepared: PreparedDocuments): void {
    const { docs, titleTerms, titleWords, pending, vectors } = prepared;
    this.removeDocuments(docs.map((d) => d.document));
    putTitles(this.parts, docs, titleTerms, titleWords);
    putParagraphs(this.parts, pending, vectors);
  }

  /** The whole index as plain data (for a worker to hand its build over). */
  exportState(): IndexState {
    return exportIndexState(this.parts);
  }

  /** The same, its postings as views of the index's own arrays: write it before the index changes. */
  snapshotState(): IndexState<Bm25Pieces> {
    return exportIndexState(this.parts, 'pieces');
  }

  /** An index exactly as exported: same rows, same order, same scores. */
  static fromState(embedder: Embedder, state: IndexState): KnowledgeIndex {
    return runAtOnce(KnowledgeIndex.restoring(embedder, state));
  }

  /** `fromState` in slices with event-loop turns between them, for an index built while serving. */
  static restore(embedder: Embedder, state: IndexState): Promise<KnowledgeIndex> {
    return runSliced(KnowledgeIndex.restoring(embedder, state));
  }

  private static *restoring(embedder: Embedder, state: IndexState): Steps<KnowledgeIndex> {
    return new KnowledgeIndex(embedder, yield* restoringParts(state));
  }

  /** The embedding cache keys of every chunk indexed now. */
  embeddingKeys(): string[] {
    const { vectors } = this.parts;
    const keys: string[] = [];
    for (let row = 0; row < vectors.size; row++) keys.push(vectors.metadata(row)!.key as string);
    return keys;
  }

  removeDocument(document: string): void {
    this.removeDocuments([document]);
  }

  /** Removes documents in one pass over the postings and one over the vectors. */
  removeDocuments(documents: string[]): void {
    const { bm25, paragraphs, vectors, titles } = this.parts;
    const gone = new Set(documents.filter((d) => this.documents.has(d) || paragraphs.has(d)));
    if (gone.size === 0) return;
    bm25.removeRows(paragraphs.remove(gone));
    vectors.removeWhere((metadata) => gone.has(metadata.document as string));
    for (const document of gone) {
      this.documents.delete(document);
      titles.remove(document);
    }
  }

  /** Paragraphs using a stemmed term, a title counting for each paragraph of its document. */
  private documentFrequency(term: string): number {
    let df = this.parts.bm25.df(term);
    for (const doc of this.parts.titles.documentsWith(term)) df += this.parts.paragraphs.countOf(doc);
    return df;
  }

  /** Inverse document frequency over paragraphs, a title counting in each of its document's. */
  private idfOf(term: string): number {
    return bm25Idf(this.documentFrequency(term), this.size);
  }

  /** Inverse document frequency of a stemmed term in this index (0 when absent). */
  idf(term: string): number {
    return this.parts.bm25.idf(term) || this.parts.bm25.idf(withoutProclitic(term) ?? '');
  }

  /** How many live paragraphs use a stemmed term, as is or with / without a one-letter proclitic. */
  frequency(term: string): number {
    return frequencyWithProclitics(term, this.df);
  }

  /**
   * The paragraph a text was taken from (the bot's last answer, when a follow-up leans on it):
   * the best BM25 match of its words, when that paragraph holds most of them.
   */
  locate(text: string, lang: Lang = 'ar'): Paragraph | null {
    const { bm25, paragraphs } = this.parts;
    const words = new Set(terms(text, lang));
    if (words.size === 0) return null;
    const query = new Map([...words].map((t) => [t, 1]));
    let best: { row: number; score: number } | null = null;
    for (const [row, score] of bm25.scores(query, this.rowFilter({}), LOCATE_CANDIDATES)) {
      if (!best || score > best.score) best = { row, score };
    }
    const paragraph = best ? paragraphs.at(best.row) : null;
    if (!paragraph) return null;
    const own = new Set(terms(paragraph.text, paragraph.lang));
    const held = [...words].filter((t) => own.has(t)).length;
    return held / words.size >= LOCATE_MIN_SHARE ? paragraph : null;
  }

  /**
   * Which rows a search may return, asked of each row still in the running; none without a
   * filter: every row BM25 and the vectors hold is a live paragraph (a document leaves all three
   * at once), and at 1M paragraphs each ask read a paragraph object a cache miss away (BM25 2.5 of
   * 30 ms a question).
   */
  private rowFilter({ collections, exclude }: Pick<SearchOptions, 'collections' | 'exclude'>): ((row: number) => boolean) | undefined {
    if (!collections && !exclude) return undefined;
    const { paragraphs } = this.parts;
    return (row) => {
      const p = paragraphs.at(row);
      return !!p && (!collections || collections.includes(p.collection)) && (!exclude || !exclude.has(p.id));
    };
  }

  /** The question with words the knowledge never uses respelt as the knowledge writes them. */
  respell(text: string, lang: Lang): string {
    return this.parts.spelling.correct(text, lang, (term) => this.frequency(term)).text;
  }

  /** The `k` best paragraphs for a question; an index worker building meanwhile waits (search-gate.ts). */
  search(text: string, lang: Lang, options: SearchOptions = {}): Promise<Hit[]> {
    return searching(() => this.searchNow(text, lang, options));
  }

  private async searchNow(text: string, lang: Lang, options: SearchOptions): Promise<Hit[]> {
    const { bm25, paragraphs, titles, spelling } = this.parts;
    const k = options.k ?? DEFAULT_SEARCH_K;
    const allow = this.rowFilter(options);
    if (!allow) bm25.expectSearch();
    const query = expandProclitics(queryTerms(text, lang), this.df);
    expandVowelVariants(query, spelling, this.df);
    if (options.context) for (const [term, w] of options.context) if (!query.has(term)) query.set(term, w);
    const vector = await this.embedder.embedQuery(options.context ? `${text} ${[...options.context.keys()].join(' ')}` : text);
    // From here on synchronous: on a big index BM25's search helper scores its share of the rows
    // while this thread scores the rest and then scans the vectors (bm25.ts `startScores`).
    const pending = bm25.startScores(query, allow, Math.max(k * BM25_CANDIDATES_PER_K, MIN_BM25_CANDIDATES));
    let top: Map<number, number>;
    let bm25Hits: Map<number, number>;
    try {
      top = vectorTop(this.parts, vector, allow, Math.max(k * VECTOR_CANDIDATES_PER_K, MIN_VECTOR_CANDIDATES));
    } finally {
      bm25Hits = pending.finish();
    }
    const cosines = withCandidates(this.parts, vector, top, bm25Hits.keys());
    const shares = titles.shares(query, (term) => this.idfOf(term));
    const titleLift = (row: number) => 1 + FUSION.titleWeight * (shares.get(paragraphs.at(row)!.document) ?? 0);
    return fuse(bm25Hits, cosines, k, titleLift).map(({ row, score, lift, bm25: b, cosine }) => ({
      paragraph: paragraphs.at(row)!,
      score,
      lift,
      bm25: b,
      cosine,
    }));
  }
}
