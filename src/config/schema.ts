import { Cron } from 'croner';
import { z } from 'zod';

/**
 * The shape of `sanad.config.yaml` / `.json`. Every object is strict so a misspelt key is an
 * error that names it, rather than a setting silently ignored.
 */

export const LANGUAGES = ['auto', 'ar', 'en', 'fr'] as const;
export const PLATFORMS = ['slack', 'discord', 'web'] as const;

/** True when `Intl` knows the zone (IANA names such as Europe/Paris, or UTC). */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Null when croner accepts the pattern, else croner's reason. */
export function cronProblem(pattern: string): string | null {
  try {
    new Cron(pattern, { paused: true });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message.replace(/^CronPattern:\s*/, '') : String(error);
  }
}

const collections = z.array(z.string().trim().min(1)).min(1);

const timezone = z.string().refine(isValidTimeZone, {
  error: (issue) =>
    `"${String(issue.input)}" is not a time zone known to this system; use an IANA name such as Europe/Paris, Asia/Riyadh or UTC`,
});

const cron = z.string().check((ctx) => {
  const problem = cronProblem(ctx.value);
  if (problem) {
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: `"${ctx.value}" is not a valid cron pattern (${problem}); use five fields "minute hour day month weekday", e.g. "0 8 * * 1-5" for 08:00 on weekdays`,
    });
  }
});

/** Briefing fields; all optional here because `defaults.briefing` may supply them. */
export const briefingSchema = z.strictObject({
  cron: cron.optional(),
  timezone: timezone.optional(),
  collections: collections.optional(),
  whenQuiet: z.enum(['skip', 'highlights']).optional(),
  language: z.enum(LANGUAGES).optional(),
});

const rateLimit = z.strictObject({
  perUserPerMinute: z.number().int().min(0).optional(),
  perChannelPerMinute: z.number().int().min(0).optional(),
});

const settingsFields = {
  respond: z.enum(['mention', 'questions', 'off']).optional(),
  collections: collections.optional(),
  language: z.enum(LANGUAGES).optional(),
  placement: z.enum(['auto', 'thread', 'channel']).optional(),
  rateLimit: rateLimit.optional(),
  allowBots: z.boolean().optional(),
};

export const defaultsSchema = z.strictObject({ ...settingsFields, briefing: briefingSchema.optional() });

export const channelSchema = z.strictObject({
  platform: z.enum(PLATFORMS),
  // A string, never a number: Discord ids are larger than a double holds exactly.
  id: z
    .string({
      error: (issue) =>
        typeof issue.input === 'number'
          ? 'write the channel id in quotes ("123…"): as a number, a long Discord id loses digits'
          : undefined,
    })
    .trim()
    .min(1),
  name: z.string().optional(),
  ...settingsFields,
  briefing: briefingSchema.optional(),
});

/** "90s", "30m", "1h", "2d", "1w" → milliseconds; null when it is not a duration. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d|w)\s*$/i.exec(text);
  if (!match) return null;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2]!.toLowerCase() as 's']!;
  return Number(match[1]) * unit;
}

/** A duration between `min` and `max`, with messages that give an example. */
function duration(min: number, max: number, minText: string, maxText: string, example: string) {
  return z.string().check((ctx) => {
    const ms = parseDuration(ctx.value);
    const problem =
      ms === null
        ? `"${ctx.value}" is not a duration; write a number and a unit (s, m, h, d, w), e.g. "${example}"`
        : ms < min
          ? `"${ctx.value}" is shorter than ${minText}, the least allowed (be kind to the sites you follow)`
          : ms > max
            ? `"${ctx.value}" is longer than ${maxText}, the most allowed`
            : null;
    if (problem) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
  });
}

const httpUrl = z.string().check((ctx) => {
  let ok = false;
  try {
    ok = /^https?:$/.test(new URL(ctx.value).protocol);
  } catch {
    ok = false;
  }
  if (!ok)
    ctx.issues.push({
      code: 'custom',
      input: ctx.value,
      message: `"${ctx.value}" is not an http(s) address; write the full address, e.g. "https://example.com/feed.xml"`,
    });
});

/** A followed news feed or watched page (`sources:`). */
export const sourceSchema = z.strictObject({
  url: httpUrl,
  kind: z.enum(['feed', 'page']).optional(),
  name: z.string().trim().min(1).optional(),
  every: duration(5 * 60_000, 7 * 86_400_000, '5m', '7d', '1h').optional(),
  collection: z
    .string()
    .trim()
    .regex(/^[\p{L}\p{N}_-][\p{L}\p{N} _.-]*$/u, { error: 'must be a simple collection name such as news (letters, digits, "-", "_")' })
    .optional(),
  keep: duration(86_400_000, 3650 * 86_400_000, '1d', '3650d', '30d').optional(),
  /** Loopback/private addresses this source may reach: true for any, or a list of host names. */
  allowPrivate: z.union([z.boolean(), z.array(z.string().trim().min(1)).min(1)]).optional(),
});

export const configSchema = z.strictObject({
  sources: z.array(sourceSchema).optional(),
  retentionDays: z.number().int().min(1).max(3650).optional(),
  briefingGraceHours: z.number().min(0).max(24).optional(),
  defaults: defaultsSchema.optional(),
  channels: z.array(channelSchema).optional(),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;
export type ParsedChannel = z.output<typeof channelSchema>;
export type ParsedBriefing = z.output<typeof briefingSchema>;
export type ParsedSource = z.output<typeof sourceSchema>;
