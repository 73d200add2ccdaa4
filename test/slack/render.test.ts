import { describe, expect, it } from 'vitest';
import { toReply, errorReply } from '../../src/core/reply.js';
import { renderProgress, renderReply, renderParagraphView, SLACK_LIMITS } from '../../src/adapters/slack/blocks.js';
import { containsPing, escapeMrkdwn, slackToPlain } from '../../src/adapters/slack/mrkdwn.js';
import { splitText } from '../../src/adapters/slack/split.js';
import { decodeAnswerRef, encodeAnswerRef, BUTTON_VALUE_MAX } from '../../src/adapters/slack/ids.js';
import { answer, citation } from './helpers/answers.js';

const HOSTILE = 'انتباه <!channel> <!here> <!everyone> <@U0123ABCD> <!subteam^S123> @here @channel & <https://evil.example|click>';

function allText(messages: { text: string; blocks: unknown[] }[]): string {
  return messages.map((m) => m.text + JSON.stringify(m.blocks)).join('\n');
}

describe('escapeMrkdwn', () => {
  it('turns every Slack control sequence into literal text', () => {
    const out = escapeMrkdwn(HOSTILE);
    expect(out).not.toMatch(/<[!@#]/);
    expect(containsPing(out)).toBe(false);
    expect(out).toContain('&lt;!channel&gt;');
    expect(out).toContain('&amp;');
    expect(containsPing(HOSTILE)).toBe(true);
  });
});

describe('slackToPlain', () => {
  it('strips the bot mention and decodes the rest', () => {
    expect(slackToPlain('<@UBOT> ما هي عملية شمال؟', 'UBOT')).toBe('ما هي عملية شمال؟');
    expect(slackToPlain('<@UBOT|sanad> a &lt;b&gt; &amp; <@U1|ana> <#C1|general> <https://x.y|link>', 'UBOT')).toBe(
      'a <b> & @ana #general link',
    );
  });
});

describe('splitText', () => {
  it('keeps every chunk within the limit and loses no words', () => {
    const words = Array.from({ length: 900 }, (_, i) => `كلمة${i}`);
    const text = words.join(' ');
    const chunks = splitText(text, 500);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(500);
    expect(chunks.join(' ').split(/\s+/)).toEqual(words);
  });

  it('never cuts inside an HTML entity', () => {
    const text = escapeMrkdwn('<'.repeat(200));
    for (const c of splitText(text, 97)) expect(c).toMatch(/^(&lt;)+$/);
  });
});

describe('renderReply', () => {
  it('shows the answer, each citation as [n] label and block quote, and a show-paragraph button', () => {
    const [msg, ...rest] = renderReply(toReply(answer()), { feedbackValue: '{}' });
    expect(rest).toHaveLength(0);
    const json = JSON.stringify(msg!.blocks);
    expect(json).toContain('فرنسوا ديلاتر');
    expect(json).toContain('*[1]* فرنسا ومكافحة الإرهاب · ¶2');
    expect(json).toContain('>قال السفير');
    expect(json).toContain('"action_id":"sanad_paragraph:1"');
    expect(json).toContain('sanad_vote_up');
    expect(json).toContain('sanad_vote_down');
    expect(msg!.text).toContain('فرنسوا ديلاتر');
  });

  it('marks a decline as a decline', () => {
    const [msg] = renderReply(
      toReply(answer({ abstained: true, answer: 'لم أجد في المعرفة المتاحة ما يجيب عن هذا السؤال.', citations: [] })),
    );
    expect(JSON.stringify(msg!.blocks)).toContain(':grey_question:');
  });

  it('escapes quotes and model output so nothing can ping', () => {
    const a = answer({
      answer: `النص ${HOSTILE}`,
      citations: [citation({ quote: HOSTILE, title: '<!here> title' })],
      notice: '<!channel>',
    });
    const messages = renderReply(toReply(a), { feedbackValue: '{}' });
    expect(containsPing(allText(messages))).toBe(false);
  });

  it('splits a long answer over sections and messages within the limits, losing nothing', () => {
    const items = Array.from(
      { length: 400 },
      (_, i) => `المبادرة رقم ${i + 1} لتعزيز التعاون بين الفرق في مجال تبادل المعلومات والتدريب المشترك`,
    );
    const long = items.join('\n');
    const citations = Array.from({ length: 30 }, (_, i) => citation({ n: i + 1, quote: long.slice(0, 4000), paragraphId: `p${i}` }));
    const messages = renderReply(toReply(answer({ answer: long, citations })), { feedbackValue: '{}' });
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) {
      expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
      expect(m.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
      for (const b of m.blocks) {
        const text = (b as { text?: { text: string } }).text?.text;
        if (text) expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      }
    }
    const shown = messages
      .flatMap((m) => m.blocks)
      .map((b) => (b as { text?: { text: string } }).text?.text ?? '')
      .join('\n');
    for (const item of items) expect(shown).toContain(item);
    // The vote buttons come once, at the very end.
    expect(allText(messages).match(/sanad_vote_up/g)).toHaveLength(1);
    expect(JSON.stringify(messages.at(-1)!.blocks)).toContain('sanad_vote_up');
  });

  it('renders an error reply with its id', () => {
    const [msg] = renderReply(errorReply('ABC123', 'en'));
    expect(msg!.text).toContain('ABC123');
  });

  it('renders progress and the paragraph modal within limits', () => {
    const progress = renderProgress('x'.repeat(10_000), 'en');
    expect((progress.blocks[0] as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    const view = renderParagraphView(citation({ text: '<!channel> ' + 'نص '.repeat(2000) }), 'ar');
    expect(view.title.text.length).toBeLessThanOrEqual(SLACK_LIMITS.modalTitle);
    expect(containsPing(JSON.stringify(view))).toBe(false);
    expect(JSON.stringify(renderParagraphView(null, 'en'))).toContain('no longer');
  });
});

describe('answer refs', () => {
  it('round-trips and always fits a button value', () => {
    const ref = { a: 'id1', q: '"سؤال\\'.repeat(1500), p: Array.from({ length: 50 }, (_, i) => `doc.txt#${i}`) };
    const value = encodeAnswerRef(ref);
    expect(value.length).toBeLessThanOrEqual(BUTTON_VALUE_MAX);
    const back = decodeAnswerRef(value)!;
    expect(back.a).toBe('id1');
    expect(decodeAnswerRef(encodeAnswerRef({ a: 'x', q: 'short', p: ['p1'] }))).toEqual({ a: 'x', q: 'short', p: ['p1'] });
    expect(decodeAnswerRef('not json')).toBeNull();
  });
});

describe('citations of pages and web documents', () => {
  it('names the page, and makes the label of a web document a mrkdwn link that cannot be broken out of', () => {
    const [msg] = renderReply(toReply(answer({ citations: [citation({ page: 3, url: 'https://news.example/a?x=1&y=<b>|c' })] })));
    const text = JSON.stringify(msg!.blocks);
    expect(text).toContain('p. 3 · ¶');
    expect(text).toContain('<https://news.example/a?x=1&amp;y=%3Cb%3E%7Cc|');
    expect(containsPing(text)).toBe(false);
    const [plain] = renderReply(toReply(answer({ citations: [citation({ url: 'ftp://news.example/a' })] })));
    expect(JSON.stringify(plain!.blocks)).not.toContain('ftp://');
  });
});
