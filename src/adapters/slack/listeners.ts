import type { App } from '@slack/bolt';
import { looksLikeQuestion, message, readMessage } from '../../core/index.js';
import { answerInPlace, answerPrivately, rateLimitMessage, type SlackDeps } from './answer.js';
import { registerActions } from './actions.js';
import { ASK_COMMAND } from './ids.js';
import { slackToPlain } from './mrkdwn.js';

/** The fields of a message or app_mention event the adapter reads. */
interface IncomingMessage {
  type: string;
  subtype?: string;
  channel: string;
  channel_type?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
}

export function registerListeners(app: App, deps: SlackDeps): void {
  const log = deps.logger;

  // Slack re-delivers an event it thinks was not acknowledged (X-Slack-Retry-Num), and Bolt does
  // not deduplicate: claim every event id once in the state store, so one question gets one answer.
  // Only events that can lead to an answer are recorded, not every message in every channel.
  app.use(async ({ body, next }) => {
    const { event_id: eventId, event } = body as { event_id?: unknown; event?: { type?: string; subtype?: string } };
    // Taken over from a replica that died: that replica claimed it, and never answered.
    if (deps.resumed(body)) return next();
    if (typeof eventId === 'string' && (event?.type === 'app_mention' || (event?.type === 'message' && !event.subtype))) {
      let fresh = true;
      try {
        fresh = await deps.state.claimEvent(`slack:${eventId}`, deps.clock.now());
      } catch (error) {
        log.warn('could not record the event id; handling it anyway', { eventId, error });
      }
      if (!fresh) {
        log.info('ignored a re-delivered event', { eventId });
        return;
      }
    }
    await next();
  });

  app.event('app_mention', async ({ event, client }) => {
    const e = event as unknown as IncomingMessage;
    if (e.channel.startsWith('D') || !fromAllowedAuthor(deps, e)) return; // DMs arrive as message.im too
    const settings = deps.settings('slack', e.channel);
    if (settings.respond === 'off') return;
    const inThread = e.thread_ts !== undefined && e.thread_ts !== e.ts;
    await answerInPlace(deps, client, {
      channel: e.channel,
      user: e.user ?? e.bot_id ?? 'unknown',
      text: slackToPlain(e.text ?? '', deps.identity.botUserId),
      settings,
      place: { channel: e.channel, threadTs: inThread ? e.thread_ts : settings.placement !== 'channel' ? e.ts : undefined },
      history: inThread ? { threadTs: e.thread_ts!, beforeTs: e.ts } : null,
    });
  });

  app.event('message', async ({ event, client }) => {
    const e = event as unknown as IncomingMessage;
    // Edits, deletions, joins, topic changes, bot_message…: not questions.
    if (e.subtype !== undefined || !fromAllowedAuthor(deps, e)) return;
    const settings = deps.settings('slack', e.channel);
    if (settings.respond === 'off') return;
    const inThread = e.thread_ts !== undefined && e.thread_ts !== e.ts;
    const text = e.text ?? '';
    if (e.channel_type === 'im') {
      await answerInPlace(deps, client, {
        channel: e.channel,
        user: e.user ?? 'unknown',
        text: slackToPlain(text, deps.identity.botUserId),
        settings,
        place: { channel: e.channel, threadTs: inThread ? e.thread_ts : undefined },
        history: inThread ? { threadTs: e.thread_ts!, beforeTs: e.ts } : null,
      });
      return;
    }
    // A mention also arrives as app_mention; answering it here too would answer twice.
    if (text.includes(`<@${deps.identity.botUserId}`)) return;
    if (settings.respond !== 'questions' || inThread || !looksLikeQuestion(slackToPlain(text))) return;
    await answerInPlace(deps, client, {
      channel: e.channel,
      user: e.user ?? 'unknown',
      text: slackToPlain(text, deps.identity.botUserId),
      settings,
      place: { channel: e.channel, threadTs: settings.placement !== 'channel' ? e.ts : undefined },
      history: null,
    });
  });

  app.command(ASK_COMMAND, async ({ command, ack, respond }) => {
    const text = slackToPlain(command.text ?? '', deps.identity.botUserId);
    const settings = deps.settings('slack', command.channel_id);
    const q = { channel: command.channel_id, user: command.user_id, text, settings };
    const { empty, lang } = readMessage(text, settings.language);
    const refusal = empty ? message('empty', lang) : await rateLimitMessage(deps, q, lang);
    // Acknowledge within Slack's 3 s with something the asker sees; the answer replaces it.
    await ack({ response_type: 'ephemeral', text: refusal ?? message('thinking', lang) });
    if (!refusal) await answerPrivately(deps, respond, q);
  });

  registerActions(app, deps);

  app.error(async (error) => {
    log.error('unhandled error in a Slack listener', { error });
  });
}

/** Never our own messages; other bots only where the channel allows them. */
function fromAllowedAuthor(deps: SlackDeps, e: IncomingMessage): boolean {
  if (e.user === deps.identity.botUserId || e.bot_id === deps.identity.botId) return false;
  if (e.bot_id !== undefined) return deps.settings('slack', e.channel).allowBots;
  return e.user !== undefined;
}
