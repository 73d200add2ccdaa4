import type { Answer, Citation } from '../../../src/core/types.js';

export function citation(overrides: Partial<Citation> = {}): Citation {
  return {
    n: 1,
    document: 'france-counterterrorism.ar.txt',
    title: 'فرنسا ومكافحة الإرهاب',
    paragraph: 2,
    section: null,
    text: 'قال السفير فرنسوا ديلاتر إن فرنسا ملتزمة.',
    quote: 'قال السفير فرنسوا ديلاتر إن فرنسا ملتزمة.',
    score: 1,
    paragraphId: 'france-counterterrorism.ar.txt#2',
    collection: 'default',
    ...overrides,
  };
}

export function answer(overrides: Partial<Answer> = {}): Answer {
  const citations = overrides.citations ?? [citation()];
  return {
    question: 'من هو سفير فرنسا لدى الأمم المتحدة؟',
    answer: 'سفير فرنسا لدى الأمم المتحدة هو فرنسوا ديلاتر [1].',
    abstained: false,
    language: 'ar',
    mode: 'extractive',
    citations,
    retrieved: [],
    timings: { retrieveMs: 1, answerMs: 1, totalMs: 2 },
    ...overrides,
  };
}
