import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { SanadError } from '../errors.js';
import type { Logger } from '../ports.js';
import { silentLogger } from '../ports.js';
import { parseDocument } from './parse.js';
import type { KnowledgeDocument } from './types.js';

const EXTENSIONS = /\.(txt|md|markdown)$/i;
const MAX_FILE_BYTES = 20 * 1024 * 1024;
/** Files at the top of the folder belong to this collection; subfolders are their own. */
export const ROOT_COLLECTION = 'main';

export interface SkippedFile {
  document: string;
  reason: string;
}

export interface LoadResult {
  documents: KnowledgeDocument[];
  skipped: SkippedFile[];
}

/** Lists knowledge files (relative paths, `/`-separated), sorted, hidden files ignored. */
export async function listKnowledgeFiles(dir: string): Promise<string[]> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new SanadError('knowledge_missing', `The knowledge folder ${dir} does not exist.`, {
      hint: 'Create it and put .txt or .md files in it, or point --knowledge (or SANAD_KNOWLEDGE_DIR) at the right folder.',
    });
  }
  if (!info.isDirectory()) {
    throw new SanadError('knowledge_missing', `${dir} is not a folder.`, {
      hint: 'Point --knowledge (or SANAD_KNOWLEDGE_DIR) at a folder of .txt or .md files.',
    });
  }
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && EXTENSIONS.test(e.name))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((path) => !path.split('/').some((part) => part.startsWith('.')))
    .sort();
}

export function collectionOf(document: string): string {
  const slash = document.indexOf('/');
  return slash === -1 ? ROOT_COLLECTION : document.slice(0, slash);
}

/**
 * Reads one knowledge file. Returns a reason instead of a document when the file cannot be
 * used (not UTF-8, binary, empty, too large), so one bad file never stops the others.
 */
export async function readKnowledgeFile(dir: string, document: string): Promise<KnowledgeDocument | SkippedFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, document));
  } catch (error) {
    return { document, reason: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (bytes.length > MAX_FILE_BYTES) return { document, reason: `is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` };
  if (bytes.includes(0)) return { document, reason: 'is not a text file (it contains NUL bytes)' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { document, reason: 'is not valid UTF-8 text' };
  }
  const hash = createHash('sha256').update(bytes).digest('hex');
  const parsed = parseDocument({ document, collection: collectionOf(document), text, hash });
  if (parsed.paragraphs.length === 0) return { document, reason: 'has no paragraphs' };
  return parsed;
}

export async function loadKnowledge(dir: string, logger: Logger = silentLogger): Promise<LoadResult> {
  const files = await listKnowledgeFiles(dir);
  const documents: KnowledgeDocument[] = [];
  const skipped: SkippedFile[] = [];
  for (const file of files) {
    const result = await readKnowledgeFile(dir, file);
    if ('reason' in result) {
      logger.warn(`skipped knowledge file ${file}: it ${result.reason}`);
      skipped.push(result);
    } else documents.push(result);
  }
  if (documents.length === 0) {
    const why = skipped.length > 0 ? ` (${skipped.map((s) => `${s.document} ${s.reason}`).join('; ')})` : '';
    throw new SanadError('knowledge_empty', `The knowledge folder ${dir} has no usable .txt or .md documents${why}.`, {
      hint: 'Add at least one UTF-8 .txt or .md file with some paragraphs.',
    });
  }
  return { documents, skipped };
}
