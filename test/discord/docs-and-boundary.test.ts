import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { BOT_PERMISSIONS_INTEGER, DISCORD_INTENTS, inviteUrl } from '../../src/adapters/discord/index.js';
import { GatewayIntentBits } from 'discord.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/discord.md'), 'utf8');

it('docs/discord.md quotes the exact permission integer and invite URL the code builds', () => {
  expect(DOC).toContain(`permissions=${BOT_PERMISSIONS_INTEGER}`);
  expect(DOC).toContain(inviteUrl('YOUR_APPLICATION_ID'));
  for (const name of ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID', 'DISCORD_GUILD_ID', 'DISCORD_API_URL', 'Message Content Intent', 'npx sanad discord register']) {
    expect(DOC).toContain(name);
  }
});

it('asks for exactly the intents the docs describe', () => {
  expect([...DISCORD_INTENTS].sort()).toEqual(
    [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages].sort(),
  );
});

it('the Discord adapter uses only the core contract, never retrieval, indexing or another adapter', () => {
  const dir = join(ROOT, 'src/adapters/discord');
  const allowed = /^\.\.\/\.\.\/core\/(types|reply|messages|ports|state|errors|channels|text\/index)\.js$/;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const [, spec] of source.matchAll(/from '([^']+)'/g)) {
      if (spec!.startsWith('./') || spec === 'discord.js' || spec!.startsWith('node:')) continue;
      expect(spec, `${file} imports ${spec}`).toMatch(allowed);
    }
  }
});
