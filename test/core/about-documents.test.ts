/**
 * "لخص المقال" with two documents: the one meant is summarised, or the bot asks which; and
 * bullets are not doubled when a quoted line has its own Markdown bullet.
 */
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAssistant, type SanadAssistant } from '../../src/core/assistant.js';
import type { Answer, Turn } from '../../src/core/types.js';
import { ARTICLE, ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';

const ARTICLE_TITLE = 'جهود فرنسا في مكافحة الإرهاب داخليا وعلى المستوى الأممي';
const HANDBOOK = `---
title: دليل الفريق
---
# دليل الفريق

يعمل الفريق من مكتب الرياض ومن المنازل حسب جدول أسبوعي يتفق عليه الجميع.

## الأدوات

يستخدم الفريق الأدوات التالية:
- Slack للتواصل اليومي
- GitHub لإدارة الشيفرة والمراجعات
- Jira لتتبع المهام والأخطاء

## الاجتماعات

يجتمع الفريق كل يوم أحد في الساعة العاشرة صباحا لمراجعة خطة الأسبوع.
`;

let two: SanadAssistant;
let one: SanadAssistant;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-two-docs-'));
  copyFileSync(join(ARTICLE_KNOWLEDGE, ARTICLE), join(dir, ARTICLE));
  writeFileSync(join(dir, 'handbook.ar.md'), HANDBOOK);
  two = await createAssistant({ knowledgeDir: dir });
  one = await createAssistant({ knowledgeDir: ARTICLE_KNOWLEDGE });
});

const documentsCited = (answer: Answer) => [...new Set(answer.citations.map((c) => c.document))].sort();
const thread = (...turns: [string, Answer][]): Turn[] =>
  turns.flatMap(([q, a]) => [
    { role: 'user' as const, text: q },
    { role: 'assistant' as const, text: a.answer },
  ]);

describe('a summary when several documents fit (item 11)', () => {
  it('asks which document is meant, listing them numbered, instead of summarising both', async () => {
    const answer = await two.ask('لخص المقال');
    expect(answer.abstained).toBe(false);
    expect(answer.citations).toEqual([]);
    expect(answer.intent).toBe('document');
    const lines = answer.answer.split('\n');
    expect(lines[0]).toBe('أيّ مستند تقصد؟');
    expect(lines).toContain(`1. «${ARTICLE_TITLE}»`);
    expect(lines).toContain('2. «دليل الفريق»');
  });

  it('summarises the one picked in the reply: by number, by ordinal, by title', async () => {
    const which = await two.ask('لخص المقال');
    for (const reply of ['2', '٢', 'الثاني', 'دليل الفريق']) {
      const answer = await two.ask(reply, { conversation: thread(['لخص المقال', which]) });
      expect(answer.intent, reply).toBe('summary');
      expect(documentsCited(answer), reply).toEqual(['handbook.ar.md']);
      expect(answer.answer.split('\n')[0]).toBe('أبرز ما في «دليل الفريق»:');
    }
    const first = await two.ask('1', { conversation: thread(['لخص المقال', which]) });
    expect(documentsCited(first)).toEqual([ARTICLE]);
  });

  it('reads a longer message after the question as a new question, not as a pick', async () => {
    const which = await two.ask('لخص المقال');
    const answer = await two.ask('ما هي أول عملية عسكرية فرنسية في منطقة الساحل؟', { conversation: thread(['لخص المقال', which]) });
    expect(answer.intent).toBeUndefined();
  });

  it('summarises the one named, and all of them when asked for all', async () => {
    expect(documentsCited(await two.ask('لخص دليل الفريق'))).toEqual(['handbook.ar.md']);
    const all = await two.ask('لخص المستندات');
    expect(all.intent).toBe('summary');
    expect(documentsCited(all)).toEqual([ARTICLE, 'handbook.ar.md'].sort());
    expect(documentsCited(await two.ask('Summarize all the documents'))).toEqual([ARTICLE, 'handbook.ar.md'].sort());
  });

  it('summarises a lone document without asking', async () => {
    const answer = await one.ask('لخص المقال');
    expect(answer.intent).toBe('summary');
    expect(documentsCited(answer)).toEqual([ARTICLE]);
  });
});

describe('bullets in answers (item 14)', () => {
  it('gives a Markdown list one bullet per line in an extractive answer', async () => {
    const answer = await two.ask('ما هي الأدوات التي يستخدمها الفريق؟');
    expect(answer.answer).toContain('• Slack للتواصل اليومي');
    expect(answer.answer).not.toMatch(/•\s*[-*]/);
    // The quote stays the paragraph's own text, bullets included.
    expect(answer.citations[0]!.quote).toContain('- Slack للتواصل اليومي');
  });

  it('and in a summary whose key point is a list item', async () => {
    const answer = await two.ask('لخص دليل الفريق');
    expect(answer.answer).not.toMatch(/•\s*[-*]/);
    expect(answer.answer).toMatch(/^• GitHub لإدارة الشيفرة والمراجعات \[\d\]$/m);
  });
});
