import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { BOT_PERMISSIONS_INTEGER, DISCORD_INTENTS, inviteUrl } from '../../src/adapters/discord/index.js';
import { GatewayIntentBits } from 'discord.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/discord.md'), 'utf8');

it('docs/discord.md quotes the exact permission integer and invite URL the code builds', () => {
  expect(DOC).toContain(`permissions=${BOT_PERMISSIONS_INTEGER}`);
  expect(DOC).toContain(inviteUrl('YOUR_APPLICATION_ID'));
  for (const name of [
    'DISCORD_TOKEN',
    'DISCORD_APPLICATION_ID',
    'DISCORD_GUILD_ID',
    'DISCORD_API_URL',
    'Message Content Intent',
    'npx sanad discord register',
  ]) {
    expect(DOC).toContain(name);
  }
});

it('asks for exactly the intents the docs describe', () => {
  expect([...DISCORD_INTENTS].sort()).toEqual(
    [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.MessageContent, GatewayIntentBits.DirectMessages].sort(),
  );
});

// Which folders the adapter may import, and through which file, is checked by npm run lint
// (.dependency-cruiser.cjs: adapters-through-public-surface).
