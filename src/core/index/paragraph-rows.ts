import type { Paragraph } from '../knowledge/types.js';

/**
 * Which paragraph each BM25 row holds, and the ways back to the row: by paragraph id, by
 * document, and the vector store ids of the row's chunks. A removed row stays, empty, so row
 * numbers never move.
 */
export class ParagraphRows {
  private readonly rows: (Paragraph | null)[] = [];
  private readonly byDocument = new Map<string, number[]>();
  private readonly byId = new Map<string, number>();
  private readonly chunkIds = new Map<number, string[]>();

  /** Rows ever added, removed ones included. */
  get length(): number {
    return this.rows.length;
  }

  /** The paragraph of a row, null once removed. */
  at(row: number): Paragraph | null {
    return this.rows[row] ?? null;
  }

  byParagraphId(id: string): Paragraph | null {
    const row = this.byId.get(id);
    return row === undefined ? null : this.at(row);
  }

  /** Live paragraphs, in row order. */
  live(): Paragraph[] {
    return this.rows.filter((p): p is Paragraph => p !== null);
  }

  /** How many live rows a document has. */
  countOf(document: string): number {
    return this.byDocument.get(document)?.length ?? 0;
  }

  has(document: string): boolean {
    return this.byDocument.has(document);
  }

  chunksOf(row: number): readonly string[] {
    return this.chunkIds.get(row) ?? [];
  }

  /** Puts `paragraph` at `row` (the next row, or an empty one being restored). */
  set(row: number, paragraph: Paragraph | null): void {
    this.rows[row] = paragraph;
    if (!paragraph) return;
    this.byId.set(paragraph.id, row);
    const list = this.byDocument.get(paragraph.document) ?? [];
    list.push(row);
    this.byDocument.set(paragraph.document, list);
  }

  /** Adds a vector store id to a row's chunks (in chunk order); returns it. */
  addChunk(row: number, id: string): string {
    const ids = this.chunkIds.get(row) ?? [];
    ids.push(id);
    this.chunkIds.set(row, ids);
    return id;
  }

  /** Empties the rows of documents; returns the rows emptied. */
  remove(documents: Iterable<string>): number[] {
    const rows: number[] = [];
    for (const document of documents) {
      for (const row of this.byDocument.get(document) ?? []) {
        const paragraph = this.rows[row];
        if (paragraph) this.byId.delete(paragraph.id);
        this.rows[row] = null;
        this.chunkIds.delete(row);
        rows.push(row);
      }
      this.byDocument.delete(document);
    }
    return rows;
  }
}
