import { afterEach, describe, expect, it } from 'vitest';
import { buildBriefing } from '../../src/briefing/build.js';
import { createLlmBriefingSummarizer } from '../../src/briefing/summarize.js';
import { renderMarkdown } from '../../src/briefing/render-text.js';
import { createLlmAnswerer } from '../../src/openai/answerer.js';
import { resolveLlmConfig } from '../../src/core/llm/config.js';
import { defaultPromptsDir, loadPrompts } from '../../src/core/llm/prompts.js';
import type { LlmAnswerer, LlmAnswerInput, LlmEvent } from '../../src/core/llm/port.js';
import { silentLogger } from '../../src/core/ports.js';
import { EMPTY_STATS } from '../../src/state/types.js';
import { startFakeOpenAI, type FakeOpenAI } from '../llm/fake-openai.js';
import { article } from './helpers.js';

const ART = article();
const briefing = () =>
  buildBriefing({
    documents: [ART],
    changedSince: [{ document: ART.document, status: 'new' }],
    stats: { ...EMPTY_STATS, declinedQuestions: [] },
    language: 'auto',
    whenQuiet: 'skip',
    date: '2026-11-29',
  })!;

/** A hand-written LLM path that answers with one final event and records what it was given. */
function scripted(final: Extract<LlmEvent, { type: 'final' }>): LlmAnswerer & { inputs: LlmAnswerInput[] } {
  const inputs: LlmAnswerInput[] = [];
  return {
    inputs,
    async *answer(input) {
      inputs.push(input);
      yield { type: 'delta', text: 'x' };
      yield final;
    },
    rewriteQuery: async (q) => [q],
  } satisfies LlmAnswerer & { inputs: LlmAnswerInput[] };
}

let fake: FakeOpenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('the LLM briefing summary', () => {
  it('is written from the key points and cites their real paragraphs as (¶N)', async () => {
    const b = briefing();
    const points = b.documents[0]!.points;
    const llm = scripted({ type: 'final', ok: true, text: 'فرنسا تعمل مع شركائها [1]، وتدعم مكافحة التمويل [2].', cited: [1, 2] });
    const summary = await createLlmBriefingSummarizer(llm)(b);
    expect(summary).toBe(`فرنسا تعمل مع شركائها (¶${points[0]!.paragraph})، وتدعم مكافحة التمويل (¶${points[1]!.paragraph}).`);
    expect(llm.inputs[0]!.passages.map((p) => p.text)).toEqual(points.map((p) => p.quote));
    expect(llm.inputs[0]!.language).toBe('ar');
    b.summary = summary!;
    expect(renderMarkdown(b)).toContain(summary!);
  });

  it('stays extractive when the model fails, declines or cites nothing', async () => {
    const b = briefing();
    expect(await createLlmBriefingSummarizer(scripted({ type: 'final', ok: false, reason: 'timeout' }))(b)).toBeNull();
    expect(
      await createLlmBriefingSummarizer(scripted({ type: 'final', ok: true, declined: true, text: 'NO_ANSWER', cited: [] }))(b),
    ).toBeNull();
    expect(await createLlmBriefingSummarizer(scripted({ type: 'final', ok: true, text: 'كلام بلا مصدر', cited: [] }))(b)).toBeNull();
  });

  it('goes through the real verification: a number not in the cited point is refused', async () => {
    fake = await startFakeOpenAI();
    const llm = createLlmAnswerer(resolveLlmConfig({ baseURL: fake.url, deadlineMs: 5000 }), {
      logger: silentLogger,
      prompts: await loadPrompts(defaultPromptsDir()),
    });
    fake.chat = () => ({ kind: 'reply', text: 'شاركت 4000 دولة في المؤتمر [1].' });
    expect(await createLlmBriefingSummarizer(llm)(briefing())).toBeNull();
    fake.chat = () => ({ kind: 'reply', text: 'تعمل فرنسا مع شركائها على مكافحة الإرهاب [1].' });
    expect(await createLlmBriefingSummarizer(llm)(briefing())).toMatch(/\(¶\d+\)/);
  });
});
