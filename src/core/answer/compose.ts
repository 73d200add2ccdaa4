import type { Hit } from '../index/knowledge-index.js';
import type { Paragraph } from '../knowledge/types.js';
import type { Answer, Citation, Retrieved } from '../types.js';

export function toRetrieved(hit: Hit): Retrieved {
  const p = hit.paragraph;
  return {
    document: p.document,
    title: p.title,
    paragraph: p.n,
    section: p.section,
    ...(p.page !== undefined ? { page: p.page } : {}),
    text: p.text,
    score: round(hit.score),
    paragraphId: p.id,
    collection: p.collection,
  };
}

export function toCitation(n: number, paragraph: Paragraph, quote: string, score: number): Citation {
  return {
    n,
    document: paragraph.document,
    title: paragraph.title,
    paragraph: paragraph.n,
    section: paragraph.section,
    ...(paragraph.page !== undefined ? { page: paragraph.page } : {}),
    ...(paragraph.url ? { url: paragraph.url } : {}),
    text: paragraph.text,
    quote,
    score: round(score),
    paragraphId: paragraph.id,
    collection: paragraph.collection,
  };
}

/** The extractive answer text: the quote itself, a list as bullets, with its citation mark. */
export function quoteAsAnswer(quote: string, isList: boolean, n = 1): string {
  const body = isList
    ? quote
        .split('\n')
        .map((line) => `• ${line.trim()}`)
        .join('\n')
    : quote.trim();
  return `${body} [${n}]`;
}

export function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/**
 * Several questions' answers as one: each question quoted above its answer, citations numbered
 * through (a declined part keeps its sentence but not its "closest I found" paragraph),
 * candidates merged in order. Declined only when every part is.
 */
export function mergeAnswers(question: string, parts: string[], answers: Answer[], totalMs: number): Answer {
  const citations: Citation[] = [];
  const texts: string[] = [];
  answers.forEach((answer, i) => {
    const offset = citations.length;
    const kept = answer.abstained ? [] : answer.citations;
    for (const c of kept) citations.push({ ...c, n: c.n + offset });
    const text = answer.abstained ? answer.answer : answer.answer.replace(/\[(\d+)\]/g, (_m, n: string) => `[${Number(n) + offset}]`);
    texts.push(`«${parts[i]!.trim()}»\n${text}`);
  });
  const retrieved = new Map<string, Retrieved>();
  for (const answer of answers) for (const r of answer.retrieved) if (!retrieved.has(r.paragraphId)) retrieved.set(r.paragraphId, r);
  const usage = answers.some((a) => a.usage)
    ? answers.reduce(
        (u, a) => ({
          promptTokens: u.promptTokens + (a.usage?.promptTokens ?? 0),
          completionTokens: u.completionTokens + (a.usage?.completionTokens ?? 0),
        }),
        { promptTokens: 0, completionTokens: 0 },
      )
    : undefined;
  const notices = [...new Set(answers.map((a) => a.notice).filter((n): n is string => !!n))];
  const fallbackReason = answers.find((a) => a.fallbackReason)?.fallbackReason;
  return {
    question,
    answer: texts.join('\n\n'),
    abstained: answers.every((a) => a.abstained),
    language: answers[0]!.language,
    mode: answers.some((a) => a.mode === 'llm') ? 'llm' : 'extractive',
    citations,
    retrieved: [...retrieved.values()],
    timings: {
      retrieveMs: round(answers.reduce((s, a) => s + a.timings.retrieveMs, 0)),
      answerMs: round(answers.reduce((s, a) => s + a.timings.answerMs, 0)),
      totalMs: round(totalMs),
    },
    ...(notices.length ? { notice: notices.join(' ') } : {}),
    ...(fallbackReason ? { fallbackReason } : {}),
    ...(usage ? { usage } : {}),
  };
}
