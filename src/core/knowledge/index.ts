export { parseDocument, documentFromParagraphs } from './parse.js';
export { loadKnowledge, listKnowledgeFiles, readKnowledgeFile, collectionOf, ROOT_COLLECTION } from './load.js';
export type { LoadResult, SkippedFile } from './load.js';
export { parseDate } from './dates.js';
export { paragraphCounts, describeParagraphs } from './counts.js';
export type { ParagraphCounts } from './counts.js';
export type { KnowledgeDocument, Paragraph } from './types.js';
