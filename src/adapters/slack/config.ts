export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * What the Slack app needs, resolved and checked once at start by src/config (`resolveSlackConfig`,
 * or `AppConfig.slack` in `sanad start`): the adapter reads no environment itself.
 */
export interface SlackConfig {
  botToken: string;
  /** Set: Socket Mode. Unset: the HTTP Events API on `port`. */
  appToken: string | undefined;
  signingSecret: string | undefined;
  port: number;
  /** Interface to listen on; undefined = all interfaces (Bolt's default). */
  host: string | undefined;
  apiUrl: string;
}
