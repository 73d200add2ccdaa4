import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SanadError } from '../core/errors.js';
import { registerSecret, registerUrlSecrets, type LogLevel } from '../core/ports.js';
import { llmConfigFromEnv, type LlmConfig } from '../core/llm/config.js';
import { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_PAGES } from '../core/knowledge/load.js';

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
  slack: { botToken: string; appToken?: string; signingSecret?: string; apiUrl?: string } | null;
  discord: { token: string; applicationId: string; guildId?: string; apiUrl?: string } | null;
  /** Limits per knowledge file: bigger or longer files are skipped with a message. */
  files: { maxFileBytes: number; maxPages: number };
  /** Fetching pages (`sanad add`): loopback and private addresses only when allowed. */
  fetch: { allowPrivate: boolean };
  /** Shared state for several replicas (`DATABASE_URL=postgres://…`); null: the SQLite file in `dataDir`. */
  database: { url: string; schema: string } | null;
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

function invalid(name: string, problem: string, hint: string): SanadError {
  return new SanadError('config_invalid', `${name} ${problem}`, { hint });
}

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function url(env: Env, name: string): string | undefined {
  const v = value(env, name);
  if (v === undefined) return undefined;
  try {
    const parsed = new URL(v);
    if (!/^https?:$/.test(parsed.protocol)) throw new Error('protocol');
    return v;
  } catch {
    throw invalid(name, `must be an http(s) URL, got "${v}"`, `Set ${name} to a full URL such as http://127.0.0.1:8080/ or remove it.`);
  }
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
  const portText = value(env, 'PORT') ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw invalid('PORT', `must be a port number between 0 and 65535, got "${portText}"`, 'Set PORT=3000 or another free port.');
  }
  const logLevel = (value(env, 'SANAD_LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw invalid('SANAD_LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`, 'Set SANAD_LOG_LEVEL=info.');
  }
  const webSetting = (value(env, 'SANAD_WEB') ?? 'on').toLowerCase();
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(webSetting)) {
    throw invalid('SANAD_WEB', `must be on or off, got "${webSetting}"`, 'Set SANAD_WEB=off to serve no web chat, or remove it.');
  }

  const slackToken = value(env, 'SLACK_BOT_TOKEN');
  let slack: AppConfig['slack'] = null;
  if (slackToken) {
    if (!slackToken.startsWith('xoxb-')) {
      throw invalid('SLACK_BOT_TOKEN', 'must be a bot token starting with xoxb-', 'Copy the Bot User OAuth Token from your Slack app\'s "OAuth & Permissions" page.');
    }
    const appToken = value(env, 'SLACK_APP_TOKEN');
    const signingSecret = value(env, 'SLACK_SIGNING_SECRET');
    if (appToken && !appToken.startsWith('xapp-')) {
      throw invalid('SLACK_APP_TOKEN', 'must be an app-level token starting with xapp-', 'Create one under "Basic Information → App-Level Tokens" with the connections:write scope.');
    }
    // Posting (a briefing) needs only the bot token; receiving events is checked by the bot's start.
    slack = { botToken: slackToken, appToken, signingSecret, apiUrl: url(env, 'SLACK_API_URL') };
  }

  const discordToken = value(env, 'DISCORD_TOKEN');
  let discord: AppConfig['discord'] = null;
  if (discordToken) {
    const applicationId = value(env, 'DISCORD_APPLICATION_ID');
    if (!applicationId || !/^\d{15,22}$/.test(applicationId)) {
      throw invalid('DISCORD_APPLICATION_ID', applicationId ? `must be the numeric application id, got "${applicationId}"` : 'is required when DISCORD_TOKEN is set', 'Copy the Application ID from the Discord developer portal (General Information).');
    }
    const guildId = value(env, 'DISCORD_GUILD_ID');
    if (guildId && !/^\d{15,22}$/.test(guildId)) {
      throw invalid('DISCORD_GUILD_ID', `must be a numeric server id, got "${guildId}"`, 'Enable Developer Mode in Discord, right-click the server, Copy Server ID.');
    }
    discord = { token: discordToken, applicationId, guildId, apiUrl: url(env, 'DISCORD_API_URL') };
  }

  const database = databaseFromEnv(env);
  const llm = llmConfigFromEnv(env);
  for (const secret of [database?.url, database ? passwordOf(database.url) : undefined, slackToken, slack?.appToken, slack?.signingSecret, discordToken, llm.apiKey]) registerSecret(secret);
  for (const name of ['OPENAI_BASE_URL', 'SLACK_API_URL', 'DISCORD_API_URL']) registerUrlSecrets(value(env, name));

  const configFile = value(env, 'SANAD_CONFIG') ?? ['sanad.config.yaml', 'sanad.config.yml', 'sanad.config.json'].find((f) => existsSync(f)) ?? null;
  if (value(env, 'SANAD_CONFIG') && !existsSync(value(env, 'SANAD_CONFIG')!)) {
    throw invalid('SANAD_CONFIG', `points at ${value(env, 'SANAD_CONFIG')}, which does not exist`, 'Fix the path or remove SANAD_CONFIG to run with the defaults.');
  }

  return {
    database,
    knowledgeDir: resolve(overrides.knowledgeDir ?? value(env, 'SANAD_KNOWLEDGE_DIR') ?? 'knowledge'),
    dataDir,
    cacheDir: join(dataDir, 'cache'),
    configFile,
    logLevel: logLevel as LogLevel,
    host: value(env, 'HOST') ?? '127.0.0.1',
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

/**
 * The bot answers Slack messages only if it can receive them: Socket Mode (SLACK_APP_TOKEN) or
 * HTTP events (SLACK_SIGNING_SECRET). `sanad start` checks this; posting a briefing does not need it.
 */
export function requireSlackEvents(slack: AppConfig['slack']): void {
  if (slack && !slack.appToken && !slack.signingSecret) {
    throw invalid(
      'SLACK_BOT_TOKEN',
      'is set, but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP events) is, so the bot cannot receive messages',
      'Set SLACK_APP_TOKEN for Socket Mode (no public URL needed), or SLACK_SIGNING_SECRET for the HTTP Events API. (Posting briefings with sanad briefing --post needs only SLACK_BOT_TOKEN.)',
    );
  }
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
    throw invalid('DATABASE_URL', 'must be a PostgreSQL address starting with postgres://', 'Set DATABASE_URL=postgres://user:password@host:5432/database, or remove it to keep state in the local SQLite file.');
  }
  const schema = value(env, 'SANAD_DATABASE_SCHEMA') ?? 'public';
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw invalid('SANAD_DATABASE_SCHEMA', `must be a plain identifier (letters, digits, _), got "${schema}"`, 'Set SANAD_DATABASE_SCHEMA=sanad or remove it to use public.');
  }
  return { url, schema };
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
