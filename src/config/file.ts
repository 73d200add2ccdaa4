import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { DEFAULT_CHANNEL_SETTINGS, defaultSettingsResolver, type ChannelSettings, type ChannelSettingsResolver } from '../core/channels.js';
import { SanadError } from '../core/errors.js';
import { findConfigFile } from './discover.js';
import { describeIssue } from './issues.js';
import { configSchema, parseDuration, type ParsedBriefing, type ParsedChannel, type ParsedConfig, type ParsedSource } from './schema.js';

export type Platform = 'slack' | 'discord' | 'web';

/** One channel's daily briefing, fully resolved (defaults merged). */
export interface BriefingConfig {
  platform: Platform;
  channel: string;
  name?: string;
  cron: string;
  timezone: string;
  /** Collections the briefing covers; undefined = all. */
  collections?: string[];
  whenQuiet: 'skip' | 'highlights';
  language: ChannelSettings['language'];
}

export interface ChannelEntry {
  platform: Platform;
  id: string;
  name?: string;
  settings: ChannelSettings;
}

/** A followed feed or watched page, fully resolved (defaults merged). */
export interface SourceConfig {
  url: string;
  kind: 'feed' | 'page';
  /** What briefings and `sanad sources` call it; default the feed's own title, else the host. */
  name?: string;
  everyMs: number;
  collection: string;
  keepMs: number;
  /** Loopback/private addresses it may reach: true for any, or these host names only. */
  allowPrivate: boolean | string[];
}

export interface SanadConfig {
  /** The file read, or null when none was found and the defaults apply. */
  path: string | null;
  resolver: ChannelSettingsResolver;
  defaults: ChannelSettings;
  channels: ChannelEntry[];
  briefings: BriefingConfig[];
  sources: SourceConfig[];
  retentionDays: number;
  briefingGraceHours: number;
}

export const CONFIG_DEFAULTS = {
  retentionDays: 30,
  briefingGraceHours: 6,
  briefing: { timezone: 'UTC', whenQuiet: 'skip' },
  source: { kind: 'feed', every: '1h', collection: 'news', keep: '30d' },
} as const;

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** When given, every collection named in the file must be a collection of this folder. */
  knowledgeDir?: string;
}

/**
 * Reads and validates the config file: `path`, else `SANAD_CONFIG`, else `./sanad.config.yaml`
 * (`.yml`, `.json`) when present. Without a file: the defaults, and no briefings. Throws a
 * `SanadError` (`config_invalid`, `config_missing`) naming the file, the key and what is allowed.
 */
