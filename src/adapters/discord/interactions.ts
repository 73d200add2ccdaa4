/**
 * `/ask` and the buttons under an answer: "Show paragraph" (ephemeral, the whole paragraph)
 * and 👍/👎 (recorded, acknowledged privately).
 */
import { MessageFlags } from 'discord.js';
import type { ButtonInteraction, ChatInputCommandInteraction, Interaction } from 'discord.js';
import { citationLabel, errorReply, message as say, newErrorId, readMessage } from '../../core/index.js';
import { answerQuestion, safely } from './answer.js';
import type { ReplySink } from './answer.js';
import { ASK_COMMAND } from './commands.js';
import { takeLimits, type DiscordContext } from './context.js';
import { threadConversation } from './conversation.js';
import { CUSTOM_ID, langFromLocale, renderNotice, renderParagraph, renderReply } from './render.js';
import type { DiscordPayload } from './render.js';
import { unescapeDiscordMarkdown } from './text.js';

export async function handleInteraction(ctx: DiscordContext, interaction: Interaction): Promise<void> {
  if (interaction.isChatInputCommand() && interaction.commandName === ASK_COMMAND.name) return ask(ctx, interaction);
  if (interaction.isButton() && interaction.customId.startsWith('sanad:')) return button(ctx, interaction);
}

async function ask(ctx: DiscordContext, interaction: ChatInputCommandInteraction): Promise<void> {
  if ((await safely(ctx, 'claimEvent', () => ctx.store.claimEvent(`discord:interaction:${interaction.id}`))) === false) return;
  const question = interaction.options.getString('question', true).trim();
  const ephemeral = interaction.options.getBoolean('private') ?? false;
  const flags = ephemeral ? MessageFlags.Ephemeral : undefined;
  // Discord wants an acknowledgement within 3 s: defer first, answer after.
  await interaction.deferReply(flags ? { flags } : {});
  const channel = interaction.channel?.isThread() ? (interaction.channel.parentId ?? interaction.channelId) : interaction.channelId;
  const settings = ctx.settingsFor('discord', channel);
  const { empty, lang } = readMessage(question, settings.language, langFromLocale(interaction.locale));
  const sink = interactionSink(interaction, flags);
  if (empty) return sink.final(renderNotice(say('empty', lang)));
  const limit = await takeLimits(ctx, [
    { key: `user:${interaction.user.id}`, limit: settings.rateLimit.perUserPerMinute },
    { key: `channel:${channel}`, limit: settings.rateLimit.perChannelPerMinute },
  ]);
  if (!limit.ok) return sink.final(renderNotice(say('rateLimited', lang, { seconds: Math.ceil(limit.retryAfterMs / 1000) })));
  // Asked inside a thread: the thread so far is the conversation, as for a mention there.
  const thread = interaction.channel?.isThread() ? interaction.channel : null;
  const conversation = thread
    ? await threadConversation(thread, interaction.client.user.id).catch((error: unknown) => {
        ctx.logger.warn('could not read the thread; answering without it', { error: error });
        return [];
      })
    : [];
  await answerQuestion(ctx, {
    question,
    options: { conversation, collections: settings.collections, language: settings.language },
    channel,
    user: interaction.user.id,
    sink,
  });
}

function interactionSink(interaction: ChatInputCommandInteraction, flags: MessageFlags.Ephemeral | undefined): ReplySink {
  return {
    async partial(payload) {
      await interaction.editReply(payload);
    },
    async final(payloads) {
      const [head, ...rest] = payloads;
      if (!head) return;
      await interaction.editReply(head);
      for (const payload of rest) await interaction.followUp(flags ? { ...payload, flags } : payload);
    },
  };
}

async function button(ctx: DiscordContext, interaction: ButtonInteraction): Promise<void> {
  const id = interaction.customId;
  try {
    if (id.startsWith(CUSTOM_ID.vote)) return await vote(ctx, interaction);
    if (id.startsWith(CUSTOM_ID.paragraph) || id.startsWith(CUSTOM_ID.citation)) return await showParagraph(ctx, interaction);
  } catch (error) {
    const errorId = newErrorId();
    ctx.logger.error('button failed', { errorId, customId: id, error });
    const payload = renderReply(errorReply(errorId, langFromLocale(interaction.locale)))[0]!;
    const send = interaction.replied || interaction.deferred ? interaction.followUp.bind(interaction) : interaction.reply.bind(interaction);
    await send({ ...payload, flags: MessageFlags.Ephemeral }).catch(() => undefined);
  }
}

async function showParagraph(ctx: DiscordContext, interaction: ButtonInteraction): Promise<void> {
  const id = interaction.customId;
  let paragraphId: string | null = null;
  if (id.startsWith(CUSTOM_ID.paragraph)) paragraphId = id.slice(CUSTOM_ID.paragraph.length);
  else {
    const [key, n] = id.slice(CUSTOM_ID.citation.length).split(':');
    const remembered = key ? ctx.answers.get(key) : null;
    paragraphId = remembered?.citations[Number(n) - 1]?.paragraphId ?? null;
  }
  const citation = paragraphId ? ctx.assistant.paragraph(paragraphId) : null;
  const lang = langFromLocale(interaction.locale);
  const payloads = citation ? renderParagraph(citationLabel(citation), citation.text) : renderNotice(say('paragraphGone', lang));
  await replyPrivately(interaction, payloads);
}

async function vote(ctx: DiscordContext, interaction: ButtonInteraction): Promise<void> {
  if ((await safely(ctx, 'claimEvent', () => ctx.store.claimEvent(`discord:interaction:${interaction.id}`))) === false) return;
  const [direction, key] = interaction.customId.slice(CUSTOM_ID.vote.length).split(':');
  const remembered = key ? ctx.answers.get(key) : null;
  // After a restart the memory is empty: the rated answer is still on the message itself.
  const answerText = remembered?.answer ?? unescapeDiscordMarkdown(interaction.message.embeds.map((e) => e.description ?? '').join('\n\n'));
  let saved = true;
  try {
    await ctx.store.recordFeedback({
      platform: 'discord',
      channel: interaction.channelId,
      user: interaction.user.id,
      vote: direction === 'down' ? 'down' : 'up',
      question: remembered?.question ?? '',
      answer: answerText,
      citations: (remembered?.citations ?? []).map((c) => ({ document: c.document, paragraph: c.paragraph, paragraphId: c.paragraphId })),
      at: ctx.clock.now(),
    });
  } catch (error) {
    // The person is told it was not kept (below); the store's failure is logged here.
    saved = false;
    ctx.logger.warn('state store recordFeedback failed', { error });
  }
  const lang = remembered?.language ?? langFromLocale(interaction.locale);
  await replyPrivately(interaction, renderNotice(say(saved ? 'thanks' : 'feedbackNotSaved', lang)));
}

async function replyPrivately(interaction: ButtonInteraction, payloads: DiscordPayload[]): Promise<void> {
  const [head, ...rest] = payloads;
  if (!head) return;
  await interaction.reply({ ...head, flags: MessageFlags.Ephemeral });
  for (const payload of rest) await interaction.followUp({ ...payload, flags: MessageFlags.Ephemeral });
}
