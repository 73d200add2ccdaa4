import { describe, expect, it } from 'vitest';
import type { Briefing, KeyPoint } from '../../src/briefing/model.js';
import { renderDiscord } from '../../src/briefing/render-discord.js';
import { DISCORD_LIMITS, embedSize, limitViolations } from '../../src/platforms/index.js';
import { renderSlack, SLACK_LIMITS } from '../../src/briefing/render-slack.js';
import { buildBriefing } from '../../src/briefing/build.js';
import { EMPTY_STATS } from '../../src/state/types.js';
import { article } from './helpers.js';

const HOSTILE = 'تنبيه @everyone @here <!channel> <@U0123ABCD> <@&112233> & <script>alert(1)</script> *bold* `code`';

function point(i: number, quote: string): KeyPoint {
  return {
    quote,
    document: `d${i}.txt`,
    title: `Doc ${i} ${HOSTILE}`,
    paragraph: i,
    section: null,
    paragraphId: `d${i}#${i}`,
    collection: 'main',
  };
}

/** A briefing far over every platform limit, with hostile text everywhere. */
function huge(): Briefing {
  const long = `${HOSTILE} ${'كلمة '.repeat(900)}`; // ~4500 chars
  return {
    date: '2026-03-29',
    language: 'ar',
    direction: 'rtl',
    kind: 'news',
    documents: Array.from({ length: 30 }, (_, d) => ({
      document: `d${d}.txt`,
      title: `${HOSTILE} ${'عنوان '.repeat(60)}`,
      date: '2026-03-28',
      collection: 'main',
      status: 'new' as const,
      points: Array.from({ length: 5 }, (_, i) => point(i + 1, i === 0 ? long : `${HOSTILE} نقطة ${i}`)),
    })),
    moreDocuments: 7,
    highlights: [],
    yesterday: {
      asked: 90,
      answered: 40,
      declined: 50,
      up: 3,
      down: 4,
      declinedQuestions: Array.from({ length: 50 }, (_, i) => `سؤال ${i} ${HOSTILE} ${'x'.repeat(80)}`),
    },
  };
}

function realBriefing(): Briefing {
  const a = article();
  return buildBriefing({
    documents: [a],
    changedSince: [{ document: a.document, status: 'new' }],
    stats: { ...EMPTY_STATS, asked: 2, answered: 1, declined: 1, declinedQuestions: ['من فاز بكأس العالم لكرة القدم عام 2018؟'] },
    language: 'auto',
    whenQuiet: 'skip',
    date: '2026-03-29',
  })!;
}

describe('renderSlack', () => {
  it('stays within Block Kit limits and keeps the header, the yesterday section and the footer', () => {
    const msg = renderSlack(huge(), { key: 'slack:C1:2026-03-29' });
    expect(msg.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const block of msg.blocks) {
      if (block.type === 'section') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.section);
      if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
    }
    expect(msg.blocks[0]!.type).toBe('header');
    expect(msg.blocks.at(-1)!.type).toBe('context');
    expect(msg.metadata).toEqual({ event_type: 'sanad_briefing', event_payload: { key: 'slack:C1:2026-03-29' } });
  });

  it('escapes &<> and defuses every mention form', () => {
    const msg = renderSlack(huge());
    const all = JSON.stringify(msg);
    expect(all).not.toMatch(/<!channel>|<!here>|<@U0123ABCD>|<script>/);
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&amp;');
    expect(all).not.toMatch(/@(here|everyone|channel)\b/);
  });

  it('renders the real article’s key points as quotes with their ¶ labels', () => {
    const b = realBriefing();
    const msg = renderSlack(b);
    const text = msg.blocks.map((bl) => (bl.type === 'section' ? bl.text.text : '')).join('\n');
    for (const p of b.documents[0]!.points) {
      expect(text).toContain(`> ${p.quote.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}`);
      expect(text).toContain(`¶${p.paragraph}`);
    }
    expect(text).toContain('أمس في هذه القناة');
    expect(text).toContain('• من فاز بكأس العالم لكرة القدم عام 2018؟');
    expect(msg.text).toContain('الموجز اليومي · 2026-03-29');
  });
});

describe('renderDiscord', () => {
  it('stays within every embed limit and never pings', () => {
    const msg = renderDiscord(huge(), { key: 'discord:1:2026-03-29' });
    expect(msg.allowed_mentions).toEqual({ parse: [] });
    // The same checker the Discord adapter's answers are held to.
    expect(limitViolations(msg)).toEqual([]);
    expect(msg.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
    expect(msg.embeds.reduce((n, e) => n + embedSize(e), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
    for (const e of msg.embeds) {
      expect(e.title?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.title);
      expect(e.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.description);
      expect(e.fields?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.fields);
      for (const f of e.fields ?? []) {
        expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
        expect(f.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
      }
    }
    // The counts and the first declined questions always make it; what did not fit is counted.
    const header = msg.embeds[0]!;
    expect(header.fields![0]!.value).toContain('90');
    expect(header.fields![1]!.value).toContain('سؤال 0');
    expect(header.description).toMatch(/ومستندات أخرى: (\d+)/);
    expect(Number(/ومستندات أخرى: (\d+)/.exec(header.description!)![1])).toBeGreaterThan(7);
    expect(header.footer!.text).toContain('discord:1:2026-03-29');
    expect(JSON.stringify(msg)).not.toMatch(/@(everyone|here)/);
  });

  it('renders the real article’s points with citations', () => {
    const b = realBriefing();
    const msg = renderDiscord(b);
    expect(msg.embeds).toHaveLength(2);
    const doc = msg.embeds[1]!;
    expect(doc.title).toContain('جهود فرنسا في مكافحة الإرهاب');
    for (const p of b.documents[0]!.points) expect(doc.description).toContain(`¶${p.paragraph}`);
  });
});
