/** Test helpers: a scripted assistant and a bot started against the fake Discord. */
import { createDiscordAdapter } from '../../src/adapters/discord/index.js';
import type { DiscordAdapter } from '../../src/adapters/discord/index.js';
import { defaultSettingsResolver } from '../../src/core/channels.js';
import type { ChannelSettings, ChannelSettingsResolver } from '../../src/core/channels.js';
import { createLogger } from '../../src/core/ports.js';
import type { Clock, Logger } from '../../src/core/ports.js';
import { MemoryStateStore } from '../../src/core/state.js';
import type { StateStore } from '../../src/core/state.js';
import type { Answer, AnswerEvent, AskOptions, Assistant, Citation } from '../../src/core/types.js';
import type { FakeDiscord, FakeMessage } from './fake-discord.js';

export const TOKEN = 'fake-bot-token-0123456789';

export function citation(n: number, over: Partial<Citation> = {}): Citation {
  return {
    n,
    document: 'france-counterterrorism.ar.txt',
    title: 'فرنسا ومكافحة الإرهاب',
    paragraph: 2,
    section: null,
    text: 'وقال سفير فرنسا لدى الأمم المتحدة فرنسوا ديلاتر إن بلاده مصممة على مكافحة الإرهاب.',
    quote: 'سفير فرنسا لدى الأمم المتحدة فرنسوا ديلاتر',
    score: 1,
    paragraphId: 'france-counterterrorism.ar.txt#0123456789',
    collection: '',
    ...over,
  };
}

export function answerFor(question: string, over: Partial<Answer> = {}): Answer {
  return {
    question,
    answer: 'سفير فرنسا لدى الأمم المتحدة هو فرنسوا ديلاتر [1].',
    abstained: false,
    language: 'ar',
    mode: 'extractive',
    citations: [citation(1)],
    retrieved: [],
    timings: { retrieveMs: 1, answerMs: 1, totalMs: 2 },
    ...over,
  };
}

export interface ScriptedAssistant extends Assistant {
  calls: { question: string; options: AskOptions | undefined }[];
}

/**
 * An assistant that answers from `script` (default: the ambassador answer). `deltas` streams
 * the answer text in pieces, `gapMs` apart, before the final answer.
 */
export function scriptedAssistant(
  options: { script?: (question: string, options?: AskOptions) => Answer; deltas?: string[]; gapMs?: number; fail?: boolean } = {},
): ScriptedAssistant {
  const calls: ScriptedAssistant['calls'] = [];
  const script = options.script ?? ((q: string) => answerFor(q));
  const paragraphs = new Map<string, Citation>([[citation(1).paragraphId, citation(1)]]);
  return {
    calls,
    async ask(question, askOptions) {
      calls.push({ question, options: askOptions });
      if (options.fail) throw new Error('index exploded');
      return script(question, askOptions);
    },
    askStream(question, askOptions): AsyncIterable<AnswerEvent> {
      return {
        async *[Symbol.asyncIterator]() {
          calls.push({ question, options: askOptions });
          if (options.fail) throw new Error('index exploded');
          for (const text of options.deltas ?? []) {
            await new Promise((r) => setTimeout(r, options.gapMs ?? 0));
            yield { type: 'delta', text };
          }
          yield { type: 'final', answer: script(question, askOptions) };
        },
      };
    },
    paragraph: (id) => paragraphs.get(id) ?? null,
  } satisfies ScriptedAssistant;
}

export interface RunningBot {
  adapter: DiscordAdapter;
  store: StateStore;
  logs: string[];
  stop(): Promise<void>;
}

export async function startBot(
  fake: FakeDiscord,
  options: {
    assistant: Assistant;
    store?: StateStore;
    settings?: Partial<ChannelSettings> | ChannelSettingsResolver;
    clock?: Clock;
    guildCommands?: boolean;
    answerTimeoutMs?: number;
  },
): Promise<RunningBot> {
  const logs: string[] = [];
  const logger: Logger = createLogger({ level: 'debug', write: (line) => logs.push(line) });
  const store = options.store ?? new MemoryStateStore();
  const settingsFor: ChannelSettingsResolver =
    typeof options.settings === 'function'
      ? options.settings
      : (platform, channel) => ({
          ...defaultSettingsResolver(platform, channel),
          ...(options.settings as Partial<ChannelSettings> | undefined),
        });
  const adapter = createDiscordAdapter({
    assistant: options.assistant,
    store,
    logger,
    settingsFor,
    clock: options.clock,
    ...(options.answerTimeoutMs ? { answerTimeoutMs: options.answerTimeoutMs } : {}),
    config: {
      token: TOKEN,
      applicationId: fake.applicationId,
      apiUrl: fake.apiUrl,
      ...(options.guildCommands === false ? {} : { guildId: fake.guildId }),
    },
  });
  await adapter.start();
  return { adapter, store, logs, stop: () => adapter.stop() };
}

/** All text a person sees in a message: content, embed titles, descriptions, fields, footers. */
export function visibleText(message: FakeMessage): string {
  const parts = [message.content];
  for (const embed of message.embeds as {
    title?: string;
    description?: string;
    fields?: { name: string; value: string }[];
    footer?: { text: string };
  }[]) {
    parts.push(embed.title ?? '', embed.description ?? '');
    for (const field of embed.fields ?? []) parts.push(field.name, field.value);
    parts.push(embed.footer?.text ?? '');
  }
  return parts.filter(Boolean).join('\n');
}

/** True when Discord would notify someone because of what the bot sent for this message. */
export function couldPing(message: FakeMessage): boolean {
  const sent = message.sentAllowedMentions ?? [undefined];
  return sent.some((allowed) => {
    if (!allowed) return true;
    const parse = allowed.parse;
    if (!Array.isArray(parse) || parse.length > 0) return true;
    if (Array.isArray(allowed.users) && allowed.users.length > 0) return true;
    if (Array.isArray(allowed.roles) && allowed.roles.length > 0) return true;
    return allowed.replied_user === true;
  });
}

/** The custom ids of the buttons under a message. */
export function customIds(message: FakeMessage): string[] {
  return (message.components as { components: { custom_id?: string }[] }[]).flatMap((row) => row.components.map((b) => b.custom_id ?? ''));
}
