import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ATOM, cached, feedServer, fixture, HTML, JSON_FEED, RSS, rss } from './feed-server.js';
import { DAY, harness, HOUR, source } from './helpers.js';

let server: Awaited<ReturnType<typeof feedServer>>;
let arRss: string;
const page = (name: string) => cached(HTML, () => fixture(name, server.base));

beforeAll(async () => {
  server = await feedServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.routes.clear();
  arRss = fixture('news-ar.rss', server.base);
  server.routes.set(
    '/ar/feed.rss',
    cached(RSS, () => arRss),
  );
  server.routes.set('/ar/water', page('water-ar.html'));
  server.routes.set('/ar/schools', page('schools-ar.html'));
  server.routes.set(
    '/en/feed.atom',
    cached(ATOM, () => fixture('news-en.atom', server.base)),
  );
  server.routes.set(
    '/en/feed.json',
    cached(JSON_FEED, () => fixture('news-en.json', server.base)),
  );
  server.routes.set('/en/port-terminal', page('port-en.html'));
  server.routes.set('/en/night-trains', page('rail-en.html'));
});

const feedUrl = (path: string) => `${server.base}${path}`;
const allText = (doc: { paragraphs: { text: string }[] }) => doc.paragraphs.map((p) => p.text).join('\n');

