/**
 * Section 6: followed sources. A feed of 1,000 items (200 with --quick) served from 127.0.0.1,
 * each item a news page with its furniture: the time to fetch, read (HTML reader in its worker
 * thread, as the app runs it) and index them all; the same feed again (304: nothing fetched);
 * a restart (articles from the data folder, vectors from the cache); and the briefing over them.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BriefingRunner } from '../src/briefing/runner.js';
import type { BriefingConfig, SourceConfig } from '../src/config/file.js';
import { createAssistant } from '../src/core/assistant.js';
import { localEmbedder, type Embedder } from '../src/core/index/embedder.js';
import { silentLogger } from '../src/core/ports.js';
import { createReaders } from '../src/readers/index.js';
import { SourceFetcher, SourceService, SourceStore } from '../src/sources/index.js';
import { SqliteStateStore } from '../src/state/sqlite.js';
import { table } from './lib/table.js';
import type { SectionOptions, SectionResult } from './sections.js';

const TOPICS = ['the port', 'the railway', 'the water plant', 'the schools', 'the hospital', 'the budget', 'the airport', 'the market'];

function page(i: number): string {
  const topic = TOPICS[i % TOPICS.length]!;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story ${i}: news about ${topic} | Bench Times</title>
<meta name="author" content="Reporter ${i % 17}"><meta property="article:published_time" content="2026-11-30T08:00:00Z"></head><body>
<div class="cookie-banner">We use cookies. <button>Accept</button></div><header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
<main><article><h1>Story ${i}: news about ${topic}</h1><div class="share-bar"><a href="#">Share</a></div>
<p>Officials announced on Monday that decision number ${i} about ${topic} would take effect next month, after a public consultation that drew ${100 + i} comments.</p>
<p>The plan costs ${((i * 37) % 900) + 100} million and is expected to create ${((i * 13) % 400) + 50} jobs, according to figures released by the city for item ${i}.</p>
<aside class="read-also"><h3>Read also</h3><a href="/x">Other news</a></aside>
<h2>Reactions</h2><p>Residents near ${topic} welcomed measure ${i} but asked for more information about noise and traffic during the works, which last ${(i % 24) + 2} months.</p>
<p>The council will publish a detailed timetable for project ${i} before the end of the year, a spokesperson said.</p>
</article></main><section class="newsletter-signup">Subscribe to our newsletter</section><footer>© 2026 Bench Times</footer></body></html>`;
}

function feed(base: string, n: number): string {
  const items = Array.from(
    { length: n },
    (_, i) =>
      `<item><title>Story ${i}</title><link>${base}/news/${i}</link><guid isPermaLink="false">bench-${i}</guid><pubDate>${new Date(Date.UTC(2026, 10, 30, 0, 0, i)).toUTCString()}</pubDate></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Bench Times</title>${items.join('')}</channel></rss>`;
}

export async function runSources(options: SectionOptions): Promise<SectionResult> {
  const n = options.quick ? 200 : 1_000;
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/feed.rss') {
      if (req.headers['if-none-match'] === '"bench-1"') return res.writeHead(304).end();
      return res
        .writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag: '"bench-1"' })
        .end(feed(`http://127.0.0.1:${port}`, n));
    }
    const m = /^\/news\/(\d+)$/.exec(url);
    if (m) return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(Number(m[1])));
    res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as AddressInfo).port;
  const dataDir = mkdtempSync(join(tmpdir(), 'sanad-bench-sources-'));
  const knowledgeDir = mkdtempSync(join(tmpdir(), 'sanad-bench-sources-k-'));
  writeFileSync(
    join(knowledgeDir, 'handbook.md'),
    '# Handbook\n\nThe office opens at nine in the morning and closes at five in the afternoon.\n',
  );
  const cacheDir = join(dataDir, 'cache');
  const source: SourceConfig = {
    url: `http://127.0.0.1:${port}/feed.rss`,
    kind: 'feed',
    everyMs: 3_600_000,
    collection: 'news',
    keepMs: 3650 * 86_400_000,
    allowPrivate: ['127.0.0.1'],
  };
  const files = createReaders({ size: 1 });
  const reader = files.readers.find((r) => r.name === 'html')!;
  let embedded = 0;
  const counting = (inner: Embedder): Embedder => ({
    ...inner,
    embedDocuments: (texts, p) => ((embedded += texts.length), inner.embedDocuments(texts, p)),
  });
  try {
    const assistant = await createAssistant({ knowledgeDir, cacheDir, embedder: counting(localEmbedder()), watch: false });
    let indexMs = 0;
    const sink = {
      putDocuments: async (docs: Parameters<typeof assistant.putDocuments>[0]) => {
        const t = performance.now();
        await assistant.putDocuments(docs);
        indexMs += performance.now() - t;
      },
      removeDocuments: (ids: string[]) => assistant.removeDocuments(ids),
    };
    const store = new SourceStore(dataDir);
    const service = new SourceService({
      sources: [source],
      store,
      fetcher: new SourceFetcher({ store, reader }),
      sink,
      logger: silentLogger,
    });
    options.log(`sources: fetching ${n} items from 127.0.0.1`);
    let t = performance.now();
    const [run] = await service.fetchNow();
    const firstMs = performance.now() - t;
    const paragraphs = assistant
      .documents()
      .filter((d) => d.origin)
      .reduce((s, d) => s + d.paragraphs.length, 0);
    t = performance.now();
    const [again] = await service.fetchNow();
    const againMs = performance.now() - t;
    await assistant.close();

    embedded = 0;
    t = performance.now();
    const restarted = await createAssistant({
      knowledgeDir,
      cacheDir,
      embedder: counting(localEmbedder()),
      watch: false,
      extraDocuments: service.documents(),
    });
    const restartMs = performance.now() - t;
    const restartEmbedded = embedded;

    const state = new SqliteStateStore({ file: join(dataDir, 'sanad.db') });
    const runner = new BriefingRunner({ store: state, documents: () => restarted.documents(), posters: {}, logger: silentLogger });
    const config: BriefingConfig = {
      platform: 'web',
      channel: 'web',
      cron: '0 8 * * *',
      timezone: 'UTC',
      whenQuiet: 'skip',
      language: 'en',
    };
    const briefingMs: number[] = [];
    let listed = 0;
    for (let i = 0; i < (options.quick ? 3 : 7); i++) {
      t = performance.now();
      const briefing = await runner.build(config, '2026-12-01');
      briefingMs.push(performance.now() - t);
      listed = (briefing?.sources ?? []).reduce((s, x) => s + x.articles.length, 0);
    }
    briefingMs.sort((a, b) => a - b);
    await restarted.close();
    await state.close();

    const data = {
      items: n,
      added: run!.added.length,
      paragraphs,
      firstFetchMs: Math.round(firstMs),
      indexMs: Math.round(indexMs),
      perItemMs: Number((firstMs / n).toFixed(2)),
      notModifiedMs: Math.round(againMs),
      notModifiedStatus: again!.status,
      restartMs: Math.round(restartMs),
      restartEmbedded,
      briefingP50Ms: Number(briefingMs[Math.floor(briefingMs.length / 2)]!.toFixed(1)),
      briefingListed: listed,
    };
    const text = table(
      `7. followed sources: a feed of ${n} items from 127.0.0.1 (pages read in one worker thread, local embeddings)`,
      ['step', 'time ms', 'note'],
      [
        [
          'fetch, read and index every item',
          data.firstFetchMs,
          `${data.added} articles, ${paragraphs} paragraphs; ${data.perItemMs} ms an item; indexing ${data.indexMs} ms of it`,
        ],
        ['the same feed again', data.notModifiedMs, `${data.notModifiedStatus}: nothing fetched`],
        ['restart: index the stored articles', data.restartMs, `${restartEmbedded} texts embedded (the rest from the cache)`],
        [`briefing over ${n} new articles (p50)`, data.briefingP50Ms, `${listed} listed, the rest counted`],
      ],
    );
    return { text, data };
  } finally {
    await files.close();
    server.closeAllConnections();
    server.close();
  }
}
