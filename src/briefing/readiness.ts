import type { BriefingConfig, Platform } from '../config/file.js';
import type { Logger } from '../core/ports.js';

/**
 * Why a configured briefing is not posted by this sanad: its platform has no token here
 * (`not_connected`), or it is a `web` briefing, which the web chat shows and nothing posts.
 */
export type NotPosted = 'not_connected' | 'web_only';

export function notPostedReason(briefing: BriefingConfig, connected: readonly Platform[]): NotPosted | null {
  if (briefing.platform === 'web') return 'web_only';
  return connected.includes(briefing.platform) ? null : 'not_connected';
}

/** What to set for sanad to post to a platform. */
const TOKENS: Record<Exclude<Platform, 'web'>, string> = {
  slack: 'SLACK_BOT_TOKEN (with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET for the bot to run)',
  discord: 'DISCORD_TOKEN and DISCORD_APPLICATION_ID',
};
const NAMES: Record<Exclude<Platform, 'web'>, string> = { slack: 'Slack', discord: 'Discord' };

/**
 * One log line per configured briefing that `sanad start` will not post, saying why and what to
 * set: otherwise "briefings scheduled {channels: 0}" is all an operator sees.
 */
export function logUnscheduledBriefings(
  logger: Logger,
  briefings: readonly BriefingConfig[],
  connected: readonly Platform[],
  webChat: boolean,
): void {
  const shown = webChat ? "; the web chat's #briefing shows it meanwhile" : '';
  for (const briefing of briefings) {
    const reason = notPostedReason(briefing, connected);
    if (!reason) continue;
    const channel = `${briefing.platform}:${briefing.channel}${briefing.name ? ` (${briefing.name})` : ''}`;
    if (briefing.platform === 'web') {
      logger.info(`briefing ${channel} is for the web chat: shown in #briefing${webChat ? '' : ' (the web chat is off)'}, never posted`);
    } else {
      logger.warn(
        `briefing ${channel} not scheduled: no ${NAMES[briefing.platform]} token is set. Set ${TOKENS[briefing.platform]} to post it${shown}.`,
        {
          channel,
          cron: briefing.cron,
          timezone: briefing.timezone,
        },
      );
    }
  }
}
