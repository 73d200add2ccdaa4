/**
 * Section 2: answering offline, in process. The article (its QA questions) and ARCD (its 462
 * paragraphs as the knowledge, its own questions): latency of `ask` split into retrieve and
 * answer, and sequential questions per second.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createAssistant, type SanadAssistant } from '../src/core/index.js';
import { readQaFile } from '../src/eval/qa-file.js';
import { summarise, type Timing } from './lib/stats.js';
import { table } from './lib/table.js';
import type { SectionOptions, SectionResult } from './sections.js';

export const ARTICLE_QA = path.resolve('..', 'shared', 'bench', 'article-qa.json');
export const ARCD = path.resolve('..', 'shared', 'bench', 'arcd', 'arcd.json');
const FALLBACK_QUESTIONS = ['من هو سفير فرنسا لدى الأمم المتحدة؟', 'ما هي عملية برخان؟', 'من فاز بكأس العالم لكرة القدم عام 2018؟'];

interface AnswerRow {
  corpus: string;
  paragraphs: number;
  questions: number;
  asks: number;
  total: Timing;
  retrieve: Timing;
  answer: Timing;
  perSecond: number;
  declined: number;
}

async function time(corpus: string, assistant: SanadAssistant, questions: string[], budgetMs: number, maxAsks: number): Promise<AnswerRow> {
  for (const q of questions.slice(0, 50)) await assistant.ask(q); // warm-up
  const total: number[] = [];
  const retrieve: number[] = [];
  const answer: number[] = [];
  let declined = 0;
  const started = performance.now();
  for (let i = 0; i < maxAsks; i++) {
    const t0 = performance.now();
    const a = await assistant.ask(questions[i % questions.length]!);
    total.push(performance.now() - t0);
    retrieve.push(a.timings.retrieveMs);
    answer.push(a.timings.answerMs);
    if (a.abstained) declined++;
    if (i >= questions.length - 1 && performance.now() - started > budgetMs) break;
  }
  const elapsed = performance.now() - started;
  return {
    corpus,
    paragraphs: assistant.index.size,
    questions: questions.length,
    asks: total.length,
    total: summarise(total),
    retrieve: summarise(retrieve),
    answer: summarise(answer),
    perSecond: (total.length / elapsed) * 1000,
    declined: declined / total.length,
  };
}

export async function runAnswering(options: SectionOptions): Promise<SectionResult> {
  const rows: AnswerRow[] = [];
  const notes: string[] = [];
  options.log('section 2: the article');
  const article = await createAssistant({ knowledgeDir: path.resolve('knowledge'), cacheDir: null });
  const articleQuestions = existsSync(ARTICLE_QA) ? (await readQaFile(ARTICLE_QA)).items.map((q) => q.question) : FALLBACK_QUESTIONS;
  if (!existsSync(ARTICLE_QA)) notes.push(`${ARTICLE_QA} not found: timed ${FALLBACK_QUESTIONS.length} built-in questions instead.`);
  rows.push(await time('article', article, articleQuestions, options.quick ? 1000 : 4000, 5000));
  await article.close();

  if (existsSync(ARCD)) {
    options.log('section 2: ARCD');
    const set = await readQaFile(ARCD);
    const arcd = await createAssistant({ documents: set.documents ?? [], cacheDir: null });
    const questions = set.items.map((q) => q.question);
    rows.push(await time('ARCD', arcd, options.quick ? questions.slice(0, 200) : questions, options.quick ? 1000 : 4000, 20_000));
    await arcd.close();
  } else {
    notes.push(`ARCD skipped: ${ARCD} not found (it comes with the shared bench data).`);
  }

  const text = table(
    '2. Answering, offline, in process (ms)',
    [
      'corpus',
      'paragraphs',
      'questions',
      'asks',
      'p50',
      'p95',
      'p99',
      'retrieve p50',
      'retrieve p99',
      'answer p50',
      'answer p99',
      'questions/s',
      'declined',
    ],
    rows.map((r) => [
      r.corpus,
      r.paragraphs,
      r.questions,
      r.asks,
      r.total.p50,
      r.total.p95,
      r.total.p99,
      r.retrieve.p50,
      r.retrieve.p99,
      r.answer.p50,
      r.answer.p99,
      r.perSecond,
      r.declined,
    ]),
    [
      'ask() with the default offline path (local embeddings, extractive answers); every question of the set, cycled, after a warm-up.',
      'p50/p95/p99 = wall time around ask(); retrieve/answer = the split the Answer reports; questions/s = one at a time.',
      ...notes,
    ],
  );
  return { text, data: { rows, notes } };
}
