/**
 * The LLM path through the real assistant over the repo's Arabic article, against the fake
 * OpenAI-compatible server: cross-language answers cite the Arabic paragraph; a failing or
 * unverifiable model falls back to the extractive answer and says why.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAssistant, type SanadAssistant } from '../../src/core/index.js';
import { createLlmAnswerer } from '../../src/openai/answerer.js';
import { defaultPromptsDir, loadPrompts } from '../../src/core/llm/prompts.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { questionOf, startFakeOpenAI, taskOf, userOf, type ChatBehaviour, type FakeOpenAI, type RecordedRequest } from './fake-openai.js';
import { recordingLogger, testConfig } from './helpers.js';

const TRANSLATIONS: Record<string, string> = {
  "Who is France's ambassador to the United Nations?": 'من هو سفير فرنسا لدى الأمم المتحدة؟',
  "Qui est l'ambassadeur de France auprès des Nations unies ?": 'من هو سفير فرنسا لدى الأمم المتحدة؟',
};

/** The [n] of the passage in an answer prompt whose text contains `needle`, or null. */
function passageWith(request: RecordedRequest, needle: string): number | null {
  const blocks = userOf(request).split(/\n(?=\[\d+\] )/);
  for (const block of blocks) {
    const m = /^(?:<passages>\n)?\[(\d+)\] /.exec(block);
    if (m && block.includes(needle)) return Number(m[1]);
  }
  return null;
}

/** A model that translates by lookup and answers about the ambassador from whatever [n] holds ¶2. */
function model(answer: (n: number, question: string) => string) {
  return (request: RecordedRequest): ChatBehaviour => {
    const question = questionOf(request);
    switch (taskOf(request)) {
      case 'translate':
        return { kind: 'reply', text: TRANSLATIONS[question] ?? question };
      case 'condense':
        return { kind: 'reply', text: question };
      case 'answer': {
        const n = passageWith(request, 'فرنسوا ديلاتر');
        return { kind: 'reply', text: n === null ? 'NO_ANSWER The documents do not answer this.' : answer(n, question) };
      }
      default:
        return { kind: 'status', status: 400 };
    }
  };
}

let fake: FakeOpenAI;
let assistant: SanadAssistant;

beforeAll(async () => {
  fake = await startFakeOpenAI();
  const prompts = await loadPrompts(defaultPromptsDir());
  const llm = createLlmAnswerer(testConfig(fake.url, { maxRetries: 1 }), { logger: recordingLogger(), prompts });
  assistant = await createAssistant({ knowledgeDir: ARTICLE_KNOWLEDGE, llm, cacheDir: null });
});
afterAll(async () => {
  await assistant?.close();
  await fake?.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

describe('LLM mode over the Arabic article', () => {
  it('answers an English question in English, citing the Arabic paragraph ¶2', async () => {
    fake.chat = model((n) => `France's ambassador to the United Nations is François Delattre [${n}].`);
    const answer = await assistant.ask("Who is France's ambassador to the United Nations?");
    expect(answer.mode).toBe('llm');
    expect(answer.fallbackReason).toBeUndefined();
    expect(answer.abstained).toBe(false);
    expect(answer.language).toBe('en');
    expect(answer.answer).toMatch(/François Delattre \[\d\]/);
    expect(answer.citations.map((c) => c.paragraph)).toEqual([2]);
    expect(answer.citations[0]?.text).toContain('فرنسوا ديلاتر');
    expect(answer.usage).toEqual({ promptTokens: 100, completionTokens: 20 });
    // Retrieval ran on the Arabic translation: the model was asked to translate, then to answer.
    expect(fake.chatRequests().map(taskOf)).toEqual(['translate', 'answer']);
  });

  it('answers a French question in French, streaming the text first', async () => {
    fake.chat = model((n) => `L'ambassadeur de France auprès des Nations unies est François Delattre [${n}].`);
    const deltas: string[] = [];
    let final;
    for await (const event of assistant.askStream("Qui est l'ambassadeur de France auprès des Nations unies ?")) {
      if (event.type === 'delta') deltas.push(event.text);
      else final = event.answer;
    }
    expect(deltas.length).toBeGreaterThan(1);
    expect(final).toMatchObject({ mode: 'llm', language: 'fr', abstained: false });
    expect(final!.citations.map((c) => c.paragraph)).toEqual([2]);
  });

  it('marks the answer abstained when the model says the passages do not answer', async () => {
    fake.chat = (request) =>
      taskOf(request) === 'answer'
        ? { kind: 'reply', text: "NO_ANSWER The documents don't say who won the 2018 World Cup." }
        : { kind: 'reply', text: 'من فاز بكأس العالم لكرة القدم عام 2018؟' };
    const answer = await assistant.ask('Who won the 2018 football World Cup?');
    expect(answer.mode).toBe('llm');
    expect(answer.abstained).toBe(true);
    expect(answer.citations).toEqual([]);
    expect(answer.fallbackReason).toBeUndefined();
  });

  it('falls back to the extractive answer when the server fails', async () => {
    fake.chat = () => ({ kind: 'status', status: 500 });
    const answer = await assistant.ask('من هو سفير فرنسا لدى الأمم المتحدة؟');
    expect(answer.mode).toBe('extractive');
    expect(answer.fallbackReason).toBe('unavailable');
    expect(answer.notice).toBeTruthy();
    expect(answer.abstained).toBe(false);
    expect(answer.citations[0]?.paragraph).toBe(2);
  });

  it('falls back when the model states a number that is not in the passage', async () => {
    fake.chat = model((n) => `France's ambassador since 2015 is François Delattre [${n}].`);
    const answer = await assistant.ask('من هو سفير فرنسا لدى الأمم المتحدة؟');
    expect(answer.mode).toBe('extractive');
    expect(answer.fallbackReason).toBe('unverified');
    expect(answer.citations[0]?.paragraph).toBe(2);
  });
});

describe('a summary with a model configured', () => {
  it('is written by the model from the central paragraphs, citing them', async () => {
    fake.chat = (request) =>
      taskOf(request) === 'answer'
        ? { kind: 'reply', text: 'تسعى فرنسا إلى قرار أممي ضد تمويل الإرهاب [1]، وتشارك في عملية شمال [3].' }
        : { kind: 'reply', text: questionOf(request) };
    const answer = await assistant.ask('لخص المقال');
    expect(answer).toMatchObject({ intent: 'summary', mode: 'llm', abstained: false });
    expect(answer.answer).toContain('[3]');
    expect(answer.citations.map((c) => c.n)).toEqual([1, 3]);
    expect(answer.citations[1]!.text).toContain('عملية شمال');
    // The model saw the central paragraphs, not a retrieval for the words "لخص المقال".
    const prompt = userOf(fake.chatRequests().find((r) => taskOf(r) === 'answer')!);
    expect(prompt).toContain('أنها تريد قرارا من مجلس الأمن الدولي');
  });

  it('falls back to the extractive key points when the model fails', async () => {
    fake.chat = () => ({ kind: 'status', status: 500 });
    const answer = await assistant.ask('لخص المقال');
    expect(answer).toMatchObject({ intent: 'summary', mode: 'extractive', fallbackReason: 'unavailable', abstained: false });
    expect(answer.notice).toBeTruthy();
    expect(answer.citations.length).toBeGreaterThanOrEqual(3);
  });
});
