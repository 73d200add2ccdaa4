import { DEFAULT_LLM_CONFIG } from '../core/llm/config.js';
import { startDeadline } from '../core/llm/deadline.js';
import type { LlmAnswerer, Passage } from '../core/llm/port.js';
import type { BriefingSummarizer } from './build.js';
import type { Briefing, KeyPoint } from './model.js';

/** What the model is asked, in the briefing's language. */
const REQUEST = {
  ar: 'لخّص في جملتين أو ثلاث ما تقوله هذه الفقرات من جديد، مع ذكر مصدر كل معلومة.',
  en: 'Summarise in two or three sentences what these passages say that is new, citing each point.',
  fr: 'Résumez en deux ou trois phrases ce que ces passages disent de nouveau, en citant chaque point.',
} as const;

/**
 * The LLM summary of a briefing, written from its key points through the LLM path, so the same
 * verification applies (citations in range, numbers found in the cited passages). The model's
 * [n] marks become (¶N) of the real paragraph, so the summary reads right in every renderer.
 * Anything short of a verified answer returns null: the briefing stays extractive.
 */
export function createLlmBriefingSummarizer(llm: LlmAnswerer, options: { deadlineMs?: number } = {}): BriefingSummarizer {
  return async (briefing, signal) => {
    const points = keyPoints(briefing);
    if (points.length === 0) return null;
    const passages: Passage[] = points.map((p, i) => ({
      n: i + 1,
      document: p.document,
      title: p.title,
      paragraph: p.paragraph,
      section: p.section,
      text: p.quote,
    }));
    const events = llm.answer({
      question: REQUEST[briefing.language],
      conversation: [],
      passages,
      language: briefing.language,
      // A briefing is not an answer: the summary owns its deadline, the same length as one.
      deadline: startDeadline(options.deadlineMs ?? DEFAULT_LLM_CONFIG.deadlineMs, signal),
    });
    for await (const event of events) {
      if (event.type !== 'final') continue;
      if (!event.ok || event.declined || event.cited.length === 0) return null;
      const oneDocument = new Set(points.map((p) => p.document)).size === 1;
      return event.text.replace(/\[(\d+)\]/g, (mark, n: string) => {
        const point = points[Number(n) - 1];
        if (!point) return '';
        return oneDocument ? `(¶${point.paragraph})` : `(${point.title} · ¶${point.paragraph})`;
      });
    }
    return null;
  };
}

function keyPoints(briefing: Briefing): KeyPoint[] {
  const articles = (briefing.sources ?? []).flatMap((s) => s.articles.flatMap((a) => a.points));
  return [...articles, ...briefing.documents.flatMap((d) => d.points), ...briefing.highlights];
}
