import type { KnowledgeDocument, Paragraph } from '../knowledge/types.js';
import { stemArabic, terms } from '../text/index.js';
import type { Lang } from '../text/index.js';
import { Bm25Index, bm25Idf, type Bm25State } from './bm25.js';
import { embeddingKey, type Embedder } from './embedder.js';
import { SpellingVariants } from './spelling.js';
import { TitleField } from './title-field.js';
import { FloatVectorStore } from './vector-store.js';
import { CHUNK_CHARS, PROCLITICS, paragraphTerms, queryTerms, splitLong, withoutProclitic } from './analysis.js';
import { FUSION, fuse } from './fusion.js';
import { nextTurn, runAtOnce, runSliced, type Steps } from './steps.js';

export { CHUNK_CHARS, grams, paragraphTerms, queryTerms, withoutProclitic } from './analysis.js';
export { FUSION } from './fusion.js';

/** Results a search returns when the caller does not say (the answer pipeline asks for its own k). */
export const DEFAULT_SEARCH_K = 8;
/** BM25 candidates for fusion, far more than k: fusion and the rerank lift paragraphs BM25 ranks low. */
const BM25_CANDIDATES_PER_K = 25;
const MIN_BM25_CANDIDATES = 200;
/** The vector search's own best join them, so a paraphrase sharing no word still reaches fusion. */
const VECTOR_CANDIDATES_PER_K = 4;
const MIN_VECTOR_CANDIDATES = 50;
/** A proclitic variant ("لمكافح" for "مكافح") is not always the same word: the written form wins a tie. */
const PROCLITIC_VARIANT_WEIGHT = 0.9;

/**
 * Everything a built index holds, as plain data (snapshot.ts writes and reads it). Rows and
 * vectors keep their order, so a restored index ranks exactly as the one saved, ties included.
 */
export interface IndexState {
  /** In the order they were added. */
  documents: KnowledgeDocument[];
  /** Per BM25 row: its document's position in `documents` and its paragraph's, or -1, -1 once removed. */
  rows: Int32Array;
  bm25: Bm25State;
  vectors: {
    dim: number;
    /** Unit vectors, `dim` floats a chunk, in store order. */
    data: Float32Array;
    /** The BM25 row each chunk belongs to. */
    owners: Int32Array;
    /** The embedding cache key of each chunk's text. */
    keys: string[];
  };
  spelling: [string, [string, string][]][];
}

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

/** Paragraphs prepared between two event-loop turns while indexing (a few ms of work). */
const SLICE = 32;

interface PreparedParagraph {
  paragraph: Paragraph;
  previous?: Paragraph;
  chunks: string[];
  terms?: string[];
  /** The words `terms` learnt, in order, for the spelling variants. */
  words?: [string, string][];
}

/** Documents ready to go into the index (see `prepare` and `apply`). */
export interface PreparedDocuments {
  docs: KnowledgeDocument[];
  titleTerms: string[][];
  titleWords: [string, string][];
  pending: PreparedParagraph[];
  vectors: Float32Array[];
}
const BM25 = { k1: 1.2, b: 0.75 };
/** What a prepared paragraph is replaced with once `apply` has put it in. */
const EMPTY: PreparedParagraph = { paragraph: null as unknown as Paragraph, chunks: [] };
/** locate() checks this many best BM25 matches. */
const LOCATE_CANDIDATES = 3;
/** A quote's paragraph holds its words: an extract all of them, a model's answer most. */
const LOCATE_MIN_SHARE = 0.6;
const VOWEL_VARIANT_WEIGHT = 0.3;
const ARABIC_START = /^[\u0600-\u06FF]/;

/**
 * The searchable knowledge: BM25 over stemmed terms and a dense vector index over embedded
 * chunks, both keyed by paragraph row, fused at query time. Documents can be replaced one at
 * a time while the index serves.
 */
export class KnowledgeIndex {
  private readonly rows: (Paragraph | null)[] = [];
  private readonly byDocument = new Map<string, number[]>();
  private readonly byId = new Map<string, number>();
  private bm25 = new Bm25Index(BM25);
  private readonly titles = new TitleField();
  /** Chunk vectors; each row's metadata names the paragraph row it belongs to. */
  private readonly vectors = new FloatVectorStore();
  private readonly chunkIds = new Map<number, string[]>();
  private spelling = new SpellingVariants();
  private readonly learnWord = (token: string, stemmed: string) => this.spelling.learnWord(token, stemmed);
  readonly documents = new Map<string, KnowledgeDocument>();

  constructor(readonly embedder: Embedder) {}

