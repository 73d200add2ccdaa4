import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../src/config/env.js';
import { resolveSlackConfig } from '../../src/config/slack.js';
import { timestampProblem } from '../../src/adapters/slack/timestamp.js';
import { SanadError } from '../../src/core/errors.js';

describe('resolveSlackConfig', () => {
  it('chooses Socket Mode with an app token and HTTP with a signing secret', () => {
    const socket = resolveSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_APP_TOKEN: 'xapp-1-abc' });
    expect(socket.appToken).toBe('xapp-1-abc');
    const http = resolveSlackConfig({
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: 'secret',
      PORT: '4000',
      SLACK_API_URL: 'http://127.0.0.1:9/api',
    });
    expect(http).toMatchObject({ appToken: undefined, port: 4000, apiUrl: 'http://127.0.0.1:9/api/' });
    expect(resolveSlackConfig({ SLACK_BOT_TOKEN: 'xoxb-env', SLACK_SIGNING_SECRET: 's' }, { botToken: 'xoxb-explicit' }).botToken).toBe(
      'xoxb-explicit',
    );
  });

  it.each([
    [{}, 'SLACK_BOT_TOKEN'],
    [{ SLACK_BOT_TOKEN: 'xoxp-user' }, 'xoxb-'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_APP_TOKEN'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' }, 'xapp-'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', PORT: 'abc' }, 'PORT'],
  ])('fails fast with a hint: %j', (env, hint) => {
    try {
      resolveSlackConfig(env);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SanadError);
      expect(`${(error as SanadError).message} ${(error as SanadError).hint}`).toContain(hint);
    }
  });
});

describe('one Slack and PORT rule for sanad start and the adapter', () => {
  const env = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'secret', PORT: '4000', HOST: '127.0.0.2' };

  it('AppConfig.slack is what the Slack app takes: the same tokens, API address, PORT and HOST', () => {
    const app = configFromEnv(env);
    expect(app.slack).toEqual(resolveSlackConfig(env));
    expect(app.slack).toMatchObject({ port: 4000, host: '127.0.0.2', apiUrl: 'https://slack.com/api/' });
    expect(app.port).toBe(4000);
  });

  it.each(['65536', '-1', '80.5', 'abc'])('refuses PORT=%s the same way in both', (port) => {
    const messages = [() => configFromEnv({ ...env, PORT: port }), () => resolveSlackConfig({ ...env, PORT: port })].map((resolve) => {
      try {
        resolve();
        return 'accepted';
      } catch (error) {
        return (error as SanadError).message;
      }
    });
    expect(messages[0]).toBe(`PORT must be a port number between 0 and 65535 (0 picks a free one), got "${port}"`);
    expect(messages[1]).toBe(messages[0]);
  });

  it('lets an explicit value beat the environment, and names both when it is wrong', () => {
    expect(resolveSlackConfig(env, { port: 0 }).port).toBe(0);
    expect(() => resolveSlackConfig(env, { port: 70000 })).toThrow(
      'port (given explicitly; it takes the place of PORT) must be a port number',
    );
    expect(() => resolveSlackConfig(env, { botToken: 'xoxp-user' })).toThrow(
      'botToken (given explicitly; it takes the place of SLACK_BOT_TOKEN) must be a bot token',
    );
  });
});

describe('timestampProblem', () => {
  const now = 1_800_000_000_000;
  const sec = now / 1000;
  it('accepts five minutes either side and rejects beyond, or garbage', () => {
    expect(timestampProblem(String(sec), now)).toBeNull();
    expect(timestampProblem(String(sec + 299), now)).toBeNull();
    expect(timestampProblem(String(sec - 299), now)).toBeNull();
    expect(timestampProblem(String(sec + 301), now)).toMatch(/future/);
    expect(timestampProblem(String(sec - 301), now)).toMatch(/old/);
    expect(timestampProblem(undefined, now)).toMatch(/missing/);
    expect(timestampProblem('12abc', now)).toMatch(/malformed/);
  });
});
