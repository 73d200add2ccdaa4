import type { KnowledgeDocument } from '../core/knowledge/types.js';
import { normalize } from '../core/text/index.js';
import type { Answer, Assistant, LlmFallbackReason } from '../core/types.js';
import type { QaItem, QaSet } from './qa-file.js';
import { percentile } from './stats.js';

export interface EvalRow {
  id: string;
  lang: string;
  answerable: boolean;
  /** 1-based rank of the first hitting retrieved paragraph; null when none of the top k hit. */
  rank: number | null;
  /** The first retrieved paragraph holds an accepted answer (it may not be the gold paragraph). */
  firstHoldsAnswer: boolean;
  abstained: boolean;
  correct: boolean;
  answerChars: number;
  latencyMs: number;
  tokens: number;
  mode: string;
  fallbackReason?: LlmFallbackReason;
}

export interface EvalSummary {
  questions: number;
  answerable: number;
  unanswerable: number;
  hitAt1: number;
  /**
   * Share of answerable questions whose first retrieved paragraph holds an accepted answer. On
   * ARCD a third of the answers stand in several paragraphs (lead paragraphs overlap), where
   * hit@1 by paragraph id counts only the one the question was written for.
   */
  firstHoldsAnswer: number;
  hitAt3: number;
  hitAt5: number;
  mrr: number;
  answerAccuracy: number;
  answersUnder400: number;
  unanswerableDeclined: number | null;
  answerableWronglyDeclined: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  tokens: number;
  fallbacks: number;
}

export interface EvalReport {
  overall: EvalSummary;
  byLanguage: Record<string, EvalSummary>;
  rows: EvalRow[];
}

/** Whether a retrieved or cited paragraph is the evidence for an item. */
export function isHit(
  item: QaItem,
  paragraph: { document: string; paragraph: number; text: string },
  documents: Map<string, KnowledgeDocument>,
): boolean {
  if (item.gold) {
    if (paragraph.document === item.gold.document && paragraph.paragraph === item.gold.paragraph + 1) return true;
    // ARCD keeps two identical paragraphs under two titles: identical text counts as a hit.
    const gold = documents.get(item.gold.document)?.paragraphs[item.gold.paragraph]?.text;
    return gold !== undefined && gold === paragraph.text;
  }
  const text = normalize(paragraph.text);
  return item.evidence.some((e) => text.includes(normalize(e)));
}

function holdsAnswer(item: QaItem, text: string | undefined): boolean {
  if (!item.answerable || text === undefined) return false;
  const normal = normalize(text);
  return item.answers.some((a) => normal.includes(normalize(a)));
}

export function isCorrect(item: QaItem, answer: Answer): boolean {
  if (!item.answerable || answer.abstained) return false;
  const text = normalize(answer.answer);
  return item.answers.some((a) => text.includes(normalize(a)));
}

export async function runEval(
  assistant: Assistant,
  set: QaSet,
  documents: KnowledgeDocument[],
  onProgress?: (done: number, total: number) => void,
): Promise<EvalReport> {
  const byDoc = new Map(documents.map((d) => [d.document, d]));
  const rows: EvalRow[] = [];
  for (const item of set.items) {
    const started = performance.now();
    const answer = await assistant.ask(item.question);
    const latencyMs = performance.now() - started;
    const rankIndex = answer.retrieved.findIndex((r) => isHit(item, r, byDoc));
    rows.push({
      id: item.id,
      lang: item.lang,
      answerable: item.answerable,
      rank: rankIndex >= 0 ? rankIndex + 1 : null,
      firstHoldsAnswer: holdsAnswer(item, answer.retrieved[0]?.text),
      abstained: answer.abstained,
      correct: isCorrect(item, answer),
      answerChars: answer.answer.length,
      latencyMs,
      tokens: (answer.usage?.promptTokens ?? 0) + (answer.usage?.completionTokens ?? 0),
      mode: answer.mode,
      fallbackReason: answer.fallbackReason,
    });
    onProgress?.(rows.length, set.items.length);
  }
  const byLanguage: Record<string, EvalSummary> = {};
  for (const lang of [...new Set(rows.map((r) => r.lang))].sort()) byLanguage[lang] = summarise(rows.filter((r) => r.lang === lang));
  return { overall: summarise(rows), byLanguage, rows };
}

export function summarise(rows: EvalRow[]): EvalSummary {
  const answerable = rows.filter((r) => r.answerable);
  const unanswerable = rows.filter((r) => !r.answerable);
  const share = (n: number, d: number) => (d === 0 ? 0 : n / d);
  const hitAt = (k: number) => share(answerable.filter((r) => r.rank !== null && r.rank <= k).length, answerable.length);
  const latencies = rows.map((r) => r.latencyMs).sort((a, b) => a - b);
  const answered = answerable.filter((r) => !r.abstained);
  return {
    questions: rows.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    hitAt1: hitAt(1),
    firstHoldsAnswer: share(answerable.filter((r) => r.firstHoldsAnswer).length, answerable.length),
    hitAt3: hitAt(3),
    hitAt5: hitAt(5),
    mrr: share(
      answerable.reduce((s, r) => s + (r.rank ? 1 / r.rank : 0), 0),
      answerable.length,
    ),
    answerAccuracy: share(answerable.filter((r) => r.correct).length, answerable.length),
    answersUnder400: share(answered.filter((r) => r.answerChars <= 400).length, answered.length),
    unanswerableDeclined: unanswerable.length === 0 ? null : share(unanswerable.filter((r) => r.abstained).length, unanswerable.length),
    answerableWronglyDeclined: share(answerable.filter((r) => r.abstained).length, answerable.length),
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP95Ms: percentile(latencies, 0.95),
    tokens: rows.reduce((s, r) => s + r.tokens, 0),
    fallbacks: rows.filter((r) => r.fallbackReason).length,
  };
}
