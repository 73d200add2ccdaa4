/**
 * What a first-time user met in the web chat (issue 19, items 10, 11 and 13–16), in a real headless
 * Chromium at a 375 px phone width and at desktop width, against a real server on loopback.
 * Screenshots go to test-artifacts/ (git-ignored) for a person to look at.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Assistant } from '../../src/core/types.js';
import {
  CHROMIUM,
  fakeAssistant,
  fakeBriefing,
  hasChromium,
  realAssistant,
  recording,
  startWeb,
  ARTICLE_PARAGRAPHS,
  type FakeParagraph,
  type Running,
} from './helpers.js';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');
const WIDTHS = [
  ['phone', 375],
  ['desktop', 1280],
] as const;

/** The paragraph of the issue: a long title and a long section, cited as ¶26. */
const LONG_SECTION: FakeParagraph = {
  ...ARTICLE_PARAGRAPHS[0]!,
  paragraphId: 'france-counterterrorism.ar.txt#26',
  paragraph: 26,
  section: 'إرساء الاستقرار في المناطق المحررة وتوفير الحلول السياسية للنزاعات',
  text: 'وتعمل فرنسا على تحقيق هدفين أساسيين في العراق ألا وهما إرساء الاستقرار وإعادة إعمار البلاد.',
  quote: 'وتعمل فرنسا على تحقيق هدفين أساسيين في العراق ألا وهما إرساء الاستقرار وإعادة إعمار البلاد.',
  keywords: ['الاستقرار', 'stability'],
};

/** A team handbook whose answers are Arabic text with Latin product names at the start of lines. */
const HANDBOOK = `---
title: دليل الفريق
---
# دليل الفريق

## الأدوات

يستخدم الفريق الأدوات التالية:
- Slack للتواصل اليومي بين أعضاء الفريق
- GitHub لإدارة الشيفرة والمراجعات
- Jira لتتبع المهام والأخطاء
`;

it.skipIf(hasChromium)(`browser usability tests skipped: ${CHROMIUM} is missing (install it: apt-get install -y chromium)`, () => {});

