import { readFile } from 'node:fs/promises';
import { documentFromParagraphs } from '../core/knowledge/index.js';
import type { KnowledgeDocument } from '../core/knowledge/types.js';
import { SanadError } from '../core/errors.js';
import type { Lang } from '../core/text/index.js';
import { isChatSet, readChatSet, type ChatConversation } from './chat.js';

/** One question of a QA file, in either supported shape, made uniform. */
export interface QaItem {
  id: string;
  lang: Lang;
  question: string;
  answers: string[];
  answerable: boolean;
  /** The retrieved paragraph hits when it contains one of these strings (article-qa shape). */
  evidence: string[];
  /** The gold paragraph (ARCD shape): document id and 0-based paragraph index. */
  gold?: { document: string; paragraph: number };
}

export interface QaSet {
  items: QaItem[];
  /** The set's own corpus (ARCD ships its paragraphs); null when it is about knowledge/. */
  documents: KnowledgeDocument[] | null;
}

interface ArticleShape {
  questions: { id: string; lang?: string; question: string; answers?: string[]; evidence?: string[]; answerable?: boolean }[];
}
interface ArcdShape {
  documents: { id: string; title: string; paragraphs: string[] }[];
  questions: { id: string; question: string; answers: string[]; doc: string; paragraph: number }[];
}

/** A QA file (questions, maybe with their corpus) or a chat file (conversations asked turn by turn). */
export type EvalFile = { kind: 'qa'; set: QaSet } | { kind: 'chat'; conversations: ChatConversation[] };

export async function readEvalFile(path: string): Promise<EvalFile> {
  const data = await readJson(path);
  if (isChatSet(data)) return { kind: 'chat', conversations: readChatSet(path, data) };
  return { kind: 'qa', set: toQaSet(path, data) };
}

/** The smallest QA file, as the error hints show it. */
const QA_FILE_SHAPE =
  '{"questions": [{"id": "q1", "lang": "ar", "question": "…", "answers": ["…"], "evidence": ["words of the paragraph that answers"], "answerable": true}]}';

export async function readQaFile(path: string): Promise<QaSet> {
  return toQaSet(path, await readJson(path));
}

async function readJson(path: string): Promise<unknown> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT') {
      // `npm run eval` points at the benchmark set kept beside the repo, absent from a fresh clone.
      throw new SanadError(
        'qa_file',
        `The QA file ${path} does not exist${path.includes('shared/bench') ? ' (the benchmark sets live in ../shared/bench/, beside the repository, not in it)' : ''}.`,
        {
          hint: `Run eval on your own file: npx sanad eval path/to/qa.json, where the file is ${QA_FILE_SHAPE}, or a chat file of conversations (test/fixtures/chat/conversations.json; README.md, "Quality and performance").`,
        },
      );
    }
    throw new SanadError('qa_file', `Cannot read the QA file ${path} (${code}).`, { hint: 'Check the path and its permissions.' });
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new SanadError('qa_file', `${path} is not valid JSON.`, { hint: `A QA file is ${QA_FILE_SHAPE}.` });
  }
}

function toQaSet(path: string, data: unknown): QaSet {
  if (!data || typeof data !== 'object' || !Array.isArray((data as { questions?: unknown }).questions)) {
    throw new SanadError('qa_file', `${path} has no "questions" array.`, { hint: `A QA file is ${QA_FILE_SHAPE}.` });
  }
  if (Array.isArray((data as { documents?: unknown }).documents)) {
    const arcd = data as ArcdShape;
    const documents = arcd.documents.map((d) =>
      documentFromParagraphs({ document: d.id, collection: 'qa', title: d.title, paragraphs: d.paragraphs, lang: 'ar' }),
    );
    return {
      documents,
      items: arcd.questions.map((q) => ({
        id: q.id,
        lang: 'ar',
        question: q.question,
        answers: q.answers,
        answerable: true,
        evidence: [],
        gold: { document: q.doc, paragraph: q.paragraph },
      })),
    };
  }
  const article = data as ArticleShape;
  return {
    documents: null,
    items: article.questions.map((q) => ({
      id: q.id,
      lang: (q.lang as Lang) ?? 'ar',
      question: q.question,
      answers: q.answers ?? [],
      answerable: q.answerable !== false,
      evidence: q.evidence ?? [],
    })),
  };
}
