import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLlmAnswerer } from '../../src/openai/answerer.js';
import type { LlmConfig } from '../../src/core/llm/config.js';
import { startDeadline } from '../../src/core/llm/deadline.js';
import { defaultPromptsDir, loadPrompts, type Prompts } from '../../src/core/llm/prompts.js';
import { questionOf, startFakeOpenAI, systemOf, taskOf, userOf, type FakeOpenAI, type RecordedRequest } from './fake-openai.js';
import { recordingLogger, testConfig } from './helpers.js';

let fake: FakeOpenAI;
let prompts: Prompts;
beforeAll(async () => {
  prompts = await loadPrompts(defaultPromptsDir());
});
afterEach(async () => {
  await fake?.close();
});

const TRANSLATIONS: Record<string, string> = {
  "Who is France's ambassador to the UN?": 'من هو سفير فرنسا لدى الأمم المتحدة؟',
  "Qui est l'ambassadeur de France à l'ONU ?": 'من هو سفير فرنسا لدى الأمم المتحدة؟',
  'What did the ambassador François Delattre announce?': 'ماذا أعلن السفير فرنسوا ديلاتر؟',
};
const CONDENSED: Record<string, string> = {
  'ماذا قال؟': 'ماذا قال سفير فرنسا لدى الأمم المتحدة فرنسوا ديلاتر؟',
  'And what did he announce?': 'What did the ambassador François Delattre announce?',
};

/** A fake model that condenses and translates by lookup, and says so when it cannot. */
function lookupModel(request: RecordedRequest) {
  const question = questionOf(request);
  const task = taskOf(request);
  if (task === 'translate') return { kind: 'reply' as const, text: `Translation: "${TRANSLATIONS[question] ?? question}"` };
  if (task === 'condense') return { kind: 'reply' as const, text: CONDENSED[question] ?? question };
  return { kind: 'status' as const, status: 400, message: `unexpected task ${task}` };
}

async function setup(overrides: Partial<LlmConfig> = {}) {
  fake = await startFakeOpenAI();
  fake.chat = lookupModel;
  const logger = recordingLogger();
  return { answerer: createLlmAnswerer(testConfig(fake.url, overrides), { logger, prompts }), logger };
}

/** The caller's deadline (the pipeline's, in the app). */
const deadline = () => startDeadline(3_000);

describe('rewriteQuery', () => {
  it('translates an English question into the knowledge language, and keeps the original first', async () => {
    const { answerer } = await setup();
    const queries = await answerer.rewriteQuery("Who is France's ambassador to the UN?", [], ['ar'], deadline());
    expect(queries).toEqual(["Who is France's ambassador to the UN?", 'من هو سفير فرنسا لدى الأمم المتحدة؟']);
    const [request] = fake.chatRequests();
    expect(taskOf(request!)).toBe('translate');
    expect(systemOf(request!)).toContain('from English into Arabic');
    expect(request?.body.model).toBe('fake-chat');
  });

  it('translates French too', async () => {
    const { answerer } = await setup();
    const queries = await answerer.rewriteQuery("Qui est l'ambassadeur de France à l'ONU ?", [], ['ar'], deadline());
    expect(queries).toEqual(["Qui est l'ambassadeur de France à l'ONU ?", 'من هو سفير فرنسا لدى الأمم المتحدة؟']);
    expect(systemOf(fake.chatRequests()[0]!)).toContain('from French into Arabic');
  });

  it('makes no request for a question already in the knowledge language, outside a thread', async () => {
    const { answerer } = await setup();
    const queries = await answerer.rewriteQuery('من هو سفير فرنسا لدى الأمم المتحدة؟', [], ['ar'], deadline());
    expect(queries).toEqual(['من هو سفير فرنسا لدى الأمم المتحدة؟']);
    expect(fake.chatRequests()).toHaveLength(0);
  });

  it('condenses a follow-up using the thread', async () => {
    const { answerer } = await setup();
    const conversation = [
      { role: 'user' as const, text: 'من هو سفير فرنسا لدى الأمم المتحدة؟' },
      { role: 'assistant' as const, text: 'سفير فرنسا لدى الأمم المتحدة هو فرنسوا ديلاتر [1].' },
    ];
    const queries = await answerer.rewriteQuery('ماذا قال؟', conversation, ['ar'], deadline());
    expect(queries).toEqual(['ماذا قال سفير فرنسا لدى الأمم المتحدة فرنسوا ديلاتر؟']);
    const [request] = fake.chatRequests();
    expect(taskOf(request!)).toBe('condense');
    expect(userOf(request!)).toContain('User: من هو سفير فرنسا لدى الأمم المتحدة؟');
    expect(userOf(request!)).toContain('Assistant: سفير فرنسا لدى الأمم المتحدة هو فرنسوا ديلاتر.');
  });

  it('condenses an English follow-up, then translates the standalone question', async () => {
    const { answerer } = await setup();
    const conversation = [
      { role: 'user' as const, text: "Who is France's ambassador to the UN?" },
      { role: 'assistant' as const, text: 'François Delattre [1].' },
    ];
    const queries = await answerer.rewriteQuery('And what did he announce?', conversation, ['ar'], deadline());
    expect(queries).toEqual(['What did the ambassador François Delattre announce?', 'ماذا أعلن السفير فرنسوا ديلاتر؟']);
    expect(fake.chatRequests().map(taskOf)).toEqual(['condense', 'translate']);
  });

  it('never throws: a failing server leaves the question as asked', async () => {
    const { answerer, logger } = await setup({ maxRetries: 0 });
    fake.chat = () => ({ kind: 'status', status: 500 });
    const queries = await answerer.rewriteQuery(
      'And what did he announce?',
      [{ role: 'user', text: 'Who is the ambassador?' }],
      ['ar'],
      deadline(),
    );
    expect(queries).toEqual(['And what did he announce?']);
    expect(logger.lines.some((l) => l.level === 'warn' && /condense/.test(l.message))).toBe(true);
  });

  it('never hangs: returns the question when the caller aborts', async () => {
    const { answerer } = await setup();
    fake.chat = () => ({ kind: 'hang' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    // The server hangs and the deadline is 10 s: returning at all is the caller's abort at work.
    const queries = await answerer.rewriteQuery(
      "Who is France's ambassador to the UN?",
      [],
      ['ar'],
      startDeadline(10_000, controller.signal),
    );
    expect(queries).toEqual(["Who is France's ambassador to the UN?"]);
  });
});
