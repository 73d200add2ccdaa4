import type { App, BlockButtonAction } from '@slack/bolt';
import { type FeedbackRecord, type Lang, message, readMessage } from '../../core/index.js';
import { answerMessages, type SlackDeps } from './answer.js';
import { renderParagraphView } from './blocks.js';
import { ACTION, decodeAnswerRef } from './ids.js';
import { label } from './labels.js';

/** The buttons under an answer: show a paragraph, vote, share a private answer. */
export function registerActions(app: App, deps: SlackDeps): void {
  const log = deps.logger;

  app.action<BlockButtonAction>(new RegExp(`^${ACTION.paragraph}:`), async ({ ack, action, body, client }) => {
    await ack();
    const citation = deps.assistant.paragraph(action.value ?? '');
    const lang = questionLanguage(body.message?.text ?? citation?.text ?? '');
    try {
      await client.views.open({ trigger_id: body.trigger_id, view: renderParagraphView(citation, lang) });
    } catch (error) {
      log.warn('views.open failed', { error });
    }
  });

  for (const [actionId, vote] of [
    [ACTION.voteUp, 'up'],
    [ACTION.voteDown, 'down'],
  ] as const) {
    app.action<BlockButtonAction>(actionId, async ({ ack, action, body, respond }) => {
      await ack();
      const ref = decodeAnswerRef(action.value);
      if (!ref) return;
      const shown = deps.recent.get(ref.a);
      const record: FeedbackRecord = {
        platform: 'slack',
        channel: body.channel?.id ?? body.container?.channel_id ?? '',
        user: body.user.id,
        vote,
        question: shown?.question ?? ref.q,
        answer: shown?.answer ?? body.message?.text ?? '',
        citations: shown
          ? shown.citations.map(({ document, paragraph, paragraphId }) => ({ document, paragraph, paragraphId }))
          : ref.p.map((id) => {
              const c = deps.assistant.paragraph(id);
              return { document: c?.document ?? '', paragraph: c?.paragraph ?? 0, paragraphId: id };
            }),
        at: deps.clock.now(),
      };
      let saved = true;
      try {
        await deps.state.recordFeedback(record);
      } catch (error) {
        saved = false;
        log.warn('could not record feedback', { error });
      }
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: message(saved ? 'thanks' : 'feedbackNotSaved', questionLanguage(record.question)),
      });
    });
  }

  app.action<BlockButtonAction>(ACTION.share, async ({ ack, action, body, respond }) => {
    await ack();
    const ref = decodeAnswerRef(action.value);
    if (!ref) return;
    const lang = questionLanguage(ref.q);
    // Shared into this channel: its collections and language hold, as for any answer in it.
    const settings = deps.settings('slack', body.channel?.id ?? body.container?.channel_id ?? '');
    try {
      // After a restart the cached answer is gone: answer the question again rather than fail.
      const answer =
        deps.recent.get(ref.a) ??
        (await deps.assistant.ask(ref.q, {
          collections: settings.collections,
          language: settings.language,
          signal: AbortSignal.timeout(deps.answerTimeoutMs),
        }));
      const messages = answerMessages(deps, answer, ref.q, `${label('question', lang)}: ${ref.q}`);
      for (const [i, msg] of messages.entries()) {
        await respond({ response_type: 'in_channel', delete_original: i === 0, text: msg.text, blocks: msg.blocks });
      }
    } catch (error) {
      log.warn('sharing an answer failed', { error });
      await respond({ response_type: 'ephemeral', replace_original: false, text: label('shareExpired', lang) });
    }
  });
}

/** The language of a reply about a question or paragraph: decided by the core, as for the answer. */
function questionLanguage(text: string): Lang {
  return readMessage(text).lang;
}
