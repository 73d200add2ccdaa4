import { describe, expect, it } from 'vitest';
import { AnswerService, type AnswerServiceOptions, type AnswerSink } from '../../src/answering/index.js';
import {
  type Answer,
  type AnswerEvent,
  type AskOptions,
  type Assistant,
  type Clock,
  type Logger,
  MemoryStateStore,
  type Reply,
  type StateStore,
} from '../../src/core/index.js';

/** A clock the test moves by hand: throttling is checked without waiting. */
class ManualClock implements Clock {
  constructor(public ms = 1_000_000) {}
  now(): Date {
    return new Date(this.ms);
  }
}

function recordingLogger(): Logger & { lines: { level: string; message: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const make = (): Logger => ({
    debug: (message, fields = {}) => lines.push({ level: 'debug', message, fields }),
    info: (message, fields = {}) => lines.push({ level: 'info', message, fields }),
    warn: (message, fields = {}) => lines.push({ level: 'warn', message, fields }),
    error: (message, fields = {}) => lines.push({ level: 'error', message, fields }),
    child: () => make(),
  });
  return Object.assign(make(), { lines });
}

function finalAnswer(text: string): Answer {
  return {
    question: 'q',
    answer: text,
    abstained: false,
    language: 'ar',
    mode: 'llm',
    citations: [
      {
        n: 1,
        document: 'a.md',
        title: 'A',
        paragraph: 3,
        section: null,
        text: 'نص',
        quote: 'نص',
        score: 1,
        paragraphId: 'a.md#3',
        collection: '',
      },
    ],
    retrieved: [],
    timings: { retrieveMs: 0, answerMs: 0, totalMs: 0 },
  };
}

/**
 * An assistant that plays a script: each step is a delta at a clock time, then (unless
 * `final` is null) the final answer. It records the options it was asked with.
 */
function scriptedAssistant(
  clock: ManualClock,
  steps: { at: number; text: string }[],
  final: Answer | null,
): Assistant & { asked: AskOptions[] } {
  const asked: AskOptions[] = [];
  return {
    asked,
    ask: () => Promise.reject(new Error('the service streams; ask is not used')),
    askStream(_question: string, options: AskOptions = {}): AsyncIterable<AnswerEvent> {
      asked.push(options);
      return (async function* () {
        for (const step of steps) {
          clock.ms = step.at;
          yield { type: 'delta' as const, text: step.text };
        }
        if (final) yield { type: 'final' as const, answer: final };
      })();
    },
    paragraph: () => null,
  };
}

function recordingSink(options: { failDeliver?: boolean } = {}) {
  const events: (['progress', string] | ['deliver', string] | ['apologise', Reply, string])[] = [];
  const sink: AnswerSink = {
    progress: async (text) => void events.push(['progress', text]),
    deliver: async (answer) => {
      if (options.failDeliver) throw new Error('message too long for the platform');
      events.push(['deliver', answer.answer]);
    },
    apologise: async (reply, errorId) => void events.push(['apologise', reply, errorId]),
  };
  return { sink, events };
}

function service(
  assistant: Assistant,
  clock: Clock,
  store: StateStore = new MemoryStateStore(),
  options: Partial<AnswerServiceOptions> = {},
) {
  const logger = recordingLogger();
  const answering = new AnswerService(
    { assistant, store, logger, clock },
    { platform: 'slack', streamIntervalMs: 1000, answerTimeoutMs: null, ...options },
  );
  return { answering, logger };
}

const REQUEST = { channel: 'C1', user: 'U1', question: 'متى تأسست المنظمة؟' };

describe('the answer service: answer, stream and record', () => {
  it('shows the growing text at most once per interval, then records and delivers the final answer', async () => {
    const clock = new ManualClock(0);
    const assistant = scriptedAssistant(
      clock,
      [
        { at: 200, text: 'تأسست ' },
        { at: 1000, text: 'المنظمة ' },
        { at: 1500, text: 'عام ' },
        { at: 2100, text: '1945' },
      ],
      finalAnswer('تأسست المنظمة عام 1945 [1]'),
    );
    const store = new MemoryStateStore();
    const { answering } = service(assistant, clock, store);
    const { sink, events } = recordingSink();

    const answer = await answering.answer(REQUEST, sink);

    expect(answer?.answer).toBe('تأسست المنظمة عام 1945 [1]');
    // 200 ms and 1500 ms are too soon after the last update; 1000 and 2100 are not.
    expect(events).toEqual([
      ['progress', 'تأسست المنظمة '],
      ['progress', 'تأسست المنظمة عام 1945'],
      ['deliver', 'تأسست المنظمة عام 1945 [1]'],
    ]);
    expect(store.questions).toEqual([
      {
        platform: 'slack',
        channel: 'C1',
        user: 'U1',
        question: REQUEST.question,
        answer: 'تأسست المنظمة عام 1945 [1]',
        abstained: false,
        citations: [{ document: 'a.md', paragraph: 3, paragraphId: 'a.md#3' }],
        at: new Date(2100),
      },
    ]);
  });

  it('never shows blank text as progress', async () => {
    const clock = new ManualClock(0);
    const assistant = scriptedAssistant(
      clock,
      [
        { at: 5000, text: '  ' },
        { at: 9000, text: 'نعم' },
      ],
      finalAnswer('نعم'),
    );
    const { answering } = service(assistant, clock);
    const { sink, events } = recordingSink();
    await answering.answer(REQUEST, sink);
    expect(events.filter((e) => e[0] === 'progress')).toEqual([['progress', '  نعم']]);
  });

  it('turns a stream that ends without an answer into one apology whose error id is logged with the cause', async () => {
    const clock = new ManualClock(0);
    const store = new MemoryStateStore();
    const { answering, logger } = service(scriptedAssistant(clock, [{ at: 10, text: 'نص' }], null), clock, store);
    const { sink, events } = recordingSink();

    expect(await answering.answer(REQUEST, sink)).toBeNull();

    const apology = events.find((e) => e[0] === 'apologise');
    expect(apology).toBeDefined();
    const [, reply, errorId] = apology as ['apologise', Reply, string];
    expect(errorId).toMatch(/^[A-Z0-9]{6}$/);
    expect(reply.kind).toBe('error');
    expect(reply.language).toBe('ar');
    expect(reply.text).toContain(errorId);
    const logged = logger.lines.find((l) => l.level === 'error');
    expect(logged?.fields).toMatchObject({ errorId, channel: 'C1', user: 'U1' });
    expect((logged?.fields.error as { code?: string }).code).toBe('no_answer');
    expect(store.questions).toHaveLength(0);
  });

  it('apologises when the platform refuses the answer, in the channel’s language', async () => {
    const clock = new ManualClock(0);
    const { answering } = service(scriptedAssistant(clock, [], finalAnswer('نعم')), clock);
    const { sink, events } = recordingSink({ failDeliver: true });
    expect(await answering.answer({ ...REQUEST, language: 'fr' }, sink)).toBeNull();
    expect(events.map((e) => e[0])).toEqual(['apologise']);
    expect((events[0] as ['apologise', Reply, string])[1].language).toBe('fr');
  });

  it('says sorry in the caller’s language when the question has none (digits only)', async () => {
    const clock = new ManualClock(0);
    const { answering } = service(scriptedAssistant(clock, [], null), clock);
    const { sink, events } = recordingSink();
    await answering.answer({ ...REQUEST, question: '1945?', otherwise: 'en' }, sink);
    expect((events[0] as ['apologise', Reply, string])[1].language).toBe('en');
  });

  it('still delivers the answer when the store cannot record it, and says so in the log', async () => {
    const clock = new ManualClock(0);
    const broken: StateStore = Object.assign(new MemoryStateStore(), {
      recordQuestion: () => Promise.reject(new Error('The database connection is not open')),
    });
    const { answering, logger } = service(scriptedAssistant(clock, [], finalAnswer('نعم')), clock, broken);
    const { sink, events } = recordingSink();
    expect((await answering.answer(REQUEST, sink))?.answer).toBe('نعم');
    expect(events).toEqual([['deliver', 'نعم']]);
    expect(logger.lines.some((l) => l.level === 'warn' && l.message === 'could not record the question')).toBe(true);
  });

  it('stops without an apology or a record when the asker went away', async () => {
    const clock = new ManualClock(0);
    const gone = new AbortController();
    gone.abort();
    const store = new MemoryStateStore();
    const { answering, logger } = service(scriptedAssistant(clock, [{ at: 1, text: 'نص' }], finalAnswer('نعم')), clock, store);
    const { sink, events } = recordingSink();
    expect(await answering.answer({ ...REQUEST, signal: gone.signal }, sink)).toBeNull();
    expect(events).toEqual([]);
    expect(store.questions).toHaveLength(0);
    expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('hands the core one signal holding the overall deadline, and the channel’s limits', async () => {
    const clock = new ManualClock(0);
    const assistant = scriptedAssistant(clock, [], finalAnswer('نعم'));
    const { answering } = service(assistant, clock, new MemoryStateStore(), { answerTimeoutMs: 5 });
    await answering.answer(
      { ...REQUEST, collections: ['public'], language: 'ar', conversation: [{ role: 'user', text: 'سؤال' }] },
      recordingSink().sink,
    );
    const [options] = assistant.asked;
    expect(options).toMatchObject({ collections: ['public'], language: 'ar', conversation: [{ role: 'user', text: 'سؤال' }] });
    expect(options?.signal?.aborted).toBe(false);
    // The deadline fires by itself (the test's own timeout is the hang guard).
    await new Promise((resolve) => options!.signal!.addEventListener('abort', resolve, { once: true }));
    expect(options?.signal?.aborted).toBe(true);
  });

  it('gives the core no signal of its own when there is neither a deadline nor an asker to lose', async () => {
    const clock = new ManualClock(0);
    const assistant = scriptedAssistant(clock, [], finalAnswer('نعم'));
    const { answering } = service(assistant, clock);
    await answering.answer(REQUEST, recordingSink().sink);
    expect(assistant.asked[0]?.signal).toBeUndefined();
  });
});
