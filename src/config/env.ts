import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { registerSecret, registerUrlSecrets, type LogLevel } from '../core/ports.js';
import { llmConfigFromEnv, type LlmConfig } from '../core/llm/config.js';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_PAGES } from '../core/knowledge/load.js';
import { findConfigFile } from './discover.js';
import { slackFromEnv, type SlackSettings } from './slack.js';
import { type Env, httpUrl, invalid, resolveHost, resolvePort, value } from './values.js';

export { requireSlackEvents } from './slack.js';

/**
 * Everything sanad reads from the environment, resolved once at start. Each error names the
 * variable and says how to fix it; secret values are registered so no log line can carry them.
 */
export interface AppConfig {
  knowledgeDir: string;
  dataDir: string;
  cacheDir: string;
  configFile: string | null;
  logLevel: LogLevel;
  host: string;
  port: number;
  web: boolean;
  llm: LlmConfig;
  /** The Slack app, checked once here (tokens, API address, the same PORT and HOST); null without SLACK_BOT_TOKEN. */
  slack: SlackSettings | null;
  discord: { token: string; applicationId: string; guildId?: string; apiUrl?: string } | null;
  /** Limits per knowledge file: bigger or longer files are skipped with a message. */
  files: { maxFileBytes: number; maxPages: number };
  /** Fetching pages (`sanad add`): loopback and private addresses only when allowed. */
  fetch: { allowPrivate: boolean };
  /**
   * Shared state for several replicas (`DATABASE_URL=postgres://…`); null: the SQLite file in `dataDir`.
   * `soleReplica` (SANAD_REPLICAS=1): no other replica receives the same Discord messages.
   */
  database: { url: string; schema: string; soleReplica: boolean } | null;
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

function url(env: Env, name: string): string | undefined {
  return httpUrl(value(env, name), name, name);
}

function positive(env: Env, name: string, fallback: number, example: string): number {
  const v = value(env, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw invalid(name, `must be a positive number, got "${v}"`, `Set ${name}=${example} or remove it.`);
  return n;
}

export function configFromEnv(env: Env = process.env, overrides: { knowledgeDir?: string } = {}): AppConfig {
  const dataDir = resolve(value(env, 'SANAD_DATA_DIR') ?? 'data');
  const port = resolvePort(env);
  const logLevel = (value(env, 'SANAD_LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw invalid('SANAD_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`, 'Set SANAD_LOG_LEVEL=info.');
  }
  const webSetting = (value(env, 'SANAD_WEB') ?? 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(webSetting)) {
    throw invalid('SANAD_WEB', `must be on or off, got "${webSetting}"`, 'Set SANAD_WEB=off to serve no web chat, or remove it.');
  }

  const slack = slackFromEnv(env);

  const discordToken = value(env, 'DISCORD_TOKEN');
  let discord: AppConfig['discord'] = null;
  if (discordToken) {
    const applicationId = value(env, 'DISCORD_APPLICATION_ID');
    if (!applicationId || !/^\d{15,22}$/.test(applicationId)) {
      throw invalid(
        'DISCORD_APPLICATION_ID',
        applicationId ? `must be the numeric application id, got "${applicationId}"` : 'is required when DISCORD_TOKEN is set',
        'Copy the Application ID from the Discord developer portal (General Information).',
      );
    }
    const guildId = value(env, 'DISCORD_GUILD_ID');
    if (guildId && !/^\d{15,22}$/.test(guildId)) {
      throw invalid(
        'DISCORD_GUILD_ID',
        `must be a numeric server id, got "${guildId}"`,
        'Enable Developer Mode in Discord, right-click the server, Copy Server ID.',
      );
    }
    discord = { token: discordToken, applicationId, guildId, apiUrl: url(env, 'DISCORD_API_URL') };
  }

  const database = databaseFromEnv(env);
  const llm = llmConfigFromEnv(env);
  for (const secret of [database?.url, database ? passwordOf(database.url) : undefined, discordToken, llm.apiKey]) registerSecret(secret);
  for (const name of ['OPENAI_BASE_URL', 'SLACK_API_URL', 'DISCORD_API_URL']) registerUrlSecrets(value(env, name));

  const configFile = findConfigFile(undefined, env, process.cwd());

  return {
    database,
    knowledgeDir: resolve(overrides.knowledgeDir ?? value(env, 'SANAD_KNOWLEDGE_DIR') ?? 'knowledge'),
    dataDir,
    cacheDir: join(dataDir, 'cache'),
    configFile,
    logLevel: logLevel as LogLevel,
    host: resolveHost(env),
    port,
    web: !['off', 'false', '0'].includes(webSetting),
    llm,
    slack,
    discord,
    files: {
      maxFileBytes: Math.round(positive(env, 'SANAD_MAX_FILE_MB', DEFAULT_MAX_FILE_BYTES / 1024 / 1024, '50') * 1024 * 1024),
      maxPages: Math.round(positive(env, 'SANAD_MAX_PAGES', DEFAULT_MAX_PAGES, '2000')),
    },
    fetch: { allowPrivate: ['on', 'true', '1', 'yes'].includes((value(env, 'SANAD_ALLOW_PRIVATE_URLS') ?? 'off').toLowerCase()) },
  };
}

/** Loads ./.env when present (real environment variables win), as the one start command promises. */
export function loadDotEnv(path = '.env'): void {
  if (!existsSync(path)) return;
  const loader = (process as unknown as { loadEnvFile?: (p: string) => void }).loadEnvFile;
  const before = { ...process.env };
  loader?.(path);
  for (const [k, v] of Object.entries(before)) process.env[k] = v;
}

/** `DATABASE_URL` selects PostgreSQL; `SANAD_DATABASE_SCHEMA` the schema its tables live in. */
function databaseFromEnv(env: Env): AppConfig['database'] {
  const url = value(env, 'DATABASE_URL');
  if (!url) return null;
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw invalid(
      'DATABASE_URL',
      'must be a PostgreSQL address starting with postgres://',
      'Set DATABASE_URL=postgres://user:password@host:5432/database, or remove it to keep state in the local SQLite file.',
    );
  }
  const schema = value(env, 'SANAD_DATABASE_SCHEMA') ?? 'public';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw invalid(
      'SANAD_DATABASE_SCHEMA',
      `must be a plain identifier (letters, digits, _), got "${schema}"`,
      'Set SANAD_DATABASE_SCHEMA=sanad or remove it to use public.',
    );
  }
  // Unset: assume other replicas may exist (the reason to use PostgreSQL), so nothing is doubled in an outage.
  const replicas = value(env, 'SANAD_REPLICAS');
  if (replicas !== undefined && !/^[1-9][0-9]*$/.test(replicas)) {
    throw invalid(
      'SANAD_REPLICAS',
      `must be a whole number of replicas, got "${replicas}"`,
      'Set SANAD_REPLICAS=1 for a single replica, or remove it.',
    );
  }
  return { url, schema, soleReplica: replicas === '1' };
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
