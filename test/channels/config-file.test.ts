import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfigText } from '../../src/config/file.js';
import { DEFAULT_CHANNEL_SETTINGS } from '../../src/core/channels.js';
import { SanadError } from '../../src/core/errors.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sanad-config-'));
}

function write(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function errorOf(fn: () => unknown): SanadError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SanadError);
    return error as SanadError;
  }
  throw new Error('expected an error');
}

const TWO_CHANNELS = `
retentionDays: 14
defaults:
  respond: mention
  language: auto
channels:
  - platform: slack
    id: C0SECURITY
    name: "#security"
    respond: questions
    collections: [security]
    placement: channel
    rateLimit: { perUserPerMinute: 3 }
    briefing:
      cron: "0 8 * * 1-5"
      timezone: Europe/Paris
      whenQuiet: highlights
  - platform: discord
    id: "112233445566778899"
    respond: off
`;

describe('config file', () => {
  it('without a file gives the defaults and no briefing', () => {
    const config = loadConfigFile(undefined, { cwd: tempDir(), env: {} });
    expect(config.path).toBeNull();
    expect(config.briefings).toEqual([]);
    expect(config.retentionDays).toBe(30);
    expect(config.briefingGraceHours).toBe(6);
    expect(config.resolver('slack', 'CANY')).toEqual(DEFAULT_CHANNEL_SETTINGS);
  });

  it('finds ./sanad.config.yaml and merges defaults into each channel', () => {
    const dir = tempDir();
    write(dir, 'sanad.config.yaml', TWO_CHANNELS);
    const config = loadConfigFile(undefined, { cwd: dir, env: {} });
    expect(config.path).toBe(join(dir, 'sanad.config.yaml'));
    expect(config.retentionDays).toBe(14);
    const security = config.resolver('slack', 'C0SECURITY');
    expect(security).toMatchObject({ respond: 'questions', collections: ['security'], placement: 'channel', language: 'auto' });
    expect(security.rateLimit).toEqual({ perUserPerMinute: 3, perChannelPerMinute: 30 });
    expect(config.resolver('discord', '112233445566778899').respond).toBe('off');
    // Same id on another platform is another channel: it gets the defaults.
    expect(config.resolver('discord', 'C0SECURITY').respond).toBe('mention');
    expect(config.briefings).toEqual([
      {
        platform: 'slack',
        channel: 'C0SECURITY',
        name: '#security',
        cron: '0 8 * * 1-5',
        timezone: 'Europe/Paris',
        collections: ['security'],
        whenQuiet: 'highlights',
        language: 'auto',
      },
    ]);
  });

  it('collections limit what a channel may use, and the resolver hands out copies', () => {
    const config = parseConfigText(TWO_CHANNELS, 'sanad.config.yaml');
    const first = config.resolver('slack', 'C0SECURITY');
    first.collections!.push('everything');
    expect(config.resolver('slack', 'C0SECURITY').collections).toEqual(['security']);
    expect(config.resolver('slack', 'COTHER').collections).toBeUndefined();
  });

  it('reads SANAD_CONFIG and JSON', () => {
    const dir = tempDir();
    const file = write(dir, 'team.json', JSON.stringify({ channels: [{ platform: 'web', id: 'web', respond: 'questions' }] }));
    const config = loadConfigFile(undefined, { cwd: '/', env: { SANAD_CONFIG: file } });
    expect(config.resolver('web', 'web').respond).toBe('questions');
  });

  it('a SANAD_CONFIG that does not exist is an error naming the file', () => {
    const error = errorOf(() => loadConfigFile(undefined, { cwd: tempDir(), env: { SANAD_CONFIG: 'nope.yaml' } }));
    expect(error.code).toBe('config_missing');
    expect(error.message).toMatch(/nope\.yaml.*SANAD_CONFIG/);
  });

  it('names the file, the key path and the allowed time zones', () => {
    const text = `
channels:
  - { platform: slack, id: C1 }
  - { platform: slack, id: C2 }
  - platform: slack
    id: C3
    briefing: { cron: "0 8 * * *", timezone: Mars/Olympus }
`;
    const error = errorOf(() => parseConfigText(text, '/etc/sanad.config.yaml'));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain('/etc/sanad.config.yaml');
    expect(error.message).toContain('channels[2].briefing.timezone: "Mars/Olympus" is not a time zone');
    expect(error.message).toMatch(/Europe\/Paris/);
    expect(error.hint).toContain('docs/channels.md');
  });

  it('rejects a bad cron with croner’s reason and an example', () => {
    const error = errorOf(() =>
      parseConfigText('channels:\n  - { platform: discord, id: "1", briefing: { cron: "every morning" } }\n', 'c.yaml'),
    );
    expect(error.message).toContain('channels[0].briefing.cron: "every morning" is not a valid cron pattern');
    expect(error.message).toContain('0 8 * * 1-5');
  });

  it('lists what an enum allows and what it got', () => {
    const error = errorOf(() => parseConfigText('defaults:\n  respond: always\n  placement: dm\n', 'c.yaml'));
    expect(error.message).toContain('defaults.respond: must be one of mention, questions, off (got "always")');
    expect(error.message).toContain('defaults.placement: must be one of auto, thread, channel (got "dm")');
  });

  it('names an unknown key, suggests the near one and lists the allowed keys', () => {
    const error = errorOf(() => parseConfigText('channels:\n  - { platform: slack, id: C1, repsond: off }\n', 'c.yaml'));
    expect(error.message).toContain('channels[0].repsond: unknown key (did you mean "respond"?)');
    expect(error.message).toContain('allowed here: platform, id, name, respond');
  });

  it('requires a cron for a briefing unless defaults.briefing has one', () => {
    const error = errorOf(() => parseConfigText('channels:\n  - { platform: slack, id: C1, briefing: { timezone: UTC } }\n', 'c.yaml'));
    expect(error.message).toContain('channels[0].briefing.cron: required');
    const config = parseConfigText(
      'defaults:\n  briefing: { cron: "0 9 * * *", timezone: Asia/Riyadh }\nchannels:\n  - { platform: slack, id: C1, language: en, briefing: {} }\n',
      'c.yaml',
    );
    expect(config.briefings[0]).toMatchObject({ cron: '0 9 * * *', timezone: 'Asia/Riyadh', whenQuiet: 'skip', language: 'en' });
  });

  it('rejects wrong types, numbers out of range, duplicates and numeric Discord ids', () => {
    const text = `
retentionDays: 0
channels:
  - { platform: slack, id: C1, allowBots: "yes", rateLimit: { perUserPerMinute: -1 } }
  - { platform: slack, id: C1 }
  - { platform: discord, id: 112233445566778899 }
`;
    const error = errorOf(() => parseConfigText(text, 'c.yaml'));
    expect(error.message).toContain('retentionDays: must be at least 1 (got 0)');
    expect(error.message).toContain('channels[0].allowBots: must be true or false (got "yes")');
    expect(error.message).toContain('channels[0].rateLimit.perUserPerMinute: must be at least 0 (got -1)');
    expect(error.message).toContain('channels[2].id: write the channel id in quotes');
    const dup = errorOf(() => parseConfigText('channels:\n  - { platform: slack, id: C1 }\n  - { platform: slack, id: C1 }\n', 'c.yaml'));
    expect(dup.message).toContain('channels[1]: the same channel as channels[0]');
  });

  it('a missing platform or id is required, and a YAML syntax error gives the line', () => {
    const error = errorOf(() => parseConfigText('channels:\n  - { name: x }\n', 'c.yaml'));
    expect(error.message).toContain('channels[0].platform: required');
    expect(error.message).toContain('channels[0].id: required');
    const syntax = errorOf(() => parseConfigText('channels:\n  - platform: slack\n   id: [\n', 'bad.yaml'));
    expect(syntax.message).toMatch(/bad\.yaml: not valid YAML at line \d/);
    const json = errorOf(() => parseConfigText('{ "channels": [ }', 'bad.json'));
    expect(json.message).toMatch(/bad\.json: not valid JSON/);
  });

  it('checks collection names against the knowledge folder when given', () => {
    const knowledge = tempDir();
    mkdirSync(join(knowledge, 'security'));
    writeFileSync(join(knowledge, 'top.txt'), 'x');
    const error = errorOf(() =>
      parseConfigText('channels:\n  - { platform: slack, id: C1, collections: [security, secrity] }\n', 'c.yaml', {
        knowledgeDir: knowledge,
      }),
    );
    expect(error.message).toContain('channels[0].collections[1]: "secrity" is not a collection');
    expect(error.message).toContain('collections: main, security');
  });
});

describe('sanad.config.example.yaml', () => {
  it('is valid and has two channels and briefings', () => {
    const example = join(import.meta.dirname, '../../sanad.config.example.yaml');
    const config = loadConfigFile(example, { env: {} });
    expect(config.channels).toHaveLength(2);
    expect(config.briefings.map((b) => `${b.platform}:${b.channel}@${b.timezone}`)).toEqual([
      'slack:C0123SECURITY@Europe/Paris',
      'discord:112233445566778899@Asia/Riyadh',
    ]);
    expect(config.resolver('discord', '112233445566778899')).toMatchObject({
      language: 'en',
      placement: 'channel',
      rateLimit: { perUserPerMinute: 3, perChannelPerMinute: 30 },
    });
  });
});
