/**
 * The web chat in a real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
 * what a person sees and does, against a real server on loopback and, unless a test needs
 * something the knowledge cannot produce, the real assistant over the repo's knowledge.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../../src/core/state.js';
import type { Assistant } from '../../src/core/types.js';
import {
  AMBASSADOR_Q,
  ARTICLE_PARAGRAPHS,
  CHROMIUM,
  DECLINE_Q,
  HOSTILE_DECLINED,
  HOSTILE_PARAGRAPH,
  failingAssistant,
  fakeAssistant,
  fakeBriefing,
  SOURCE_ARTICLE_URL,
  hasChromium,
  realAssistant,
  recording,
  startWeb,
  type Running,
} from './helpers.js';
import { hostileKnowledgeDir } from '../fixtures/knowledge.js';

const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

// Without Chromium every test below is reported as skipped (never as passed), with the reason in its name.
const SUITE = hasChromium
  ? 'web chat in headless Chromium'
  : `web chat in headless Chromium: skipped, ${CHROMIUM} is missing (apt-get install -y chromium)`;

describe.skipIf(!hasChromium)(SUITE, () => {
  let browser: Browser;
  let real: Assistant;
  let context: BrowserContext | undefined;
  let web: Running | undefined;
  /** Every URL the page requested, and every CSP violation or page error it reported. */
  let requests: string[] = [];
  let problems: string[] = [];

  beforeAll(async () => {
    real = await realAssistant();
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
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await context?.close();
    await web?.stop();
    context = undefined;
    web = undefined;
  });

  async function open(
    options: {
      assistant?: Assistant;
      store?: MemoryStateStore;
      briefing?: ReturnType<typeof fakeBriefing>;
      locale?: string;
      width?: number;
      hash?: string;
    } = {},
  ): Promise<Page> {
    web = await startWeb({ assistant: options.assistant ?? real, store: options.store, briefing: options.briefing });
    context = await browser.newContext({
      locale: options.locale ?? 'en-US',
      viewport: { width: options.width ?? 1100, height: 760 },
    });
    const page = await context.newPage();
    // A trap: if any injected markup ever ran (alert(1) in the hostile document, or an assignment),
    // it would leave a mark here.
    await page.addInitScript(() => {
      window.alert = (message?: unknown) => {
        (window as unknown as { __pwned?: unknown }).__pwned = `alert(${String(message)})`;
      };
    });
    requests = [];
    problems = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => {
      problems.push(`alert: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(web.url + (options.hash ?? ''));
    return page;
  }

  /** Types a question, sends it with Enter and waits for the streamed answer to be final. */
  async function ask(page: Page, question: string) {
    const before = await page.locator('.msg--answer, .msg--decline, .msg--error').count();
    await page.locator('#question').fill(question);
    await page.locator('#question').press('Enter');
    const done = page.locator('.msg--answer, .msg--decline, .msg--error').nth(before);
    await done.waitFor();
    return done;
  }

  function onlyOwnOrigin() {
    const origin = new URL(web!.url).origin;
    expect(requests.length).toBeGreaterThan(0);
    for (const url of requests) expect(new URL(url).origin).toBe(origin);
  }

  it('answers an Arabic question with a cited, right-to-left answer', async () => {
    const page = await open({ locale: 'ar' });
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    const answer = await ask(page, AMBASSADOR_Q);
    expect(await answer.getAttribute('class')).toContain('msg--answer');
    const body = answer.locator('.msg-body');
    expect(await body.textContent()).toContain('ديلاتر');
    expect(await body.getAttribute('dir')).toBe('rtl');
    expect(await body.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    const chip = answer.locator('button.chip').first();
    expect(await chip.textContent()).toContain('¶2');
    // the question shows up as the user's message, also rtl
    const mine = page.locator('.msg--user .msg-body').last();
    expect(await mine.textContent()).toBe(AMBASSADOR_Q);
    expect(await mine.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'web-answer.png'), fullPage: true });
    onlyOwnOrigin();
    expect(problems).toEqual([]);
  });

  it('keeps mixed Arabic and Latin text in order, each message on its own direction', async () => {
    const page = await open();
    const mixed = 'ماذا قال السفير François Delattre (فرنسوا ديلاتر) في الأمم المتحدة UN؟';
    const answer = await ask(page, mixed);
    const mine = page.locator('.msg--user .msg-body').last();
    // the text is the text: nothing reordered, dropped or escaped twice by the rendering
    expect(await mine.textContent()).toBe(mixed);
    expect(await mine.evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    expect(await answer.locator('.msg-body').evaluate((el) => getComputedStyle(el).direction)).toBe('rtl');
    await ask(page, 'Who is the French ambassador (السفير) to the UN?');
    const english = page.locator('.msg--user .msg-body').last();
    expect(await english.evaluate((el) => getComputedStyle(el).direction)).toBe('ltr');
  });

  it('opens a citation: the whole paragraph, the quote highlighted, title, ¶N; Esc closes it', async () => {
    const page = await open();
    const answer = await ask(page, AMBASSADOR_Q);
    const chip = answer.locator('button.chip').first();
    await chip.focus();
    await page.keyboard.press('Enter');
    const dialog = page.locator('#paragraph-dialog');
    await dialog.waitFor({ state: 'visible' });
    const p = real.paragraph(
      (
        (await (
          await fetch(new URL('/api/ask', web!.url), {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ question: AMBASSADOR_Q }),
          })
        ).json()) as { citations: { paragraphId: string }[] }
      ).citations[0]!.paragraphId,
    )!;
    expect(p.paragraph).toBe(2);
    expect(await page.locator('#paragraph-title').textContent()).toBe(p.title);
    expect(await page.locator('#paragraph-meta').textContent()).toContain('¶2');
    expect(await page.locator('#paragraph-text').textContent()).toBe(p.text);
    const quote = await page.locator('#paragraph-text mark').textContent();
    expect(quote).toContain('فرنسوا ديلاتر');
    expect(p.text).toContain(quote);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await chip.evaluate((el) => el === document.activeElement)).toBe(true);
    // the inline [1] marker opens the same paragraph
    await answer.locator('button.marker').first().click();
    await dialog.waitFor({ state: 'visible' });
    expect(await page.locator('#paragraph-text mark').textContent()).toBe(quote);
  });

  it('records 👍 feedback in the store', async () => {
    const store = new MemoryStateStore();
    const page = await open({ store });
    const answer = await ask(page, AMBASSADOR_Q);
    const up = answer.locator('button.vote--up');
    await up.click();
    await expect.poll(() => up.getAttribute('aria-pressed')).toBe('true');
    expect(await answer.locator('.feedback-status').textContent()).toBe('شكرًا على تقييمك.');
    expect(store.feedback).toHaveLength(1);
    expect(store.feedback[0]).toMatchObject({ platform: 'web', vote: 'up', question: AMBASSADOR_Q });
    expect(store.feedback[0]!.citations[0]).toMatchObject({ paragraph: 2 });
    expect(store.questions).toHaveLength(1);
  });

  it('shows a decline as a decline, with what it found closest', async () => {
    const page = await open();
    const decline = await ask(page, DECLINE_Q);
    expect(await decline.getAttribute('class')).toContain('msg--decline');
    expect(await decline.locator('.badge').isVisible()).toBe(true);
    expect(await decline.locator('.msg-body').textContent()).toContain('لم أجد');
    expect(await decline.locator('.sources-label').textContent()).toBe('أقرب ما وجدت');
    const style = await decline.evaluate((el) => getComputedStyle(el).borderInlineStartStyle);
    expect(style).toBe('dashed');
  });

  it('sends the conversation with a follow-up', async () => {
    const assistant = recording(real);
    const page = await open({ assistant });
    const first = await ask(page, 'ما هي عملية شمال؟');
    expect(await first.locator('.msg-body').textContent()).toContain('2014');
    await ask(page, 'ومتى حدث ذلك؟');
    // What the follow-up makes of it is the core's business (the chat-adapter contract checks
    // it); the page's is to send the whole conversation, as text, with the question.
    const conversation = assistant.calls[1]!.options?.conversation ?? [];
    expect(conversation.map((t) => t.role)).toEqual(['user', 'assistant']);
    expect(conversation[0]!.text).toBe('ما هي عملية شمال؟');
    expect(conversation[1]!.text).toContain('عملية شمال');
    expect(conversation[1]!.text).not.toMatch(/<|\{"/);
    // a new conversation starts empty
    await page.locator('#new-conversation').click();
    await ask(page, AMBASSADOR_Q);
    expect(assistant.calls[2]!.options?.conversation).toEqual([]);
  });

  it('does not run script from the hostile knowledge document or a hostile question', async () => {
    const page = await open({ assistant: await realAssistant(hostileKnowledgeDir()) });
    const scripts = await page.locator('script').count();
    const answer = await ask(page, 'ما النص الذي يحاول الحقن في وسط الفقرة؟');
    expect(await answer.getAttribute('class')).toContain('msg--answer');
    expect(await answer.locator('.msg-body').textContent()).toContain('<script>alert(1)</script>');
    expect(await answer.locator('.msg-body').textContent()).toContain('<img src=x onerror=alert(1)>');
    const question = '<img src=x onerror="window.__pwned=5"><script>window.__pwned=6</script> ما الحقن؟';
    await ask(page, question);
    expect(await page.locator('.msg--user .msg-body').last().textContent()).toBe(question);
    await answer.locator('button.chip').first().click();
    await page.locator('#paragraph-dialog').waitFor({ state: 'visible' });
    expect(await page.locator('#paragraph-text').textContent()).toContain('<img src=x onerror=alert(1)>');
    await page.waitForTimeout(200); // give any injected handler its chance to fire
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await page.locator('script').count()).toBe(scripts);
    expect(await page.locator('img').count()).toBe(0);
    expect(problems).toEqual([]);
    onlyOwnOrigin();
  });

  it('does not run markup in a paragraph title or section either', async () => {
    const page = await open({ assistant: fakeAssistant([...ARTICLE_PARAGRAPHS, HOSTILE_PARAGRAPH]) });
    const scripts = await page.locator('script').count();
    const question = '<img src=x onerror="window.__pwned=5"><script>window.__pwned=6</script> ما نص الحقن؟';
    const answer = await ask(page, question);
    expect(await answer.locator('.msg-body').textContent()).toContain('<script>window.__pwned=3</script>');
    expect(await page.locator('.msg--user .msg-body').last().textContent()).toBe(question);
    await answer.locator('button.chip').first().click();
    await page.locator('#paragraph-dialog').waitFor({ state: 'visible' });
    expect(await page.locator('#paragraph-text').textContent()).toBe(HOSTILE_PARAGRAPH.text);
    expect(await page.locator('#paragraph-title').textContent()).toBe(HOSTILE_PARAGRAPH.title);
    await page.waitForTimeout(200); // give any injected handler its chance to fire
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await page.locator('script').count()).toBe(scripts);
    expect(await page.locator('img').count()).toBe(0);
    expect(problems).toEqual([]);
    onlyOwnOrigin();
  });

  it('names the page of a PDF paragraph and links a web document (http(s) only), in the chip and the paragraph view', async () => {
    const web = {
      ...ARTICLE_PARAGRAPHS[0]!,
      paragraphId: 'news.html#1',
      document: 'news.html',
      page: 4,
      url: 'https://news.example/article?a=1&b=2',
      keywords: ['محطة'],
    };
    const sneaky = {
      ...ARTICLE_PARAGRAPHS[1]!,
      paragraphId: 'x.html#1',
      document: 'x.html',
      url: 'javascript:window.__pwned=7',
      keywords: ['حيلة'],
    };
    const page = await open({ assistant: fakeAssistant([web, sneaky]) });
    const answer = await ask(page, 'ما هي محطة التحلية؟');
    expect(await answer.locator('.chip-para').first().textContent()).toBe('p. 4 · ¶2');
    const link = answer.locator('a.chip-link');
    expect(await link.getAttribute('href')).toBe('https://news.example/article?a=1&b=2');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    await answer.locator('button.chip').first().click();
    await page.locator('#paragraph-dialog').waitFor({ state: 'visible' });
    expect(await page.locator('#paragraph-meta').textContent()).toMatch(/^p\. 4 · ¶2 · news\.html/);
    expect(await page.locator('#paragraph-meta a').getAttribute('href')).toBe('https://news.example/article?a=1&b=2');
    await page.keyboard.press('Escape');
    const other = await ask(page, 'ما هذه الحيلة؟');
    expect(await other.locator('a.chip-link').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('shows an apology with an error id when answering fails, never the internals', async () => {
    const page = await open({ assistant: failingAssistant() });
    const reply = await ask(page, AMBASSADOR_Q);
    expect(await reply.getAttribute('class')).toContain('msg--error');
    const text = (await reply.locator('.msg-body').textContent())!;
    expect(text).toMatch(/[A-Z0-9]{6}/);
    expect(text).toContain('عذرًا');
    expect(text).not.toContain('exploded');
    // the box is usable again
    expect(await page.locator('#send').isEnabled()).toBe(true);
  });

  it('shows #briefing: no briefing configured', async () => {
    const page = await open();
    await page.locator('#channel-briefing').click();
    await page.locator('#no-briefing').waitFor();
    expect(await page.locator('#channel-title').textContent()).toBe('# briefing');
    expect(await page.locator('#channel-briefing').getAttribute('aria-current')).toBe('page');
    expect(await page.locator('#view-general').isHidden()).toBe(true);
  });

  it("shows #briefing: today's briefing and earlier ones, with citations that open", async () => {
    const cited = (await real.ask(AMBASSADOR_Q)).citations[0]!;
    const page = await open({ briefing: fakeBriefing(cited), hash: '#briefing' });
    const today = page.locator('.briefing--today');
    await today.waitFor();
    expect(await today.locator('.briefing-title').textContent()).toBe('الموجز اليومي · 2026-03-02');
    expect(await today.locator('.briefing-list li').first().textContent()).toContain('فرنسوا ديلاتر');
    expect(await today.locator('h4').allTextContents()).toEqual(expect.arrayContaining(['الجديد منذ الموجز السابق', 'الجديد في المعرفة']));
    // yesterday's declined questions are people's text: shown as text, never run
    expect(await today.textContent()).toContain(HOSTILE_DECLINED);
    expect(await page.locator('.briefing img, .briefing script').count()).toBe(0);
    // a followed source's article links to its page, in a new tab, handing it no reference back
    const link = today.locator(`a[href="${SOURCE_ARTICLE_URL}"]`);
    expect(await link.count()).toBe(1);
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await today.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await page.locator('.briefing--earlier').count()).toBe(1);
    expect(await page.locator('.briefing--earlier .briefing-title').textContent()).toBe('الموجز اليومي · 2026-03-01');
    await today.locator('button.chip').first().click();
    await page.locator('#paragraph-dialog').waitFor({ state: 'visible' });
    expect(await page.locator('#paragraph-text').textContent()).toContain('ديلاتر');
    expect(await page.locator('#paragraph-text').textContent()).toBe(cited.text);
    expect(await page.locator('#paragraph-text mark').textContent()).toBe(cited.quote);
    // and back to #general to ask
    await page.keyboard.press('Escape');
    await page.locator('#channel-general').click();
    await ask(page, AMBASSADOR_Q);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('works at 375 px: no sideways scroll, channels and the ask box reachable', async () => {
    const page = await open({ width: 375, locale: 'ar' });
    const answer = await ask(page, AMBASSADOR_Q);
    expect(await answer.isVisible()).toBe(true);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    for (const target of [
      page.locator('#channel-briefing'),
      page.locator('#question'),
      page.locator('#send'),
      answer.locator('button.chip').first(),
      answer.locator('.vote--down'),
    ]) {
      const box = (await target.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(375);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: resolve(ARTIFACTS, 'web-answer-375.png') });
    await answer.locator('button.chip').first().click();
    const dialog = (await page.locator('#paragraph-dialog').boundingBox())!;
    expect(dialog.width).toBeLessThanOrEqual(375);
    await page.screenshot({ path: resolve(ARTIFACTS, 'web-paragraph-375.png') });
  });

  it('is usable by keyboard: Shift+Enter is a new line, chips and votes are buttons with visible focus', async () => {
    const page = await open();
    const input = page.locator('#question');
    await input.focus();
    await page.keyboard.type('سطر');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('ثان');
    expect(await input.inputValue()).toBe('سطر\nثان');
    expect(await page.locator('.msg--user').count()).toBe(0);
    await input.fill('');
    const answer = await ask(page, AMBASSADOR_Q);
    expect(await answer.locator('.chip, .vote, .marker').evaluateAll((els) => els.every((e) => e.tagName === 'BUTTON'))).toBe(true);
    // Tab from the answer's chip reaches the votes; the focused one shows an outline
    await answer.locator('button.chip').first().focus();
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { cls: el.className, width: getComputedStyle(el).outlineWidth, style: getComputedStyle(el).outlineStyle };
    });
    expect(outline.cls).toContain('vote');
    expect(outline.style).toBe('solid');
    expect(outline.width).toBe('3px');
  });
});