describe.skipIf(!hasChromium)('web chat usability in headless Chromium', () => {
  let browser: Browser;
  let real: Assistant;
  let handbook: Assistant;
  let context: BrowserContext | undefined;
  let web: Running | undefined;
  let problems: string[] = [];

  beforeAll(async () => {
    real = await realAssistant();
    const dir = mkdtempSync(join(tmpdir(), 'sanad-handbook-'));
    writeFileSync(join(dir, 'handbook.ar.md'), HANDBOOK);
    handbook = await realAssistant(dir);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(() => closePage());

  async function open(options: {
    assistant?: Assistant;
    briefing?: ReturnType<typeof fakeBriefing>;
    locale?: string;
    width: number;
    hash?: string;
  }): Promise<Page> {
    web = await startWeb({ assistant: options.assistant ?? real, briefing: options.briefing });
    context = await browser.newContext({ locale: options.locale ?? 'ar', viewport: { width: options.width, height: 760 } });
    const page = await context.newPage();
    problems = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    await page.goto(web.url + (options.hash ?? ''));
    return page;
  }

  async function ask(page: Page, question: string): Promise<Locator> {
    const before = await page.locator('.msg--answer, .msg--decline, .msg--error').count();
    await page.locator('#question').fill(question);
    await page.locator('#question').press('Enter');
    const done = page.locator('.msg--answer, .msg--decline, .msg--error').nth(before);
    await done.waitFor();
    return done;
  }

  async function closePage() {
    await context?.close();
    await web?.stop();
    context = undefined;
    web = undefined;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`) });

  /** Every chip of an answer: inside the screen and its message, nothing spilling out, ¶N whole, title and section visible. */
  async function checkChips(answer: Locator, width: number) {
    const chips = await answer.locator('button.chip').evaluateAll((els) =>
      els.map((chip) => {
        const box = (e: Element | null) => {
          if (!e) return null;
          const r = e.getBoundingClientRect();
          return {
            left: r.left,
            right: r.right,
            width: r.width,
            scroll: (e as HTMLElement).scrollWidth,
            client: (e as HTMLElement).clientWidth,
            text: e.textContent,
          };
        };
        return {
          chip: box(chip)!,
          message: box(chip.closest('.msg'))!,
          para: box(chip.querySelector('.chip-para')),
          title: box(chip.querySelector('.chip-label')),
          section: box(chip.querySelector('.chip-section')),
        };
      }),
    );
    expect(chips.length).toBeGreaterThan(0);
    for (const { chip, message, para, title, section } of chips) {
      expect(chip.left).toBeGreaterThanOrEqual(0);
      expect(chip.right).toBeLessThanOrEqual(width);
      expect(chip.left).toBeGreaterThanOrEqual(message.left);
      expect(chip.right).toBeLessThanOrEqual(message.right);
      // Nothing inside the chip is wider than the chip.
      expect(chip.scroll).toBeLessThanOrEqual(chip.client + 1);
      expect(para, '¶N has an element of its own').not.toBeNull();
      expect(para!.text).toMatch(/^¶\d+$/);
      expect(para!.scroll, `${para!.text} is never cut`).toBeLessThanOrEqual(para!.client);
      expect(para!.left).toBeGreaterThanOrEqual(chip.left);
      expect(para!.right).toBeLessThanOrEqual(chip.right);
      // The title does not disappear; nor does the section.
      expect(title!.width).toBeGreaterThanOrEqual(24);
      if (section) expect(section.width).toBeGreaterThanOrEqual(24);
    }
    return chips;
  }

  for (const [name, width] of WIDTHS) {
    describe(`at ${name} width (${width} px)`, () => {
      it('item 13: shows a citation chip whole: ¶N never cut, title and section shortened, nothing off screen', async () => {
        for (const locale of ['en-US', 'ar']) {
          const page = await open({ assistant: fakeAssistant([...ARTICLE_PARAGRAPHS, LONG_SECTION]), locale, width });
          const answer = await ask(page, 'ما هي جهود فرنسا لإرساء الاستقرار؟');
          const [chip] = await checkChips(answer, width);
          expect(chip!.para!.text).toBe('¶26');
          if (width > 1000) {
            // There is room: nothing is shortened at all.
            expect(chip!.title!.scroll).toBeLessThanOrEqual(chip!.title!.client);
            expect(chip!.section!.scroll).toBeLessThanOrEqual(chip!.section!.client);
          }
          await shot(page, `web-chip-${width}-${locale}`);
          await closePage();
          // The real knowledge: a real answer citing a paragraph under a long section.
          const realPage = await open({ locale, width });
          const realAnswer = await ask(realPage, 'ما هي المشاريع التي تدعمها فرنسا في سورية لإرساء الاستقرار؟');
          const [realChip] = await checkChips(realAnswer, width);
          expect(realChip!.section!.text).toBe('إرساء الاستقرار في المناطق المحررة وتوفير الحلول السياسية للنزاعات');
          const overflow = await realPage.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          expect(overflow).toBeLessThanOrEqual(0);
          await shot(realPage, `web-chip-real-${width}-${locale}`);
          expect(problems).toEqual([]);
          await closePage();
        }
      });

      it('item 14: one bullet per list line, and an Arabic answer that starts with "Slack" reads right to left', async () => {
        const page = await open({ assistant: handbook, locale: 'en-US', width });
        const answer = await ask(page, 'ما هي الأدوات التي يستخدمها الفريق؟');
        const body = answer.locator('.msg-body');
        const text = (await body.textContent())!;
        expect(text).toContain('• Slack للتواصل اليومي');
        expect(text).not.toMatch(/•\s*[-*]/);
        expect(await body.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
        // Each line is laid out right to left: the first line ends at the body's right edge.
        const edges = await body.evaluate((el) => {
          const node = Array.from(el.childNodes).find((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.includes('Slack'))!;
          const range = document.createRange();
          const start = node.textContent!.indexOf('•');
          range.setStart(node, start);
          range.setEnd(node, node.textContent!.indexOf('\n', start));
          // A bidi line is several boxes (the Latin run, the Arabic run): take them all.
          const rects = Array.from(range.getClientRects());
          const onFirstLine = rects.filter((r) => Math.abs(r.top - rects[0]!.top) < 2);
          const box = el.getBoundingClientRect();
          const padding = parseFloat(getComputedStyle(el).paddingRight);
          return {
            lineRight: Math.max(...onFirstLine.map((r) => r.right)),
            lineLeft: Math.min(...onFirstLine.map((r) => r.left)),
            bodyRight: box.right - padding,
            bodyLeft: box.left,
          };
        });
        expect(Math.abs(edges.lineRight - edges.bodyRight)).toBeLessThanOrEqual(2);
        expect(edges.lineLeft - edges.bodyLeft).toBeGreaterThan(10);
        // The user's own Arabic message that starts with a Latin word, too.
        await ask(page, 'Slack أو Teams؟ ما الأداة التي نستخدمها للتواصل اليومي؟');
        expect(
          await page
            .locator('.msg--user .msg-body')
            .last()
            .evaluate((el) => getComputedStyle(el).direction),
        ).toBe('rtl');
        // An English message stays left to right.
        await ask(page, 'Which tool do we use for code reviews (المراجعات)?');
        expect(
          await page
            .locator('.msg--user .msg-body')
            .last()
            .evaluate((el) => getComputedStyle(el).direction),
        ).toBe('ltr');
        await shot(page, `web-direction-${width}`);
        expect(problems).toEqual([]);
      });

      it('item 15: keeps the conversation across a reload, until "New conversation"', async () => {
        const assistant = recording(real);
        const page = await open({ assistant, width });
        const questions = ['ما هي عملية شمال؟', 'ومتى حدث ذلك؟', 'من هو سفير فرنسا لدى الأمم المتحدة؟'];
        for (const q of questions) await ask(page, q);
        const shown = () => page.locator('#messages .msg:not(.msg--welcome) .msg-body').allTextContents();
        const before = await shown();
        expect(before).toHaveLength(2 * questions.length);
        await page.reload();
        await page.locator('#restored').waitFor();
        const users = page.locator('.msg--user .msg-body');
        expect(await users.allTextContents()).toEqual(questions);
        expect(await page.locator('.msg--answer, .msg--decline').count()).toBe(questions.length);
        expect(await shown()).toEqual(before);
        // Restored answers keep working: a chip opens its paragraph.
        await page.locator('.msg--answer').last().locator('button.chip').first().click();
        await page.locator('#paragraph-dialog').waitFor({ state: 'visible' });
        expect(await page.locator('#paragraph-text').textContent()).toContain('ديلاتر');
        await page.keyboard.press('Escape');
        await shot(page, `web-restored-${width}`);
        // The restored conversation is the context of the next question.
        await ask(page, 'ومن هو سفير فرنسا؟');
        const conversation = assistant.calls.at(-1)!.options?.conversation ?? [];
        expect(conversation.filter((t) => t.role === 'user').map((t) => t.text)).toEqual(questions);
        // "New conversation" forgets it, for good.
        await page.locator('#new-conversation').click();
        await page.reload();
        await page.locator('.msg--welcome').waitFor();
        expect(await page.locator('.msg--user').count()).toBe(0);
        expect(await page.locator('#restored').count()).toBe(0);
        expect(problems).toEqual([]);
      });

      it('item 16: keeps a pasted 11,100-character text whole, says it is too long, and counts near the limit', async () => {
        const page = await open({ width });
        await context!.grantPermissions(['clipboard-read', 'clipboard-write']);
        const long = 'فرنسا '.repeat(1850); // 11,100 characters
        expect(long.length).toBe(11_100);
        await page.evaluate((text) => navigator.clipboard.writeText(text), long);
        const input = page.locator('#question');
        await input.focus();
        await page.keyboard.press('Control+V');
        expect(await input.inputValue()).toBe(long);
        const count = page.locator('#char-count');
        await count.waitFor();
        // Counted as sent: trimmed, so the trailing space does not count.
        expect(await count.textContent()).toContain('11,099');
        expect(await count.textContent()).toContain('4,000');
        expect(await count.getAttribute('class')).toContain('char-count--over');
        expect(await page.locator('#send').isDisabled()).toBe(true);
        const box = (await count.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width).toBeLessThanOrEqual(width);
        await shot(page, `web-too-long-${width}`);
        // Enter does not send it, and nothing is lost.
        await input.press('Enter');
        expect(await page.locator('.msg--user').count()).toBe(0);
        expect(await input.inputValue()).toBe(long);
        // Near the limit: the count shows, sending works; well under it: no count.
        await input.fill('س'.repeat(3700));
        expect(await count.textContent()).toBe('3,700 / 4,000 حرف');
        expect(await count.getAttribute('class')).not.toContain('char-count--over');
        expect(await page.locator('#send').isEnabled()).toBe(true);
        await input.fill('سؤال قصير');
        expect(await count.isHidden()).toBe(true);
        expect(problems).toEqual([]);
      });

      it('items 10 and 11: lists the configured briefings, says which are not posted, and shows a date once', async () => {
        const page = await open({ briefing: fakeBriefing(), locale: 'en-US', width, hash: '#briefing' });
        const today = page.locator('.briefing--today');
        await today.waitFor();
        const buttons = page.locator('.briefing-channel');
        expect(await buttons.allTextContents()).toEqual(['general · web', '#security · Slack']);
        expect(await buttons.first().getAttribute('aria-pressed')).toBe('true');
        expect(await page.locator('#briefing-info').textContent()).toContain('shown here, never posted');
        // The title carries the day; the card does not repeat it.
        expect((await today.locator('.msg-head').textContent())!.split('2026-03-02')).toHaveLength(2);
        await buttons.nth(1).click();
        await expect.poll(() => buttons.nth(1).getAttribute('aria-pressed')).toBe('true');
        await expect.poll(() => page.locator('.briefing--today .briefing-title').textContent()).toContain('2026-03-03');
        expect(await page.locator('#briefing-info').textContent()).toContain('not connected to Slack');
        expect(await page.locator('#briefing-info').textContent()).toContain('0 8 * * 1-5 (Europe/Paris)');
        expect(await page.locator('.briefing--today .badge').textContent()).toBe('#security');
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect(overflow).toBeLessThanOrEqual(0);
        await shot(page, `web-briefings-${width}`);
        expect(problems).toEqual([]);
      });
    });
  }
});
