/**
 * Document titles as a field of their own, scored once per document: a question names its
 * subject ("ما الدول التي تحد العراق"), and the paragraphs of the document about that subject
 * should come before those that only mention it. The lift multiplies every paragraph of a
 * document alike, so it chooses between documents but never reorders the paragraphs of one:
 * adding an unrelated document leaves the answers about another where they were. (Counted
 * inside each paragraph's BM25 terms, as before, it moved "ما هي أهداف فرنسا" from ¶17 to ¶18
 * of the article once a handbook arrived.)
 */
export class TitleField {
  /** Stemmed title term → the documents whose title has it. */
  private readonly postings = new Map<string, Set<string>>();
  private readonly titles = new Map<string, Set<string>>();

  add(document: string, titleTerms: Iterable<string>): void {
    this.remove(document);
    const own = new Set(titleTerms);
    this.titles.set(document, own);
    for (const term of own) {
      let docs = this.postings.get(term);
      if (!docs) this.postings.set(term, (docs = new Set()));
      docs.add(document);
    }
  }

  remove(document: string): void {
    for (const term of this.titles.get(document) ?? []) {
      const docs = this.postings.get(term);
      docs?.delete(document);
      if (docs?.size === 0) this.postings.delete(term);
    }
    this.titles.delete(document);
  }

  documentsWith(term: string): Iterable<string> {
    return this.postings.get(term) ?? [];
  }

  /**
   * Per document, the share of the query's weight (`idf` of each word, as the knowledge uses
   * it) that its title holds, in [0, 1]. A word every title holds tells documents apart no
   * better than none and lifts none: over one document every share is 0.
   */
  shares(query: Map<string, number>, idf: (term: string) => number): Map<string, number> {
    const out = new Map<string, number>();
    const total = this.titles.size;
    let mass = 0;
    for (const [term, weight] of query) {
      if (term.startsWith('#')) continue; // character n-grams match inside words, not names
      const w = weight * idf(term);
      mass += w;
      const docs = this.postings.get(term);
      if (!docs || docs.size === total) continue;
      for (const doc of docs) out.set(doc, (out.get(doc) ?? 0) + w);
    }
    if (mass > 0) for (const [doc, w] of out) out.set(doc, w / mass);
    return out;
  }
}
