import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BriefingRunner } from '../../src/briefing/runner.js';
import type { Briefing } from '../../src/briefing/model.js';
import type { LlmAnswerer, LlmAnswerInput } from '../../src/core/llm/port.js';
import { createAssistant, type SanadAssistant } from '../../src/core/assistant.js';
import { dbFile, openStore, parisBriefing, quietLogger, RecordingPoster } from '../briefing/fakes.js';
import { ATOM, cached, feedServer, fixture, HTML, RSS } from './feed-server.js';
import { harness, source, testClock } from './helpers.js';

let server: Awaited<ReturnType<typeof feedServer>>;
let arRss: string;
beforeAll(async () => {
  server = await feedServer();
  // The Arabic feed starts with its first item only; the second arrives after the first briefing.
  arRss = fixture('news-ar.rss', server.base).replace(/<item>\s*<title>تمديد[\s\S]*?<\/item>/, '');
  server.routes.set(
    '/ar/feed.rss',
    cached(RSS, () => arRss),
  );
  server.routes.set(
    '/en/feed.atom',
    cached(ATOM, () => fixture('news-en.atom', server.base)),
  );
  for (const [path, name] of [
    ['/ar/water', 'water-ar.html'],
    ['/ar/schools', 'schools-ar.html'],
    ['/en/port-terminal', 'port-en.html'],
    ['/en/night-trains', 'rail-en.html'],
  ]) {
    server.routes.set(
      path!,
      cached(HTML, () => fixture(name!, server.base)),
    );
  }
});
afterAll(() => server.close());

describe('the briefing: new since the last briefing', () => {
  let assistant: SanadAssistant;
  afterAll(() => assistant?.close());

  it('lists exactly the new articles, by source, with verbatim sentences cited by ¶ and linked; collections and quiet days respected', async () => {
    const knowledgeDir = mkdtempSync(join(tmpdir(), 'sanad-src-brief-'));
    writeFileSync(
      join(knowledgeDir, 'handbook.md'),
      '# Handbook\n\nThe office opens at nine in the morning and closes at five in the afternoon every weekday.\n',
    );
    assistant = await createAssistant({ knowledgeDir, cacheDir: null, watch: false });
    const clock = testClock('2026-12-01T06:00:00Z');
    const sources = [
      source(`${server.base}/ar/feed.rss`, { collection: 'khaleej' }),
      source(`${server.base}/en/feed.atom`, { collection: 'coastal', name: 'Coastal Times' }),
    ];
    const h = harness(sources, {
      clock,
      sink: { putDocuments: (d) => assistant.putDocuments(d), removeDocuments: (ids) => assistant.removeDocuments(ids) },
    });
    const store = openStore(dbFile());
    const poster = new RecordingPoster();
    const runner = new BriefingRunner({
      store,
      documents: () => assistant.documents(),
      posters: { slack: poster, discord: poster },
      logger: quietLogger,
      clock,
    });
    const all = parisBriefing({ channel: 'C-ALL', whenQuiet: 'skip', timezone: 'UTC' });
    const coastal = parisBriefing({
      platform: 'discord',
      channel: 'D-COAST',
      collections: ['coastal'],
      whenQuiet: 'skip',
      timezone: 'UTC',
    });

    await h.service.fetchNow();
    clock.set('2026-12-01T08:00:00Z');
    expect((await runner.run(all, clock.now())).status).toBe('posted');
    expect((await runner.run(coastal, clock.now())).status).toBe('posted');
    const first = JSON.parse((await store.briefing('slack:C-ALL:2026-12-01'))!.content!) as Briefing;
    expect(first.sources!.map((s) => s.name).sort()).toEqual(['Coastal Times', 'صحيفة الخليج اليوم']);

    // Overnight the Arabic feed publishes one more article.
    arRss = fixture('news-ar.rss', server.base);
    clock.set('2026-12-01T20:00:00Z');
    await h.service.fetchNow();
    clock.set('2026-12-02T08:00:00Z');
    expect((await runner.run(all, clock.now())).status).toBe('posted');
    const second = JSON.parse((await store.briefing('slack:C-ALL:2026-12-02'))!.content!) as Briefing;
    expect(second.documents).toEqual([]); // no knowledge file changed
    expect(second.sources).toHaveLength(1);
    const [khaleej] = second.sources!;
    expect(khaleej).toMatchObject({ name: 'صحيفة الخليج اليوم', url: `${server.base}/ar/feed.rss`, more: 0 });
    expect(khaleej!.articles).toHaveLength(1);
    const article = khaleej!.articles[0]!;
    expect(article).toMatchObject({
      title: 'تمديد الدوام المدرسي نصف ساعة في الفصل الثاني',
      date: '2026-11-30',
      url: `${server.base}/ar/schools`,
      status: 'new',
    });
    expect(article.points.length).toBeGreaterThanOrEqual(1);
    expect(article.points.length).toBeLessThanOrEqual(3);
    const doc = assistant.documents().find((d) => d.document === article.document)!;
    for (const p of article.points) {
      const paragraph = doc.paragraphs.find((x) => x.n === p.paragraph)!;
      expect(paragraph.text).toContain(p.quote); // verbatim
      expect(paragraph.id).toBe(p.paragraphId);
    }

    // Rendered with the article's link on Slack and Discord and in text.
    const slack = poster.posts.at(-1)!.rendered;
    const blocks = JSON.stringify(slack.slack!.blocks);
    expect(blocks).toContain(`<${server.base}/ar/schools|تمديد الدوام المدرسي نصف ساعة في الفصل الثاني>`);
    expect(blocks).toContain(`¶${article.points[0]!.paragraph}`);
    expect(slack.markdown).toContain('## New since the last briefing\n\n### صحيفة الخليج اليوم');
    expect(slack.markdown).toContain(`${server.base}/ar/schools`);
    expect(slack.markdown).toContain(`«${article.points[0]!.quote}»`);

    // A channel limited to a collection gets only its sources: nothing new there today, a quiet day.
    expect((await runner.run(coastal, clock.now())).status).toBe('skipped');
    const discordFirst = poster.posts.find((p) => p.channel === 'D-COAST')!.rendered.discord!;
    const sourceEmbed = discordFirst.embeds.find((e) => e.title?.includes('Coastal Times'))!;
    expect(sourceEmbed.url).toBe(`${server.base}/en/feed.atom`);
    expect(sourceEmbed.description).toContain(`[🔗](<${server.base}/en/port-terminal>)`);
    expect(JSON.stringify(discordFirst)).not.toContain('الخليج');

    // The next day nothing is new anywhere and nobody asked: nothing is posted.
    clock.set('2026-12-03T08:00:00Z');
    await h.service.fetchNow();
    expect((await runner.run(all, clock.now())).status).toBe('skipped');
  });
});

