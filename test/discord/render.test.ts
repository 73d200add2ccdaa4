import { describe, expect, it } from 'vitest';
import { DISCORD_LIMITS, limitViolations } from '../../src/platforms/index.js';
import { COLORS, CUSTOM_ID, renderParagraph, renderPartial, renderReply } from '../../src/adapters/discord/render.js';
import { escapeDiscordMarkdown, splitText, unescapeDiscordMarkdown } from '../../src/adapters/discord/text.js';
import { errorReply, toReply } from '../../src/core/reply.js';
import type { Answer, Citation } from '../../src/core/types.js';

function citation(n: number, over: Partial<Citation> = {}): Citation {
  return {
    n,
    document: 'france.ar.txt',
    title: 'فرنسا ومكافحة الإرهاب',
    paragraph: n + 1,
    section: null,
    text: `الفقرة الكاملة رقم ${n}.`,
    quote: `اقتباس رقم ${n}`,
    score: 1,
    paragraphId: `france.ar.txt#abcdef012${n}`,
    collection: '',
    ...over,
  };
}

function answer(over: Partial<Answer> = {}): Answer {
  return {
    question: 'من هو سفير فرنسا؟',
    answer: 'سفير فرنسا هو فرنسوا ديلاتر [1].',
    abstained: false,
    language: 'ar',
    mode: 'extractive',
    citations: [citation(1)],
    retrieved: [],
    timings: { retrieveMs: 1, answerMs: 1, totalMs: 2 },
    ...over,
  };
}

/** Everything a person sees in the payloads, without markdown escapes. */
function visible(payloads: ReturnType<typeof renderReply>): string {
  return unescapeDiscordMarkdown(
    payloads
      .flatMap((p) => [
        p.content,
        ...p.embeds.flatMap((e) => [e.title ?? '', e.description ?? '', ...(e.fields ?? []).flatMap((f) => [f.name, f.value])]),
      ])
      .join('\n'),
  );
}

describe('splitText', () => {
  it('keeps every word and respects the maximum', () => {
    const text = Array.from({ length: 400 }, (_, i) => `كلمة${i}`).join(' ');
    const chunks = splitText(text, 100);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(100);
    expect(chunks.join(' ').split(' ')).toEqual(text.split(' '));
  });

  it('prefers sentence ends and hard-splits a word longer than the maximum', () => {
    expect(splitText('Une phrase courte. Une autre phrase ici.', 25)).toEqual(['Une phrase courte.', 'Une autre phrase ici.']);
    const long = 'x'.repeat(250);
    const chunks = splitText(long, 100);
    expect(chunks.map((c) => c.length)).toEqual([100, 100, 50]);
  });

  it('never splits a surrogate pair', () => {
    const chunks = splitText('😀'.repeat(60), 51);
    for (const chunk of chunks) expect(chunk).not.toMatch(/^[\udc00-\udfff]|[\ud800-\udbff]$/);
    expect(chunks.join('')).toBe('😀'.repeat(60));
  });
});

describe('escapeDiscordMarkdown', () => {
  it('neutralises links, bold and headings and round-trips', () => {
    const text = '# عنوان\n*عريض* و [رابط](https://example.com) و `كود`';
    const escaped = escapeDiscordMarkdown(text);
    expect(escaped).not.toContain('[رابط](');
    expect(escaped).toContain('\\*عريض\\*');
    expect(unescapeDiscordMarkdown(escaped)).toBe(text);
  });
});

