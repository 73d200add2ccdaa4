/** The Slack adapter's public surface. */
export { startSlackApp } from './app.js';
export type { SlackAppOptions, SlackBot } from './app.js';
export { SLACK_EVENTS_PATH } from './config.js';
export type { SlackConfig } from './config.js';
export type { BotIdentity } from './auth.js';
export { renderReply, SLACK_LIMITS } from './blocks.js';
export type { SlackMessage } from './blocks.js';
export { escapeMrkdwn, slackToPlain } from './mrkdwn.js';