  get size(): number {
    return this.bm25.size;
  }

  paragraph(id: string): Paragraph | null {
    const row = this.byId.get(id);
    return row === undefined ? null : (this.rows[row] ?? null);
  }

  /** Every indexed paragraph of a document, or of all documents. */
  paragraphs(): Paragraph[] {
    return this.rows.filter((p): p is Paragraph => p !== null);
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
    const titleWords: [string, string][] = [];
    const titleTerms = docs.map((doc) => terms(doc.title, doc.lang, (token, stemmed) => titleWords.push([token, stemmed])));
    const pending: PreparedParagraph[] = [];
    for (const doc of docs) {
      for (const [i, paragraph] of doc.paragraphs.entries()) {
        if (paragraph.duplicateOf) continue;
        const previous = i > 0 ? doc.paragraphs[i - 1] : undefined;
        const head = [paragraph.title, paragraph.section].filter(Boolean).join(' — ');
        const chunks = paragraph.text.length <= CHUNK_CHARS ? [paragraph.text] : await splitLong(paragraph.text);
        const item: PreparedParagraph = { paragraph, previous, chunks: chunks.map((c) => `${head}\n${c}`) };
        if (options.terms) {
          const words: [string, string][] = [];
          item.terms = paragraphTerms(paragraph, previous, (token, stemmed) => words.push([token, stemmed]), false);
          item.words = words;
        }
        pending.push(item);
        if (pending.length % SLICE === 0) await nextTurn();
      }
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
    docs.forEach((doc, i) => {
      this.documents.set(doc.document, doc);
      this.titles.add(doc.document, titleTerms[i]!);
    });
    for (const [token, stemmed] of titleWords) this.learnWord(token, stemmed);
    let v = 0;
    for (const [p, { paragraph, previous, chunks, terms: own, words }] of pending.entries()) {
      // Each paragraph's chunk texts and terms are let go once it is in: at 100k paragraphs they
      // were all held to the end of the build, at its peak.
      pending[p] = EMPTY;
      if (words) for (const [token, stemmed] of words) this.learnWord(token, stemmed);
      const row = this.bm25.add(own ?? paragraphTerms(paragraph, previous, this.learnWord, false));
      this.rows[row] = paragraph;
      this.byId.set(paragraph.id, row);
      const list = this.byDocument.get(paragraph.document) ?? [];
      list.push(row);
      this.byDocument.set(paragraph.document, list);
      const ids = chunks.map((_, i) => `${paragraph.id}#${i}`);
      const metadatas = chunks.map((chunk) => ({ row, document: paragraph.document, key: embeddingKey(chunk) }));
      this.vectors.addRaw(vectors.slice(v, v + chunks.length), metadatas, ids);
      this.chunkIds.set(row, ids);
      v += chunks.length;
    }
  }

  /** The whole index as plain data, for a snapshot. */
  exportState(): IndexState {
    const documents = [...this.documents.values()];
    const where = new Map<Paragraph, [number, number]>();
    documents.forEach((doc, d) => doc.paragraphs.forEach((p, i) => where.set(p, [d, i])));
    const rows = new Int32Array(this.rows.length * 2).fill(-1);
    this.rows.forEach((p, row) => {
      const at = p ? where.get(p) : undefined;
      if (!at) return;
      rows[2 * row] = at[0];
      rows[2 * row + 1] = at[1];
    });
    const exported = this.vectors.exportRows();
    return {
      documents,
      rows,
      bm25: this.bm25.exportState(),
      vectors: {
        dim: exported.dim,
        data: exported.vectors,
        owners: Int32Array.from(exported.metadatas, (m) => m.row as number),
        keys: exported.metadatas.map((m) => m.key as string),
      },
      spelling: this.spelling.exportState(),
    };
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
    const index = new KnowledgeIndex(embedder);
    for (const [d, doc] of state.documents.entries()) {
      index.documents.set(doc.document, doc);
      index.titles.add(doc.document, terms(doc.title, doc.lang));
      if (d % 64 === 63) yield;
    }
    const rowCount = state.rows.length / 2;
    for (let row = 0; row < rowCount; row++) {
      const d = state.rows[2 * row]!;
      const paragraph = d >= 0 ? state.documents[d]?.paragraphs[state.rows[2 * row + 1]!] : null;
      if (paragraph === undefined) throw new RangeError(`row ${row} names no paragraph`);
      index.rows.push(paragraph);
      if (row % 2048 === 2047) yield;
      if (!paragraph) continue;
      index.byId.set(paragraph.id, row);
      const list = index.byDocument.get(paragraph.document) ?? [];
      list.push(row);
      index.byDocument.set(paragraph.document, list);
    }
    index.bm25 = yield* Bm25Index.restoring(state.bm25, BM25);
    const live = index.rows.reduce((n, p) => n + (p ? 1 : 0), 0);
    if (index.bm25.size !== live) throw new RangeError('BM25 rows and paragraphs do not agree');
    const { owners, keys } = state.vectors;
    const ids: string[] = [];
    const metadatas: { row: number; document: string; key: string }[] = [];
    for (let i = 0; i < owners.length; i++) {
      const row = owners[i]!;
      const paragraph = index.rows[row];
      if (!paragraph) throw new RangeError(`vector ${i} belongs to no paragraph`);
      const chunkIds = index.chunkIds.get(row) ?? [];
      const id = `${paragraph.id}#${chunkIds.length}`;
      chunkIds.push(id);
      index.chunkIds.set(row, chunkIds);
      ids.push(id);
      metadatas.push({ row, document: paragraph.document, key: keys[i]! });
      if (i % 2048 === 2047) yield;
    }
    index.vectors.importRows({ dim: state.vectors.dim, vectors: state.vectors.data, ids, metadatas });
    yield;
    index.spelling = SpellingVariants.fromState(state.spelling);
    return index;
  }

  /** The embedding cache keys of every chunk indexed now. */
  embeddingKeys(): string[] {
    const keys: string[] = [];
    for (let row = 0; row < this.vectors.size; row++) keys.push(this.vectors.metadata(row)!.key as string);
    return keys;
  }

  removeDocument(document: string): void {
    this.removeDocuments([document]);
  }

  /** Removes documents in one pass over the postings and one over the vectors. */
  removeDocuments(documents: string[]): void {
    const gone = new Set(documents.filter((d) => this.documents.has(d) || this.byDocument.has(d)));
    if (gone.size === 0) return;
    const rows: number[] = [];
    for (const document of gone) {
      for (const row of this.byDocument.get(document) ?? []) {
        const paragraph = this.rows[row];
        if (paragraph) this.byId.delete(paragraph.id);
        this.rows[row] = null;
        this.chunkIds.delete(row);
        rows.push(row);
      }
    }
    this.bm25.removeRows(rows);
    this.vectors.removeWhere((metadata) => gone.has(metadata.document as string));
    for (const document of gone) {
      this.byDocument.delete(document);
      this.documents.delete(document);
      this.titles.remove(document);
    }
  }

  /**
   * Cosine per paragraph row (its best chunk): the vector store's exact top chunks, plus the
   * BM25 candidates' own chunks, which fusion needs scored too.
   */
  private cosines(query: Float32Array, allow: (row: number) => boolean, candidates: Iterable<number>, top: number): Map<number, number> {
    const out = new Map<number, number>();
    const keep = (row: number, score: number) => {
      if (score > (out.get(row) ?? -Infinity)) out.set(row, score);
    };
    const rowOf = (storeRow: number) => this.vectors.metadata(storeRow)!.row as number;
    for (const hit of this.vectors.searchRaw(query, top, (storeRow) => allow(rowOf(storeRow)))) keep(hit.metadata.row as number, hit.score);
    const storeRows: number[] = [];
    const owners: number[] = [];
    for (const row of candidates) {
      for (const id of this.chunkIds.get(row) ?? []) {
        const storeRow = this.vectors.rowOf(id);
        if (storeRow === undefined) continue;
        storeRows.push(storeRow);
        owners.push(row);
      }
    }
    const scores = this.vectors.scoreRows(query, storeRows);
    owners.forEach((row, i) => keep(row, scores[i]!));
    return out;
  }

  /**
   * Arabic plurals and derived forms often differ from the singular only in long vowels ("حرب"
   * / "حروب", "رجل" / "رجال", "كتاب" / "كتب"): the knowledge's words with the same consonants
   * and first letter join the query at a low weight. ARCD hit@5 0.951 → 0.955 (train half
   * 0.955 → 0.960, test half 0.946 → 0.949); hit@1 unchanged.
   */
  private expandVowelVariants(query: Map<string, number>): void {
    for (const [term, weight] of [...query]) {
      if (term.startsWith('#') || !ARABIC_START.test(term)) continue;
      for (const v of this.spelling.variantsOf(term)) if (!query.has(v) && this.df(v) > 0) query.set(v, weight * VOWEL_VARIANT_WEIGHT);
    }
  }

  /** Paragraphs using a stemmed term, a title counting for each paragraph of its document. */
  private df(term: string): number {
    let df = this.bm25.df(term);
    for (const doc of this.titles.documentsWith(term)) df += this.byDocument.get(doc)?.length ?? 0;
    return df;
  }

  /** Inverse document frequency over paragraphs, a title counting in each of its document's. */
  private idfOf(term: string): number {
    return bm25Idf(this.df(term), this.size);
  }

  /** Inverse document frequency of a stemmed term in this index (0 when absent). */
  idf(term: string): number {
    return this.bm25.idf(term) || this.bm25.idf(withoutProclitic(term) ?? '');
  }

  /** How many live paragraphs use a stemmed term, as is or with / without a one-letter proclitic. */
  frequency(term: string): number {
    const bare = withoutProclitic(term);
    let df = this.df(term) + (bare ? this.df(bare) : 0);
    if (ARABIC_START.test(term)) for (const p of PROCLITICS) df += this.df(p + (bare ?? term));
    return df;
  }

  /**
   * The paragraph a text was taken from (the bot's last answer, when a follow-up leans on it):
   * the best BM25 match of its words, when that paragraph holds most of them.
   */
  locate(text: string, lang: Lang = 'ar'): Paragraph | null {
    const words = new Set(terms(text, lang));
    if (words.size === 0) return null;
    const query = new Map([...words].map((t) => [t, 1]));
    let best: { row: number; score: number } | null = null;
    for (const [row, score] of this.bm25.scores(query, (row) => this.rows[row] !== null, LOCATE_CANDIDATES)) {
      if (!best || score > best.score) best = { row, score };
    }
    const paragraph = best ? this.rows[best.row] : null;
    if (!paragraph) return null;
    const own = new Set(terms(paragraph.text, paragraph.lang));
    const held = [...words].filter((t) => own.has(t)).length;
    return held / words.size >= LOCATE_MIN_SHARE ? paragraph : null;
  }

  /** The question with words the knowledge never uses respelt as the knowledge writes them. */
  respell(text: string, lang: Lang): string {
    return this.spelling.correct(text, lang, (term) => this.frequency(term)).text;
  }

  /**
   * A one-letter proclitic (ل ب ك ف و) stays on an indefinite noun after light stemming:
   * "لمكافحة" → "لمكافح". Stripping it blindly breaks names ("فرنسا"), so the query asks for
   * both forms that the knowledge actually uses.
   */
  private expandProclitics(query: Map<string, number>): Map<string, number> {
    const out = new Map(query);
    for (const [term, weight] of query) {
      if (term.startsWith('#') || !ARABIC_START.test(term)) continue;
      const bare = withoutProclitic(term);
      const variants = [...(bare ? [bare] : []), ...PROCLITICS.map((p) => p + (bare ?? term))];
      // An accusative tanween written without its mark: "كم فرنسيا" asks about "فرنسيين".
      if (term.length >= 4 && term.endsWith('ا')) variants.push(stemArabic(term.slice(0, -1)));
      for (const v of variants) if (v !== term && !out.has(v) && this.df(v) > 0) out.set(v, weight * PROCLITIC_VARIANT_WEIGHT);
    }
    return out;
  }

  async search(text: string, lang: Lang, options: SearchOptions = {}): Promise<Hit[]> {
    const k = options.k ?? DEFAULT_SEARCH_K;
    const { collections, exclude } = options;
    const allow = (row: number) => {
      const p = this.rows[row];
      return !!p && (!collections || collections.includes(p.collection)) && (!exclude || !exclude.has(p.id));
    };
    const query = this.expandProclitics(queryTerms(text, lang));
    this.expandVowelVariants(query);
    if (options.context) for (const [term, w] of options.context) if (!query.has(term)) query.set(term, w);
    const bm25 = this.bm25.scores(query, allow, Math.max(k * BM25_CANDIDATES_PER_K, MIN_BM25_CANDIDATES));
    const vector = await this.embedder.embedQuery(options.context ? `${text} ${[...options.context.keys()].join(' ')}` : text);
    const cosines = this.cosines(vector, allow, bm25.keys(), Math.max(k * VECTOR_CANDIDATES_PER_K, MIN_VECTOR_CANDIDATES));
    const shares = this.titles.shares(query, (term) => this.idfOf(term));
    const titleLift = (row: number) => 1 + FUSION.titleWeight * (shares.get(this.rows[row]!.document) ?? 0);
    return fuse(bm25, cosines, k, titleLift).map(({ row, score, lift, bm25: b, cosine }) => ({
      paragraph: this.rows[row]!,
      score,
      lift,
      bm25: b,
      cosine,
    }));
  }
}