describe('renderReply', () => {
  it('renders an answer as one embed: text, one field per citation, mode footer, buttons', () => {
    const [payload, ...rest] = renderReply(toReply(answer({ citations: [citation(1), citation(2)] })), { answerKey: 'k1' });
    expect(rest).toHaveLength(0);
    expect(payload!.allowedMentions).toEqual({ parse: [], repliedUser: false });
    expect(payload!.embeds).toHaveLength(1);
    const embed = payload!.embeds[0]!;
    expect(embed.description).toContain('فرنسوا ديلاتر');
    expect(embed.color).toBe(COLORS.answer);
    expect(embed.fields!.map((f) => f.name)).toEqual(['\\[1\\] فرنسا ومكافحة الإرهاب · ¶2', '\\[2\\] فرنسا ومكافحة الإرهاب · ¶3']);
    expect(embed.fields![0]!.value).toBe('> اقتباس رقم 1');
    expect(embed.footer?.text).toBe('extractive');
    const ids = payload!.components.flatMap((row) => row.components.map((b) => b.custom_id));
    expect(ids).toEqual([
      `${CUSTOM_ID.paragraph}france.ar.txt#abcdef0121`,
      `${CUSTOM_ID.paragraph}france.ar.txt#abcdef0122`,
      `${CUSTOM_ID.vote}up:k1`,
      `${CUSTOM_ID.vote}down:k1`,
    ]);
    expect(limitViolations(payload!)).toEqual([]);
  });

  it('makes a decline visibly a decline: its own colour and the "closest" heading', () => {
    const [payload] = renderReply(toReply(answer({ abstained: true, answer: 'لم أجد في المعرفة المتاحة ما يجيب عن هذا السؤال.' })));
    expect(payload!.embeds[0]!.color).toBe(COLORS.decline);
    expect(payload!.embeds[0]!.description).toContain('لم أجد');
    expect(payload!.embeds[0]!.description).toContain('أقرب ما وجدت');
  });

  it('renders an error with its id and no buttons', () => {
    const payloads = renderReply(errorReply('AB12CD', 'en'), { answerKey: 'k' });
    expect(payloads).toHaveLength(1);
    expect(payloads[0]!.embeds[0]!.description).toContain('AB12CD');
    expect(payloads[0]!.embeds[0]!.color).toBe(COLORS.error);
    expect(payloads[0]!.components).toEqual([]);
  });

  it('splits a very long answer over embeds and messages within every limit, losing nothing', () => {
    const sentences = Array.from({ length: 700 }, (_, i) => `هذه الجملة رقم ${i + 1} من جواب طويل جدا.`);
    const quotes = Array.from({ length: 40 }, (_, i) =>
      citation(i + 1, { quote: `بداية الاقتباس ${i + 1} ` + 'نص '.repeat(500) + `نهاية الاقتباس ${i + 1}` }),
    );
    const payloads = renderReply(toReply(answer({ answer: sentences.join(' '), citations: quotes })), { answerKey: 'k' });
    expect(payloads.length).toBeGreaterThan(2);
    for (const payload of payloads) {
      expect(limitViolations(payload)).toEqual([]);
      expect(payload.allowedMentions.parse).toEqual([]);
    }
    const text = visible(payloads);
    for (const sentence of sentences) expect(text).toContain(sentence);
    for (let i = 1; i <= 40; i++) {
      expect(text).toContain(`بداية الاقتباس ${i} `);
      expect(text).toContain(`نهاية الاقتباس ${i}`);
    }
    // Buttons only once, on the last message; part counters on every message.
    expect(payloads.slice(0, -1).every((p) => p.components.length === 0)).toBe(true);
    expect(payloads.at(-1)!.components.length).toBe(2);
    expect(payloads[0]!.embeds.at(-1)!.footer?.text).toBe(`extractive · 1/${payloads.length}`);
  });

  it('keeps a citation label longer than a field name in full, in the value', () => {
    const long = citation(1, { title: 'عنوان '.repeat(80) });
    const [payload] = renderReply(toReply(answer({ citations: [long] })));
    const field = payload!.embeds[0]!.fields![0]!;
    expect(field.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
    expect(unescapeDiscordMarkdown(field.value)).toContain(long.title.trim());
    expect(limitViolations(payload!)).toEqual([]);
  });

  it('uses a short key for a paragraph id too long for a custom id', () => {
    const longId = citation(1, { paragraphId: 'collection/sub/' + 'd'.repeat(120) + '#0123456789' });
    const [payload] = renderReply(toReply(answer({ citations: [longId] })), { answerKey: 'key9' });
    expect(payload!.components[0]!.components[0]!.custom_id).toBe(`${CUSTOM_ID.citation}key9:1`);
  });

  it('leaves mass mentions as text and never lets them ping', () => {
    const hostile = '@everyone @here <@123456789012345678> <@&112233445566778899>';
    const payloads = renderReply(toReply(answer({ answer: hostile, citations: [citation(1, { quote: hostile })] })));
    expect(visible(payloads)).toContain('@everyone');
    for (const p of payloads) expect(p.allowedMentions).toEqual({ parse: [], repliedUser: false });
    expect(renderPartial(hostile).allowedMentions.parse).toEqual([]);
  });
});

describe('renderParagraph and renderPartial', () => {
  it('shows a whole long paragraph over several embeds', () => {
    const text = 'جملة طويلة في الفقرة. '.repeat(600);
    const payloads = renderParagraph('المقال · ¶2', text);
    for (const p of payloads) expect(limitViolations(p)).toEqual([]);
    const shown = payloads.flatMap((p) => p.embeds.map((e) => e.description ?? '')).join(' ');
    expect(shown.replace(/\s+/g, ' ').trim()).toBe(text.replace(/\s+/g, ' ').trim());
    expect(payloads[0]!.embeds[0]!.title).toBe('المقال · ¶2');
  });

  it('keeps the interim content under 2000 characters', () => {
    expect(renderPartial('a '.repeat(3000)).content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
  });
});

describe('citations of pages and web documents', () => {
  it('names the page, and links a web document under its quote (only http(s))', () => {
    const [payload] = renderReply(
      toReply(
        answer({ citations: [citation(1, { page: 3, url: 'https://news.example/a(1)' }), citation(2, { url: 'javascript:alert(1)' })] }),
      ),
      { answerKey: 'k' },
    );
    const fields = payload!.embeds.flatMap((e) => e.fields ?? []);
    expect(fields[0]!.name).toContain('p. 3 · ¶2');
    expect(fields[0]!.value).toContain('[🔗 news.example](<https://news.example/a%281%29>)');
    expect(fields[1]!.value).not.toContain('javascript');
    expect(limitViolations(payload!)).toEqual([]);
  });
});