describe('reading feeds into documents', () => {
  it('reads each new item of an Arabic RSS feed once: title, author, date, link, body without furniture', async () => {
    const h = harness([source(feedUrl('/ar/feed.rss'), { collection: 'khaleej' })]);
    const [run] = await h.service.fetchNow();
    expect(run!.status).toBe('ok');
    expect(run!.added).toHaveLength(2);
    const docs = [...h.sink.current.values()];
    const water = docs.find((d) => d.url === feedUrl('/ar/water'))!;
    expect(water.title).toBe('افتتاح محطة جديدة لتحلية مياه البحر في الساحل الشرقي');
    expect(water.author).toBe('سارة المنصوري');
    expect(water.date).toBe('2026-11-30');
    expect(water.collection).toBe('khaleej');
    expect(water.lang).toBe('ar');
    expect(water.origin).toMatchObject({ kind: 'feed', source: feedUrl('/ar/feed.rss'), name: 'صحيفة الخليج اليوم' });
    expect(water.paragraphs.every((p) => p.url === feedUrl('/ar/water'))).toBe(true);
    expect(water.paragraphs.find((p) => p.text.includes('بحلول عام 2029'))?.section).toBe('خطة التوسع');
    const text = allText(water);
    for (const furniture of ['ملفات تعريف الارتباط', 'اقرأ أيضا', 'النشرة البريدية', 'جميع الحقوق محفوظة', 'ارتفاع أسعار الوقود'])
      expect(text).not.toContain(furniture);
    expect(server.hits.filter((hit) => hit.path === '/ar/water')).toHaveLength(1);
    expect(server.hits.every((hit) => /^sanad\/[\d.]+ \(feed reader/.test(String(hit.headers['user-agent'])))).toBe(true);
  });

  it('reads Atom (relative links) and JSON Feed (an item with no link and a malformed date from its own content)', async () => {
    const h = harness([source(feedUrl('/en/feed.atom')), source(feedUrl('/en/feed.json'), { collection: 'json' })]);
    const runs = await h.service.fetchNow();
    expect(runs.map((r) => r.status)).toEqual(['ok', 'ok']);
    const docs = [...h.sink.current.values()];
    const port = docs.find((d) => d.url === feedUrl('/en/port-terminal'))!;
    expect(port.title).toBe('Harbour authority opens a new container terminal');
    expect(port.author).toBe('Maya Collins');
    expect(allText(port)).toContain('eight electric cranes');
    for (const furniture of ['cookies', 'Share on X', 'Fishermen protest', 'morning briefing', 'All rights reserved', 'Advertisement'])
      expect(allText(port)).not.toContain(furniture);
    const library = docs.find((d) => d.title === 'Library extends opening hours')!;
    expect(allText(library)).toContain('open until 22:00 on weekdays');
    expect(library.date).toBeNull(); // "not a date at all" is no date, not a wrong one
    expect(library.origin!.published).toBe('2026-12-01T08:00:00.000Z'); // first seen
    // The JSON feed's night-trains item is the Atom feed's: indexed once.
    expect(docs.filter((d) => d.url === feedUrl('/en/night-trains'))).toHaveLength(1);
    expect(runs[0]!.added.length + runs[1]!.added.length).toBe(3);
    expect(runs[0]!.duplicates + runs[1]!.duplicates).toBe(1);
  });

  it('asks conditionally the next time: a 304 fetches no article again', async () => {
    const h = harness([source(feedUrl('/ar/feed.rss'))]);
    await h.service.fetchNow();
    const from = server.hits.length;
    const [run] = await h.service.fetchNow();
    expect(run!.status).toBe('not-modified');
    expect(server.pathsSince(from)).toEqual(['/ar/feed.rss']);
    expect(server.hits[from]!.headers['if-none-match']).toMatch(/^"/);
    expect(server.hits[from]!.headers['if-modified-since']).toBe('Sun, 30 Nov 2026 20:00:00 GMT');
    expect(run!.added).toHaveLength(0);
  });

  it('re-indexes a changed item under the same document, and adds nothing for an unchanged one', async () => {
    const h = harness([source(feedUrl('/ar/feed.rss'))]);
    await h.service.fetchNow();
    const before = [...h.sink.current.keys()].sort();
    arRss = arRss.replace('قرار من وزارة التعليم.', 'قرار من وزارة التعليم (محدث).');
    server.routes.set(
      '/ar/schools',
      cached(HTML, () => fixture('schools-ar.html', server.base).replace('نصف ساعة يوميا', 'خمسا وأربعين دقيقة يوميا')),
    );
    const from = server.hits.length;
    const [run] = await h.service.fetchNow();
    expect(server.pathsSince(from)).toEqual(['/ar/feed.rss', '/ar/schools']);
    expect(run!.changed).toHaveLength(1);
    expect(run!.added).toHaveLength(0);
    expect([...h.sink.current.keys()].sort()).toEqual(before);
    const schools = h.sink.current.get(run!.changed[0]!.document)!;
    expect(allText(schools)).toContain('خمسا وأربعين دقيقة يوميا');
    expect(allText(schools)).not.toContain('نصف ساعة يوميا في الفصل');
  });

  it('knows a duplicate by guid, by address and by text: each article is indexed once', async () => {
    const h = harness([source(feedUrl('/ar/feed.rss'))]);
    await h.service.fetchNow();
    server.routes.set('/ar/water-copy', page('water-ar.html'));
    arRss = arRss.replace(
      '</channel>',
      `<item><title>نسخة</title><link>${server.base}/ar/water</link><guid>khaleej-9001</guid></item>` +
        `<item><title>نسخة ثانية</title><link>${server.base}/ar/water-copy</link><guid>khaleej-9002</guid></item>` +
        `<item><title>افتتاح محطة جديدة لتحلية مياه البحر في الساحل الشرقي</title><link>${server.base}/ar/water</link><guid isPermaLink="false">khaleej-1001</guid><pubDate>Sun, 30 Nov 2026 06:00:00 GMT</pubDate><description>محطة بطاقة ثلاثمئة ألف متر مكعب يوميا.</description></item></channel>`,
    );
    const from = server.hits.length;
    const [run] = await h.service.fetchNow();
    expect(run!.duplicates).toBe(2);
    expect(run!.added).toHaveLength(0);
    // The new guid with a known address is not fetched at all; the copy under another address is read once.
    expect(server.pathsSince(from).sort()).toEqual(['/ar/feed.rss', '/ar/water-copy']);
    expect(h.sink.current.size).toBe(2);
  });

  it('watches a page: 304 costs nothing, new furniture is no change, a changed article body is re-indexed', async () => {
    let body = fixture('port-en.html', server.base);
    server.routes.set(
      '/en/watched',
      cached(HTML, () => body),
    );
    const h = harness([source(feedUrl('/en/watched'), { kind: 'page', name: 'Port page' })]);
    let [run] = await h.service.fetchNow();
    expect(run!.added).toHaveLength(1);
    expect(run!.added[0]!.sourceName).toBe('Port page');
    [run] = await h.service.fetchNow();
    expect(run!.status).toBe('not-modified');
    body = body.replace('<div class="ad-slot">Advertisement</div>', '<div class="ad-slot">Advertisement: new cars</div>');
    [run] = await h.service.fetchNow();
    expect(run!.status).toBe('ok');
    expect(run!.changed.length + run!.added.length).toBe(0);
    body = body.replace('employ 650 people', 'employ 700 people');
    [run] = await h.service.fetchNow();
    expect(run!.changed).toHaveLength(1);
    expect(h.sink.current.size).toBe(1);
    expect(allText([...h.sink.current.values()][0]!)).toContain('employ 700 people');
  });
});

describe('what goes wrong', () => {
  it('an item whose page is 404 or 500 is reported with why, tried again later, and logged once', async () => {
    arRss = rss('Broken news', [
      { title: 'Gone', link: `${server.base}/gone`, guid: 'g1' },
      { title: 'Down', link: `${server.base}/down`, guid: 'g2' },
      { title: 'Fine', link: `${server.base}/ar/water`, guid: 'g3' },
    ]);
    server.routes.set('/down', (_req, res) => res.writeHead(500).end('oops'));
    const h = harness([source(feedUrl('/ar/feed.rss'))]);
    let [run] = await h.service.fetchNow();
    expect(run!.added).toHaveLength(1);
    expect(run!.failed.map((f) => f.cause).sort()).toEqual(['http_status:404', 'http_status:500']);
    expect(run!.failed.find((f) => f.cause === 'http_status:404')!.reason).toMatch(/\/gone answered 404/);
    // The feed is unchanged (304) but the failed items are tried again, a few times, then left.
    for (let i = 0; i < 4; i++) [run] = await h.service.fetchNow();
    expect(server.hits.filter((x) => x.path === '/gone')).toHaveLength(3);
    expect(h.logger.lines.filter((l) => l.includes('/gone not read'))).toHaveLength(1);
    expect(h.store.items().find((i) => i.url?.endsWith('/gone'))!.status).toBe('failed');
  });

  it('a failing feed backs off (doubling, at least Retry-After) and is logged once per cause', async () => {
    let status = 500;
    server.routes.set('/flaky.rss', (_req, res) => res.writeHead(status, status === 503 ? { 'retry-after': '7200' } : {}).end());
    const h = harness([source(feedUrl('/flaky.rss'), { everyMs: HOUR })]);
    const src = h.service.status()[0]!;
    expect(src.state.status).toBe('never');
    for (let i = 1; i <= 3; i++) {
      await h.service.tick();
      const s = h.service.status()[0]!;
      expect(s.state.failures).toBe(i);
      expect(s.nextRun.getTime() - h.clock.now().getTime()).toBe(HOUR * 2 ** (i - 1));
      await h.service.tick(); // not due yet: nothing fetched
      h.clock.advance(HOUR * 2 ** (i - 1));
    }
    expect(server.hits.filter((x) => x.path === '/flaky.rss')).toHaveLength(3);
    expect(h.logger.lines.filter((l) => l.includes('failed: ') && l.includes('answered 500'))).toHaveLength(1);
    status = 503;
    await h.service.tick();
    const s = h.service.status()[0]!;
    expect(s.nextRun.getTime() - h.clock.now().getTime()).toBe(Math.max(2 * HOUR, 8 * HOUR));
    expect(h.logger.lines.filter((l) => l.includes('answered 503'))).toHaveLength(1);
    status = 200;
    server.routes.set(
      '/flaky.rss',
      cached(RSS, () => rss('Back', [{ title: 'Water', link: `${server.base}/ar/water`, guid: 'w' }])),
    );
    h.clock.advance(8 * HOUR);
    await h.service.tick();
    expect(h.service.status()[0]!.state).toMatchObject({ status: 'ok', failures: 0, error: null });
    expect(h.service.status()[0]!.nextRun.getTime() - h.clock.now().getTime()).toBe(HOUR);
    expect(h.logger.lines.some((l) => l.includes('works again'))).toBe(true);
  });

  it('refuses a slow server, a huge body, a body that is not a feed and a redirect loop, saying why', async () => {
    server.routes.set(
      '/slow.rss',
      cached(RSS, () => rss('Slow', []), 4_000),
    );
    server.routes.set('/huge.rss', (_req, res) => {
      res.writeHead(200, { 'content-type': RSS });
      res.end(`<rss version="2.0"><channel><title>${'x'.repeat(300_000)}</title></channel></rss>`);
    });
    server.routes.set(
      '/page.rss',
      cached(HTML, () => fixture('port-en.html', server.base)),
    );
    server.routes.set('/garbage.rss', (_req, res) =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end('%PDF-1.4 nothing like a feed'),
    );
    server.routes.set('/loop-a', (_req, res) => res.writeHead(302, { location: '/loop-b' }).end());
    server.routes.set('/loop-b', (_req, res) => res.writeHead(302, { location: '/loop-a' }).end());
    const h = harness(
      ['/slow.rss', '/huge.rss', '/page.rss', '/garbage.rss', '/loop-a'].map((p) => source(feedUrl(p))),
      { timeoutMs: 1_500, maxBytes: 100_000 },
    );
    const runs = await h.service.fetchNow();
    expect(runs.map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
    const causes = h.service.status().map((s) => s.state.cause);
    expect(causes).toEqual(['timeout', 'too_large', 'not_a_feed', 'not_a_feed', 'too_many_redirects']);
    const errors = h.service.status().map((s) => s.state.error);
    expect(errors[2]).toMatch(/is an HTML page, not an RSS, Atom or JSON feed/);
    expect(errors[4]).toMatch(/redirects more than 5 times/);
    expect(h.sink.put).toHaveLength(0);
  });

  it('refuses item links to loopback, private and link-local addresses unless the source allows them', async () => {
    arRss = rss('Hostile', [
      { title: 'Metadata', link: 'http://169.254.169.254/latest/meta-data/', guid: 'h1', description: 'secret' },
      { title: 'Intranet', link: 'http://10.1.2.3/admin', guid: 'h2' },
      { title: 'Local', link: 'http://localhost:9/', guid: 'h3' },
      { title: 'Water', link: `${server.base}/ar/water`, guid: 'h4' },
    ]);
    const h = harness([source(feedUrl('/ar/feed.rss'))]);
    const [run] = await h.service.fetchNow();
    expect(run!.added).toHaveLength(1);
    expect(run!.failed.map((f) => f.cause)).toEqual(['private_address', 'private_address', 'private_address']);
    expect(run!.failed[0]!.reason).toMatch(/169\.254\.169\.254 is a loopback, private or link-local address.*allowPrivate/);
    // Not replaced by the feed's own copy of the item, and not tried again.
    expect([...h.sink.current.values()].map((d) => d.title)).toEqual(['افتتاح محطة جديدة لتحلية مياه البحر في الساحل الشرقي']);
    await h.service.fetchNow();
    expect(
      h.store
        .items()
        .filter((i) => i.status === 'failed')
        .every((i) => i.attempts === 3),
    ).toBe(true);

    // Without the allowance, the local feed itself is refused.
    const strict = harness([source(feedUrl('/ar/feed.rss'), { allowPrivate: false })]);
    const [refused] = await strict.service.fetchNow();
    expect(refused!.status).toBe('failed');
    expect(strict.service.status()[0]!.state.cause).toBe('private_address');
  });

  it('keeps at most two requests at once on one host', async () => {
    const items = Array.from({ length: 12 }, (_, i) => ({ title: `Item ${i}`, link: `${server.base}/slow-page/${i}`, guid: `s${i}` }));
    arRss = rss('Many', items);
    for (let i = 0; i < 12; i++) {
      server.routes.set(
        `/slow-page/${i}`,
        cached(HTML, () => fixture('rail-en.html', server.base).replace('four years', `${i + 2} years`), 40),
      );
    }
    const h = harness([source(feedUrl('/ar/feed.rss'))]);
    const [run] = await h.service.fetchNow();
    expect(run!.added).toHaveLength(12);
    expect(server.maxInFlight).toBeLessThanOrEqual(2);
  });
});

describe('state that survives a restart', () => {
  it('a restart fetches nothing unchanged; articles older than keep leave, and are not fetched again', async () => {
    const first = harness([source(feedUrl('/ar/feed.rss'), { keepMs: 3 * DAY })]);
    await first.service.fetchNow();
    expect(first.sink.current.size).toBe(2);

    const again = harness([source(feedUrl('/ar/feed.rss'), { keepMs: 3 * DAY })], { dataDir: first.dataDir, clock: first.clock });
    expect(
      again.service
        .documents()
        .map((d) => d.title)
        .sort(),
    ).toEqual([...first.sink.current.values()].map((d) => d.title).sort());
    first.clock.advance(2 * HOUR);
    const from = server.hits.length;
    await again.service.tick();
    expect(server.pathsSince(from)).toEqual(['/ar/feed.rss']);
    expect(server.hits[from]!.headers['if-none-match']).toBeTruthy();
    expect(again.sink.put).toHaveLength(0);

    first.clock.set('2026-12-03T07:00:00Z'); // the water article (06:00 on the 30th) is now older than 3 days
    await again.service.tick();
    expect(again.sink.removed).toHaveLength(1);
    expect(again.service.documents()).toHaveLength(1);
    arRss = arRss.replace('محطة بطاقة', 'المحطة بطاقة'); // the feed changes: the expired item is still not fetched
    const later = server.hits.length;
    first.clock.advance(2 * HOUR);
    await again.service.tick();
    expect(server.pathsSince(later)).toEqual(['/ar/feed.rss']);
  });
});
