/**
 * Cross-language retrieval in LLM mode: the English and French questions of the shared bench,
 * translated by a fake model (a lookup table of plain translations, not the article's wording),
 * must reach the same hit@3 as the Arabic questions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAssistant, type SanadAssistant } from '../../src/core/index.js';
import { createLlmAnswerer } from '../../src/openai/answerer.js';
import { defaultPromptsDir, loadPrompts } from '../../src/core/llm/prompts.js';
import { normalizeForMatch } from '../../src/core/text/index.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { questionOf, startFakeOpenAI, taskOf, type FakeOpenAI } from './fake-openai.js';
import { recordingLogger, testConfig } from './helpers.js';

interface BenchQuestion {
  id: string;
  lang: 'ar' | 'en' | 'fr';
  question: string;
  evidence: string[];
  answerable: boolean;
}

const BENCH = resolve(import.meta.dirname, '../../../shared/bench/article-qa.json');

/** What a decent model answers to "translate into Arabic": natural Arabic, not the article's phrases. */
const TRANSLATIONS: Record<string, string> = {
  'Who is the French ambassador to the United Nations?': 'من هو السفير الفرنسي لدى الأمم المتحدة؟',
  'How many countries attended the Paris conference on terrorist financing?': 'كم عدد الدول التي حضرت مؤتمر باريس حول تمويل الإرهاب؟',
  'Which countries make up the G5 Sahel?': 'ما هي الدول التي تتكون منها مجموعة دول الساحل الخمس؟',
  "Quel est le nom de l'opération militaire française au Mali en 2013 ?": 'ما اسم العملية العسكرية الفرنسية في مالي عام 2013؟',
};

let fake: FakeOpenAI;
let assistant: SanadAssistant;
let questions: BenchQuestion[];

beforeAll(async () => {
  if (!existsSync(BENCH)) return;
  questions = (JSON.parse(readFileSync(BENCH, 'utf8')) as { questions: BenchQuestion[] }).questions.filter((q) => q.answerable);
  fake = await startFakeOpenAI();
  fake.chat = (request) => {
    const question = questionOf(request);
    if (taskOf(request) === 'translate') {
      const translation = TRANSLATIONS[question];
      return translation
        ? { kind: 'reply', text: translation }
        : { kind: 'status', status: 400, message: `no translation for ${question}` };
    }
    return { kind: 'reply', text: 'NO_ANSWER' };
  };
  const llm = createLlmAnswerer(testConfig(fake.url), { logger: recordingLogger(), prompts: await loadPrompts(defaultPromptsDir()) });
  assistant = await createAssistant({ knowledgeDir: ARTICLE_KNOWLEDGE, llm, cacheDir: null });
});
afterAll(async () => {
  await assistant?.close();
  await fake?.close();
});

async function hitAt3(q: BenchQuestion): Promise<boolean> {
  const answer = await assistant.ask(q.question);
  const evidence = q.evidence.map(normalizeForMatch);
  return answer.retrieved.slice(0, 3).some((r) => evidence.some((e) => normalizeForMatch(r.text).includes(e)));
}

// The bench lives next to the repo (../shared/bench), as `npm run eval` expects.
it.skipIf(!existsSync(BENCH))('English and French questions reach the hit@3 of the Arabic ones', async () => {
  const arabic = questions.filter((q) => q.lang === 'ar');
  const foreign = questions.filter((q) => q.lang !== 'ar');
  expect(foreign.length).toBeGreaterThanOrEqual(4);
  for (const q of foreign) expect(TRANSLATIONS[q.question], `a translation for ${q.id}`).toBeDefined();
  const arHits = await Promise.all(arabic.map(hitAt3));
  const foreignHits = await Promise.all(foreign.map(hitAt3));
  const rate = (hits: boolean[]) => hits.filter(Boolean).length / hits.length;
  const missed = foreign.filter((_, i) => !foreignHits[i]).map((q) => q.id);
  expect(missed, `hit@3 ar ${rate(arHits).toFixed(2)}; missed en/fr: ${missed.join(', ')}`).toEqual([]);
  expect(rate(foreignHits)).toBeGreaterThanOrEqual(rate(arHits));
  // Every foreign question went through a translation request.
  expect(fake.chatRequests().filter((r) => taskOf(r) === 'translate')).toHaveLength(foreign.length);
});
