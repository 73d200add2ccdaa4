/**
 * The shipped example config, copied as its first line says, starts on the shipped knowledge
 * (item 9); its briefings, which have no token to post with, are explained in the log and shown
 * in the web chat's #briefing (item 10).
 */
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/file.js';
import { ensureBuilt, ROOT, sanad, type Child } from '../reliability/helpers/child.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';

const EXAMPLE = join(ROOT, 'sanad.config.example.yaml');
let child: Child | undefined;

beforeAll(() => ensureBuilt());
afterEach(async () => {
  if (child && child.process.exitCode === null) {
    child.process.kill('SIGKILL');
    await child.exited;
  }
  child = undefined;
});

describe('sanad.config.example.yaml', () => {
  it('is valid against the shipped knowledge folder as it is', () => {
    const config = loadConfigFile(EXAMPLE, { knowledgeDir: ARTICLE_KNOWLEDGE });
    expect(config.briefings.map((b) => `${b.platform}:${b.channel}`)).toEqual(['slack:C0123SECURITY', 'discord:112233445566778899']);
  });

  it('copied to sanad.config.yaml, lets npm start run, and says why its briefings are not posted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-example-'));
    copyFileSync(EXAMPLE, join(dir, 'sanad.config.yaml'));
    // As `npm start` from a clone: the config is found in the working directory, no SANAD_CONFIG.
    child = sanad(['start'], { PORT: '0', SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE, SANAD_DATA_DIR: join(dir, 'data') }, dir);
    const [, url] = await child.waitFor(/sanad web chat: (http:\/\/\S+)/);
    await child.waitFor(/sanad is running/);
    const log = child.stderr() + child.stdout();
    expect(log).not.toContain('is not a collection');
    expect(log).toContain('briefings scheduled {"channels":0}');
    expect(log).toContain('briefing slack:C0123SECURITY (#security) not scheduled: no Slack token is set. Set SLACK_BOT_TOKEN');
    expect(log).toContain('briefing discord:112233445566778899 (#general) not scheduled: no Discord token is set. Set DISCORD_TOKEN');

    const body = (await (await fetch(new URL('/api/briefing', url))).json()) as {
      channels: { key: string; notPosted: string }[];
      channel: string;
      today: { channel: string } | null;
    };
    expect(body.channels.map((c) => [c.key, c.notPosted])).toEqual([
      ['slack:C0123SECURITY', 'not_connected'],
      ['discord:112233445566778899', 'not_connected'],
    ]);
    expect(body.channel).toBe('slack:C0123SECURITY');
    expect(body.today!.channel).toBe('#security');
    const discord = (await (
      await fetch(new URL('/api/briefing?channel=' + encodeURIComponent('discord:112233445566778899'), url))
    ).json()) as { channel: string; today: { title: string } };
    expect(discord.channel).toBe('discord:112233445566778899');
    // That channel's settings apply: its language is English.
    expect(discord.today.title).toMatch(/^Daily briefing · /);

    child.process.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });
});
