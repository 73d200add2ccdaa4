import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/file.js';
import { SanadError } from '../../src/core/errors.js';

function problems(yaml: string, knowledgeDir?: string): string {
  try {
    parseConfigText(yaml, '/srv/sanad.config.yaml', knowledgeDir ? { knowledgeDir } : {});
  } catch (error) {
    expect(error).toBeInstanceOf(SanadError);
    return (error as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('sources in the config file', () => {
  it('resolves each source with its defaults', () => {
    const config = parseConfigText(
      `sources:
  - url: https://news.example/feed.xml
  - url: https://city.example/notices
    kind: page
    name: City notices
    every: 30m
    collection: city
    keep: 7d
    allowPrivate: [intranet.local]
`,
      'x.yaml',
    );
    expect(config.sources).toEqual([
      {
        url: 'https://news.example/feed.xml',
        kind: 'feed',
        everyMs: 3_600_000,
        collection: 'news',
        keepMs: 30 * 86_400_000,
        allowPrivate: false,
      },
      {
        url: 'https://city.example/notices',
        kind: 'page',
        name: 'City notices',
        everyMs: 1_800_000,
        collection: 'city',
        keepMs: 7 * 86_400_000,
        allowPrivate: ['intranet.local'],
      },
    ]);
  });

  it('says what is wrong and how to fix it', () => {
    const message = problems(`sources:
  - url: ftp://news.example/feed.xml
  - url: https://a.example/rss
    every: 1 hour
  - url: https://b.example/rss
    every: 1m
    keep: forever
  - url: https://c.example/rss
    kind: podcast
    colection: news
  - url: https://a.example/rss
`);
    expect(message).toContain(
      'sources[0].url: "ftp://news.example/feed.xml" is not an http(s) address; write the full address, e.g. "https://example.com/feed.xml"',
    );
    expect(message).toContain('sources[1].every: "1 hour" is not a duration; write a number and a unit (s, m, h, d, w), e.g. "1h"');
    expect(message).toContain('sources[2].every: "1m" is shorter than 5m, the least allowed');
    expect(message).toContain('sources[2].keep: "forever" is not a duration');
    expect(message).toContain('sources[3].kind: must be one of feed, page (got "podcast")');
    expect(message).toContain(
      'sources[3].colection: unknown key (did you mean "collection"?); allowed here: url, kind, name, every, collection, keep, allowPrivate',
    );
  });

  it('refuses a source listed twice, and lets channels use a source collection that has no folder', () => {
    expect(problems('sources:\n  - url: https://a.example/rss\n  - url: https://a.example/rss\n')).toContain(
      'sources[1].url: the same address as sources[0] (https://a.example/rss); list each source once',
    );
    const knowledge = mkdtempSync(join(tmpdir(), 'sanad-src-config-'));
    writeFileSync(join(knowledge, 'a.md'), '# A\n\nText.');
    const yaml = `sources:\n  - url: https://a.example/rss\n    collection: wire\nchannels:\n  - platform: web\n    id: web\n    collections: [wire, main]\n`;
    expect(parseConfigText(yaml, 'x.yaml', { knowledgeDir: knowledge }).channels[0]!.settings.collections).toEqual(['wire', 'main']);
    expect(problems(yaml.replace('[wire, main]', '[wires]'), knowledge)).toContain('"wires" is not a collection of');
  });
});
