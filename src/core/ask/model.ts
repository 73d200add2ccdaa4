import { extractAnswer } from '../answer/extractive.js';
import { toCitation } from '../answer/compose.js';
import type { AnswerType } from '../answer/question.js';
import type { Deadline, LlmAnswerer, LlmEvent, LlmFallbackReason, Passage } from '../llm/port.js';
import { message } from '../messages.js';
import type { Logger } from '../ports.js';
import type { Retrieval } from '../retrieve/retriever.js';
import type { Lang } from '../text/index.js';
import type { Answer, AnswerEvent, Citation, Turn } from '../types.js';

type FinalEvent = Extract<LlmEvent, { type: 'final' }>;

/** What the person is told when the extractive answer stands in for the model's. */
export function fallbackNote(reason: string, lang: Lang): string {
  return message(reason === 'unverified' || reason === 'no_citations' ? 'unverified' : 'modelUnavailable', lang);
}

export interface ModelAnswerInput {
  question: string;
  conversation: Turn[];
  lang: Lang;
  type: AnswerType;
  retrieval: Retrieval;
  passages: number;
  deadline: Deadline;
}

/**
 * The LLM step: the model writes from the top passages, streaming deltas; its `[n]` markers map
 * to the retrieved paragraphs. Yields deltas, then returns the model's part of the answer, or
 * the reason it failed (the caller falls back to the extractive answer).
 */
export async function* answerWithModel(
  llm: LlmAnswerer,
  input: ModelAnswerInput,
  logger: Logger,
): AsyncGenerator<
  AnswerEvent,
  | { ok: true; answer: Pick<Answer, 'answer' | 'abstained' | 'citations' | 'usage'> }
  | { ok: false; reason: LlmFallbackReason; usage?: Answer['usage'] }
> {
  const { retrieval } = input;
  const passages: Passage[] = retrieval.hits.slice(0, input.passages).map((hit, i) => ({
    n: i + 1,
    document: hit.paragraph.document,
    title: hit.paragraph.title,
    paragraph: hit.paragraph.n,
    section: hit.paragraph.section,
    text: hit.paragraph.text,
  }));
  let final: FinalEvent | null = null;
  try {
    for await (const event of llm.answer({
      question: input.question,
      conversation: input.conversation,
      passages,
      language: input.lang,
      deadline: input.deadline,
    })) {
      if (event.type === 'delta') yield { type: 'delta', text: event.text };
      else final = event;
    }
  } catch (error) {
    logger.warn('the LLM path failed; answering extractively', { error });
  }
  if (!final || !final.ok) return { ok: false, reason: final && !final.ok ? final.reason : 'unavailable', usage: final?.usage };
  const declined = 'declined' in final && final.declined === true;
  const citations = final.cited.map((n) => {
    const hit = retrieval.hits[n - 1]!;
    const quote = extractAnswer(hit, retrieval.profile, input.type)?.quote ?? hit.paragraph.text;
    return toCitation(n, hit.paragraph, quote, hit.score);
  });
  return { ok: true, answer: { answer: final.text, abstained: declined || citations.length === 0, citations, usage: final.usage } };
}

export interface SummaryInput {
  question: string;
  lang: Lang;
  conversation: Turn[];
  citations: Citation[];
  deadline: Deadline;
}

/**
 * With a model configured, it writes the summary from the paragraphs of the central points,
 * through the same verified path as answers (citations checked, numbers found in them); the
 * extractive summary stands in whenever that fails.
 */
export async function summaryByModel<T extends Omit<Answer, 'question' | 'timings'>>(
  llm: LlmAnswerer,
  input: SummaryInput,
  extractive: T,
  logger: Logger,
): Promise<T> {
  const { citations } = input;
  const passages: Passage[] = citations.map((c) => ({
    n: c.n,
    document: c.document,
    title: c.title,
    paragraph: c.paragraph,
    section: c.section,
    text: c.text,
  }));
  let final: LlmEvent | null = null;
  try {
    for await (const event of llm.answer({
      question: input.question,
      conversation: input.conversation,
      passages,
      language: input.lang,
      deadline: input.deadline,
    }))
      if (event.type === 'final') final = event;
  } catch (error) {
    logger.warn('the LLM path failed; summarising extractively', { error });
  }
  if (final?.type === 'final' && final.ok && !final.declined && final.cited.length > 0) {
    const cited = final.cited.map((n) => citations[n - 1]!).filter(Boolean);
    return { ...extractive, answer: final.text, mode: 'llm', citations: cited, usage: final.usage };
  }
  const reason = final?.type === 'final' && !final.ok ? final.reason : final ? 'no_citations' : 'unavailable';
  return {
    ...extractive,
    fallbackReason: reason,
    notice: fallbackNote(reason, input.lang),
    usage: final?.type === 'final' ? final.usage : undefined,
  };
}
