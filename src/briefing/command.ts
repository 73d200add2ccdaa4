import type { BriefingConfig, SanadConfig } from '../config/file.js';
import { SanadError } from '../core/errors.js';
import { systemClock, type Clock } from '../core/ports.js';
import { renderMarkdown } from './render-text.js';
import { briefingKey, type BriefingRunner } from './runner.js';
import { dayProblem, localDay, startOfDay } from './time.js';

export interface BriefingCommandOptions {
  /** A channel id, or `platform:id` when the same id is configured on two platforms. */
  channel: string;
  /** YYYY-MM-DD in the channel's time zone; default today there. */
  date?: string;
  json?: boolean;
  /** Post it now (still at most once per channel and day). */
  post?: boolean;
}

export interface BriefingCommandDeps {
  config: Pick<SanadConfig, 'briefings' | 'path'>;
  runner: BriefingRunner;
  clock?: Clock;
}

/**
 * `sanad briefing --channel ID [--date YYYY-MM-DD] [--json] [--post]`: prints the briefing
 * (markdown, or JSON), or posts it through the same exactly-once path as the scheduler.
 * Returns what to print and the exit code; throws `SanadError` for bad input.
 */
export async function runBriefingCommand(
  options: BriefingCommandOptions,
  deps: BriefingCommandDeps,
): Promise<{ exitCode: number; output: string }> {
  const config = findBriefing(options.channel, deps.config);
  const clock = deps.clock ?? systemClock;
  const date = options.date ?? localDay(clock.now(), config.timezone);
  const problem = dayProblem(date);
  if (problem) {
    throw new SanadError('usage', `--date must be a real day as YYYY-MM-DD (got "${date}": ${problem}).`, {
      hint: 'For example: --date 2026-03-29',
    });
  }
  const key = briefingKey(config.platform, config.channel, date);

  if (options.post) {
    // Any instant of that local day names the day; noon avoids DST edges.
    const outcome = await deps.runner.run(config, new Date(startOfDay(date, config.timezone).getTime() + 12 * 3_600_000));
    const messages: Record<typeof outcome.status, string> = {
      posted: `Posted the briefing ${key}.`,
      recovered: `The briefing ${key} had already been posted; recorded it.`,
      skipped: `Nothing to brief for ${key} (whenQuiet: ${config.whenQuiet}); nothing posted.`,
      done: `The briefing ${key} was already posted or skipped; not posting it twice.`,
      busy: `Another sanad is posting ${key} right now; not posting it twice.`,
      failed: `The briefing ${key} could not be posted: ${outcome.status === 'failed' ? errorMessage(outcome.error) : ''}. Gave up after a few tries; run the command again later.`,
      'no-poster': `Briefings cannot be posted to ${config.platform} from here (no ${config.platform} token configured).`,
    };
    const exitCode = outcome.status === 'failed' || outcome.status === 'no-poster' ? 1 : 0;
    const output = options.json
      ? JSON.stringify({ ...outcome, error: outcome.status === 'failed' ? String(outcome.error) : undefined })
      : messages[outcome.status];
    return { exitCode, output };
  }

  const briefing = await deps.runner.build(config, date);
  if (options.json)
    return { exitCode: 0, output: JSON.stringify({ key, platform: config.platform, channel: config.channel, date, briefing }, null, 2) };
  if (!briefing) return { exitCode: 0, output: `Nothing to brief for ${key}: no new documents and no questions (whenQuiet: skip).` };
  return { exitCode: 0, output: renderMarkdown(briefing) };
}

function findBriefing(channel: string, config: Pick<SanadConfig, 'briefings' | 'path'>): BriefingConfig {
  const matches = config.briefings.filter((b) => b.channel === channel || `${b.platform}:${b.channel}` === channel || b.name === channel);
  const configured = config.briefings.map((b) => `${b.platform}:${b.channel}${b.name ? ` (${b.name})` : ''}`).join(', ');
  if (matches.length === 0) {
    throw new SanadError(
      'briefing_channel',
      `No briefing is configured for channel "${channel}"${config.path ? ` in ${config.path}` : ' (no config file found)'}.`,
      {
        hint: configured ? `Configured: ${configured}.` : 'Add a `briefing:` to the channel in sanad.config.yaml (see docs/channels.md).',
      },
    );
  }
  if (matches.length > 1) {
    throw new SanadError('briefing_channel', `"${channel}" names several channels: ${configured}.`, {
      hint: 'Use platform:id, e.g. slack:C0123.',
    });
  }
  return matches[0]!;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