describe('a busy day of news', () => {
  it('lists the newest 15 articles by source, counts the rest, and stays inside Slack and Discord limits', async () => {
    const { buildBriefing } = await import('../../src/briefing/build.js');
    const { renderSlack, SLACK_LIMITS } = await import('../../src/briefing/render-slack.js');
    const { renderDiscord } = await import('../../src/briefing/render-discord.js');
    const { embedSize, DISCORD_LIMITS } = await import('../../src/platforms/index.js');
    const { articleDocument } = await import('../../src/sources/documents.js');
    const { EMPTY_STATS } = await import('../../src/state/types.js');
    const docs = Array.from({ length: 40 }, (_, i) =>
      articleDocument({
        document: `sources/wire${i % 2}/item-${i}`,
        collection: 'news',
        kind: 'feed',
        source: `https://wire${i % 2}.example/rss`,
        sourceName: `Wire ${i % 2}`,
        url: `https://wire${i % 2}.example/news/${i}`,
        hash: `h${i}`,
        published: new Date(Date.UTC(2026, 10, 30, 0, i)).toISOString(),
        fetchedAt: '2026-12-01T00:00:00Z',
        structure: {
          title: `Story ${i}: the council votes on the new budget`,
          blocks: [
            {
              kind: 'paragraph',
              text: `The city council voted on item ${i} of the budget on Monday, after a debate that lasted most of the afternoon.`,
            },
            {
              kind: 'paragraph',
              text: `Supporters said item ${i} would pay for more buses and longer library hours, while opponents asked for lower taxes instead.`,
            },
          ],
        },
      }),
    );
    const b = buildBriefing({
      documents: docs,
      changedSince: docs.map((d) => ({ document: d.document, status: 'new' as const })),
      stats: { ...EMPTY_STATS, declinedQuestions: [] },
      language: 'en',
      whenQuiet: 'skip',
      date: '2026-12-01',
    })!;
    const listed = b.sources!.flatMap((s) => s.articles);
    expect(listed).toHaveLength(15);
    expect(listed[0]!.title).toBe('Story 39: the council votes on the new budget'); // newest first
    expect(b.sources!.reduce((n, s) => n + s.more, 0)).toBe(25);
    const slack = renderSlack(b);
    expect(slack.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    const discord = renderDiscord(b);
    expect(discord.embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
    expect(discord.embeds.reduce((n, e) => n + embedSize(e), 0)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
    expect(discord.embeds.every((e) => (e.description ?? '').length <= DISCORD_LIMITS.description)).toBe(true);
  });
});

describe('the LLM summary of new articles', () => {
  it("is written from the articles' quoted sentences, and cites them by title and ¶", async () => {
    const { buildBriefing } = await import('../../src/briefing/build.js');
    const { createLlmBriefingSummarizer } = await import('../../src/briefing/summarize.js');
    const { articleDocument } = await import('../../src/sources/documents.js');
    const { EMPTY_STATS } = await import('../../src/state/types.js');
    const doc = articleDocument({
      document: 'sources/wire/rail',
      collection: 'news',
      kind: 'feed',
      source: 'https://wire.example/rss',
      sourceName: 'Wire',
      url: 'https://wire.example/rail',
      hash: 'h',
      published: '2026-11-30T18:40:00Z',
      fetchedAt: '2026-12-01T00:00:00Z',
      structure: {
        title: 'Night trains return to the northern line',
        blocks: [
          {
            kind: 'paragraph',
            text: 'Night trains will run again on the northern line from the fifteenth of December, the rail operator said on Sunday.',
          },
          {
            kind: 'paragraph',
            text: 'Two trains a night will leave the capital at 22:10 and 23:45, with sleeping cars and a restaurant car.',
          },
        ],
      },
    });
    const b = buildBriefing({
      documents: [doc],
      changedSince: [{ document: doc.document, status: 'new' }],
      stats: { ...EMPTY_STATS, declinedQuestions: [] },
      language: 'en',
      whenQuiet: 'skip',
      date: '2026-12-01',
    })!;
    const points = b.sources![0]!.articles[0]!.points;
    const inputs: LlmAnswerInput[] = [];
    const llm = {
      async *answer(input) {
        inputs.push(input);
        yield { type: 'final', ok: true, text: 'Night trains are back [1].', cited: [1] };
      },
      rewriteQuery: async (q) => [q],
    } satisfies LlmAnswerer;
    const summary = await createLlmBriefingSummarizer(llm)(b);
    expect(inputs[0]!.passages.map((p) => p.text)).toEqual(points.map((p) => p.quote));
    expect(summary).toBe(`Night trains are back (¶${points[0]!.paragraph}).`);
  });
});
