import type { KnowledgeDocument } from './types.js';

/**
 * The one way to count the knowledge for people: paragraphs as cited (¶1…¶N, in reading
 * order), and how many of them repeat an earlier paragraph and are therefore indexed and cited
 * at their first place. The index holds `paragraphs - repeated` entries.
 */
export interface ParagraphCounts {
  documents: number;
  paragraphs: number;
  repeated: number;
}

export function paragraphCounts(documents: readonly KnowledgeDocument[]): ParagraphCounts {
  let paragraphs = 0;
  let repeated = 0;
  for (const doc of documents) {
    paragraphs += doc.paragraphs.length;
    repeated += doc.paragraphs.filter((p) => p.duplicateOf).length;
  }
  return { documents: documents.length, paragraphs, repeated };
}

/** "35 paragraphs (1 repeats an earlier one: indexed and cited once, at its first place)". */
export function describeParagraphs(counts: Pick<ParagraphCounts, 'paragraphs' | 'repeated'>): string {
  const base = `${counts.paragraphs} paragraph${counts.paragraphs === 1 ? '' : 's'}`;
  if (counts.repeated === 0) return base;
  const which = counts.repeated === 1 ? '1 repeats an earlier one' : `${counts.repeated} repeat earlier ones`;
  return `${base} (${which}: indexed and cited once, at the first place)`;
}
