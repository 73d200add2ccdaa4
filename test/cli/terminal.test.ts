/** The terminal rendering: bidi marks only on a terminal, direction from the dominant script. */
import { describe, expect, it } from 'vitest';
import { formatAnswer } from '../../src/cli/terminal.js';
import { dominantDirection } from '../../src/core/text/index.js';
import type { Answer } from '../../src/core/types.js';

const RLM = '\u200F';

const answer: Answer = {
  question: 'ما أدوات الفريق؟',
  answer: '• Slack للتواصل اليومي\n• GitHub لإدارة الشيفرة والمراجعات [1]',
  abstained: false,
  language: 'ar',
  mode: 'extractive',
  citations: [
    {
      n: 1,
      document: 'handbook.md',
      title: 'دليل الفريق',
      paragraph: 2,
      section: 'الأدوات',
      text: 'x',
      quote: 'Slack للتواصل اليومي',
      score: 1,
      paragraphId: 'h#2',
      collection: 'main',
    },
  ],
  retrieved: [],
  timings: { retrieveMs: 1, answerMs: 1, totalMs: 2 },
};

describe('formatAnswer', () => {
  it('marks Arabic lines right-to-left on a terminal, even one that opens with a Latin word', () => {
    const lines = formatAnswer(answer, { terminal: true }).split('\n');
    expect(lines[0]).toBe(`${RLM}• Slack للتواصل اليومي`);
    expect(lines[1]).toBe(`${RLM}• GitHub لإدارة الشيفرة والمراجعات [1]`);
    expect(lines.some((l) => l.includes(`${RLM}    ❝ Slack للتواصل اليومي`))).toBe(true);
  });

  it('writes the text as it is, with no invisible marks or colours, off a terminal', () => {
    const text = formatAnswer(answer, { terminal: false });
    expect(text).not.toContain(RLM);
    expect(text).not.toContain('\x1b[');
    expect(text.split('\n')[0]).toBe('• Slack للتواصل اليومي');
    expect(formatAnswer(answer)).toBe(text);
  });
});

describe('dominantDirection', () => {
  it.each([
    ['Slack للتواصل اليومي مع الفريق', 'rtl'],
    ['Who is the French ambassador (السفير) to the UN?', 'ltr'],
    ['ماذا قال السفير François Delattre في الأمم المتحدة؟', 'rtl'],
    ['2026 · ¶3', null],
  ] as const)('%s → %s', (text, direction) => {
    expect(dominantDirection(text)).toBe(direction);
  });
});
