import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssistant, type SanadAssistant } from '../../src/core/assistant.js';
import { ATOM, cached, feedServer, fixture, HTML, RSS } from './feed-server.js';
import { harness, HOUR, source } from './helpers.js';
import { countingEmbedder } from '../fixtures/embedders.js';

let server: Awaited<ReturnType<typeof feedServer>>;
beforeAll(async () => {
  server = await feedServer();
  server.routes.set(
    '/ar/feed.rss',
    cached(RSS, () => fixture('news-ar.rss', server.base)),
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

describe('articles of followed sources in the knowledge', () => {
  let knowledgeDir: string;
  let cacheDir: string;
  beforeAll(() => {
    knowledgeDir = mkdtempSync(join(tmpdir(), 'sanad-src-knowledge-'));
    cacheDir = mkdtempSync(join(tmpdir(), 'sanad-src-cache-'));
    writeFileSync(
      join(knowledgeDir, 'handbook.md'),
      '# Handbook\n\nThe office opens at nine in the morning and closes at five in the afternoon.\n',
    );
  });

  it('indexes each new article once, answers from it with its link, and a restart embeds nothing again', async () => {
    const sources = [source(`${server.base}/ar/feed.rss`), source(`${server.base}/en/feed.atom`)];
    const embedder = countingEmbedder();
    let assistant: SanadAssistant = await createAssistant({ knowledgeDir, cacheDir, embedder, watch: false });
    const h = harness(sources, {
      sink: { putDocuments: (d) => assistant.putDocuments(d), removeDocuments: (ids) => assistant.removeDocuments(ids) },
    });
    await h.service.fetchNow();
    expect(assistant.documents().filter((d) => d.origin)).toHaveLength(4);
    expect(assistant.documents().filter((d) => d.url === `${server.base}/ar/water`)).toHaveLength(1);

    const ar = await assistant.ask('كم تبلغ الطاقة الإنتاجية لمحطة تحلية مياه البحر الجديدة في الساحل الشرقي؟');
    expect(ar.abstained).toBe(false);
    expect(ar.citations[0]!.url).toBe(`${server.base}/ar/water`);
    expect(ar.citations[0]!.quote).toContain('ثلاثمئة ألف متر مكعب');
    const en = await assistant.ask('How many electric cranes does the new container terminal have?');
    expect(en.abstained).toBe(false);
    expect(en.citations[0]!.url).toBe(`${server.base}/en/port-terminal`);

    // A folder refresh keeps the articles; a second fetch adds nothing.
    await assistant.refresh();
    expect(assistant.documents().filter((d) => d.origin)).toHaveLength(4);
    const before = embedder.texts;
    await h.service.fetchNow();
    expect(embedder.texts).toBe(before);
    await assistant.close();

    // Restart: articles come from the data folder, their vectors from the cache; nothing is fetched.
    const again = harness(sources, { dataDir: h.dataDir, clock: h.clock });
    const restarted = countingEmbedder();
    const hitsBefore = server.hits.length;
    assistant = await createAssistant({
      knowledgeDir,
      cacheDir,
      embedder: restarted,
      watch: false,
      extraDocuments: again.service.documents(),
    });
    expect(restarted.texts).toBe(0);
    expect(server.hits.length).toBe(hitsBefore);
    expect(assistant.documents().filter((d) => d.origin)).toHaveLength(4);
    const answer = await assistant.ask('متى تعود قطارات الليل؟ Night trains northern line when');
    expect(answer.citations.some((c) => c.url === `${server.base}/en/night-trains`)).toBe(true);
    h.clock.advance(2 * HOUR);
    await again.service.tick();
    expect(server.pathsSince(hitsBefore).sort()).toEqual(['/ar/feed.rss', '/en/feed.atom']);
    expect(restarted.texts).toBe(0);
    await assistant.close();
  });
});