export function loadConfigFile(path?: string, options: LoadConfigOptions = {}): SanadConfig {
  const file = findConfigFile(path, options.env ?? process.env, options.cwd ?? process.cwd());
  if (!file) return configFromParsed({}, null, options);

  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SanadError(
      'config_invalid',
      `The config file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      {
        cause: error,
        hint: 'Check the path and its permissions.',
      },
    );
  }
  return parseConfigText(text, file, options);
}

/** Validates config text; `file` names it in errors and decides JSON (`.json`) or YAML. */
export function parseConfigText(text: string, file: string, options: LoadConfigOptions = {}): SanadConfig {
  let data: unknown;
  try {
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new SanadError('config_invalid', `${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}${where}: ${reason}`, {
      cause: error,
      hint: 'Fix the syntax; sanad.config.example.yaml shows the expected layout.',
    });
  }
  return parseConfig(data ?? {}, file, options);
}

/** Validates already-parsed config data. */
export function parseConfig(data: unknown, file: string, options: LoadConfigOptions = {}): SanadConfig {
  const result = configSchema.safeParse(data);
  if (!result.success)
    throw invalid(
      file,
      result.error.issues.map((issue) => describeIssue(issue, data)),
    );
  return configFromParsed(result.data, file, options);
}

function configFromParsed(parsed: ParsedConfig, file: string | null, options: LoadConfigOptions): SanadConfig {
  const problems: string[] = [];
  const defaults = mergeSettings(baseSettings(), parsed.defaults ?? {});
  const channels: ChannelEntry[] = [];
  const briefings: BriefingConfig[] = [];
  const seen = new Map<string, number>();
  const sources = resolveSources(parsed.sources ?? [], problems);
  // A source's collection is a collection too, though its articles live in the data folder.
  const known = options.knowledgeDir
    ? [...new Set([...knowledgeCollections(options.knowledgeDir), ...sources.map((s) => s.collection)])].sort()
    : null;

  const checkCollections = (list: string[] | undefined, at: string) => {
    if (!known || !list) return;
    list.forEach((name, i) => {
      if (!known.includes(name)) {
        problems.push(
          `${at}[${i}]: "${name}" is not a collection of ${options.knowledgeDir} (collections: ${known.join(', ') || 'none'}); create the folder ${join(options.knowledgeDir!, name)} with its documents, or list an existing collection`,
        );
      }
    });
  };
  checkCollections(parsed.defaults?.collections, 'defaults.collections');
  checkCollections(parsed.defaults?.briefing?.collections, 'defaults.briefing.collections');

  (parsed.channels ?? []).forEach((entry: ParsedChannel, i) => {
    const at = `channels[${i}]`;
    const key = `${entry.platform}:${entry.id}`;
    const earlier = seen.get(key);
    if (earlier !== undefined)
      problems.push(`${at}: the same channel as channels[${earlier}] (${entry.platform} ${entry.id}); list each channel once`);
    else seen.set(key, i);
    checkCollections(entry.collections, `${at}.collections`);
    checkCollections(entry.briefing?.collections, `${at}.briefing.collections`);

    const settings = mergeSettings(defaults, entry);
    channels.push({ platform: entry.platform, id: entry.id, ...(entry.name ? { name: entry.name } : {}), settings });
    if (entry.briefing) {
      const briefing = resolveBriefing(entry, entry.briefing, parsed.defaults?.briefing ?? {}, settings);
      if (typeof briefing === 'string') problems.push(`${at}.briefing.cron: ${briefing}`);
      else briefings.push(briefing);
    }
  });
  if (problems.length > 0) throw invalid(file ?? 'config', problems);

  const byKey = new Map(channels.map((c) => [`${c.platform}:${c.id}`, c.settings]));
  const resolver: ChannelSettingsResolver =
    channels.length === 0 && !parsed.defaults
      ? defaultSettingsResolver
      : (platform, channelId) => cloneSettings(byKey.get(`${platform}:${channelId}`) ?? defaults);

  return {
    path: file,
    resolver,
    defaults: cloneSettings(defaults),
    channels,
    briefings,
    sources,
    retentionDays: parsed.retentionDays ?? CONFIG_DEFAULTS.retentionDays,
    briefingGraceHours: parsed.briefingGraceHours ?? CONFIG_DEFAULTS.briefingGraceHours,
  };
}

function baseSettings(): ChannelSettings {
  return { ...DEFAULT_CHANNEL_SETTINGS, rateLimit: { ...DEFAULT_CHANNEL_SETTINGS.rateLimit } };
}

function cloneSettings(settings: ChannelSettings): ChannelSettings {
  return {
    ...settings,
    rateLimit: { ...settings.rateLimit },
    ...(settings.collections ? { collections: [...settings.collections] } : {}),
  };
}

type SettingsPatch = Partial<Omit<ChannelSettings, 'rateLimit'>> & { rateLimit?: Partial<ChannelSettings['rateLimit']> };

function mergeSettings(base: ChannelSettings, patch: SettingsPatch): ChannelSettings {
  const out = cloneSettings(base);
  if (patch.respond) out.respond = patch.respond;
  if (patch.collections) out.collections = [...patch.collections];
  if (patch.language) out.language = patch.language;
  if (patch.placement) out.placement = patch.placement;
  if (patch.allowBots !== undefined) out.allowBots = patch.allowBots;
  if (patch.rateLimit) {
    if (patch.rateLimit.perUserPerMinute !== undefined) out.rateLimit.perUserPerMinute = patch.rateLimit.perUserPerMinute;
    if (patch.rateLimit.perChannelPerMinute !== undefined) out.rateLimit.perChannelPerMinute = patch.rateLimit.perChannelPerMinute;
  }
  return out;
}

/** Channel briefing over `defaults.briefing` over built-ins; a string is the missing-cron problem. */
function resolveBriefing(
  entry: ParsedChannel,
  own: ParsedBriefing,
  shared: ParsedBriefing,
  settings: ChannelSettings,
): BriefingConfig | string {
  const cron = own.cron ?? shared.cron;
  if (!cron) return 'required: when to post, as a cron pattern such as "0 8 * * 1-5" (here or in defaults.briefing.cron)';
  const collections = own.collections ?? shared.collections ?? settings.collections;
  return {
    platform: entry.platform,
    channel: entry.id,
    ...(entry.name ? { name: entry.name } : {}),
    cron,
    timezone: own.timezone ?? shared.timezone ?? CONFIG_DEFAULTS.briefing.timezone,
    ...(collections ? { collections: [...collections] } : {}),
    whenQuiet: own.whenQuiet ?? shared.whenQuiet ?? CONFIG_DEFAULTS.briefing.whenQuiet,
    language: own.language ?? shared.language ?? settings.language,
  };
}

function resolveSources(list: ParsedSource[], problems: string[]): SourceConfig[] {
  const seen = new Map<string, number>();
  return list.map((entry, i) => {
    const url = new URL(entry.url).href;
    const earlier = seen.get(url);
    if (earlier !== undefined) problems.push(`sources[${i}].url: the same address as sources[${earlier}] (${url}); list each source once`);
    else seen.set(url, i);
    const d = CONFIG_DEFAULTS.source;
    return {
      url,
      kind: entry.kind ?? d.kind,
      ...(entry.name ? { name: entry.name } : {}),
      everyMs: parseDuration(entry.every ?? d.every)!,
      collection: entry.collection ?? d.collection,
      keepMs: parseDuration(entry.keep ?? d.keep)!,
      allowPrivate: entry.allowPrivate ?? false,
    };
  });
}

/** Collections of a knowledge folder: its subfolders, plus `main` when files sit at the top. */
function knowledgeCollections(dir: string): string[] {
  try {
    const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith('.'));
    const names = entries.filter((e) => e.isDirectory()).map((e) => e.name);
    if (entries.some((e) => e.isFile())) names.push('main');
    return names.sort();
  } catch {
    return [];
  }
}

function invalid(file: string, problems: string[]): SanadError {
  const list = problems.map((p) => `  - ${p}`).join('\n');
  return new SanadError('config_invalid', `Invalid config file ${file}:\n${list}`, {
    hint: `Fix ${problems.length === 1 ? 'this key' : 'these keys'} in ${file}; docs/channels.md lists every key and what it accepts.`,
  });
}
