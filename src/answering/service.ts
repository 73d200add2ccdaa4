import {
  type Answer,
  type Assistant,
  type Clock,
  errorReply,
  type Lang,
  type Logger,
  newErrorId,
  noFinalAnswer,
  readMessage,
  type Reply,
  type StateStore,
  type Turn,
} from '../core/index.js';

/** Where an answered question is recorded as coming from. */
export type Platform = 'slack' | 'discord' | 'web';

/** What the service needs from the rest of the app: the core's ports. */
export interface AnswerServiceDeps {
  assistant: Assistant;
  store: StateStore;
  logger: Logger;
  clock: Clock;
}

export interface AnswerServiceOptions {
  platform: Platform;
  /**
   * Minimum time between two progress updates: chat platforms rate-limit message edits; the
   * web's stream takes every step (0).
   */
  streamIntervalMs: number;
  /** One overall deadline per answer (Slack's and Discord's); null leaves it to the core's model deadline. */
  answerTimeoutMs: number | null;
}

/** A chat platform's answers unless told otherwise: the one owner of these two timings. */
export const DefaultChatAnswerOptions = {
  // Slack and Discord allow about one edit of a message a second.
  streamIntervalMs: 1000,
  // Slack's own limit for a whole answer; Discord answers are held to the same.
  answerTimeoutMs: 90_000,
} as const satisfies Omit<AnswerServiceOptions, 'platform'>;

/** One question to answer, as the adapter translated it from its platform. */
export interface AnswerRequest {
  channel: string;
  user: string;
  question: string;
  conversation?: Turn[];
  collections?: string[];
  language?: 'auto' | Lang;
  /** The language of the bot's own sentences when the question has none (the web page's language). */
  otherwise?: Lang;
  /** The asker went away (a browser closed): the answer stops, nothing is recorded, no one is apologised to. */
  signal?: AbortSignal;
}

/** How an adapter shows an answer: rendering and transport only. */
export interface AnswerSink {
  /** The answer's text so far (never blank), at most once per `streamIntervalMs`. */
  progress?(text: string): Promise<void>;
  /** The final answer. Throwing here turns into the apology. */
  deliver(answer: Answer): Promise<void>;
  /** The apology for a failure; its error id is in the log line too. */
  apologise(reply: Reply, errorId: string): Promise<void>;
}

/**
 * Answer, stream and record, the same way on every platform: the core's answer stream is shown
 * as it grows (throttled), the final answer is recorded and delivered, and any failure on the
 * way (the core, the stream ending without an answer, the delivery) becomes one apology with an
 * error id that is also logged. The adapters only translate the question and render the result.
 */
export class AnswerService {
  constructor(
    private readonly deps: AnswerServiceDeps,
    private readonly options: AnswerServiceOptions,
  ) {}

  /** The answer delivered, or null when an apology was given instead (or the asker went away). */
  async answer(request: AnswerRequest, sink: AnswerSink): Promise<Answer | null> {
    try {
      return await this.stream(request, sink);
    } catch (error) {
      if (request.signal?.aborted) return null;
      await this.apologise(request, sink, error);
      return null;
    }
  }

  private async stream(request: AnswerRequest, sink: AnswerSink): Promise<Answer | null> {
    const { clock } = this.deps;
    const deadline = this.options.answerTimeoutMs === null ? undefined : AbortSignal.timeout(this.options.answerTimeoutMs);
    const signals = [request.signal, deadline].filter((s): s is AbortSignal => s !== undefined);
    const options = {
      conversation: request.conversation ?? [],
      collections: request.collections,
      language: request.language,
      ...(signals.length ? { signal: AbortSignal.any(signals) } : {}),
    };
    let text = '';
    let last = clock.now().getTime();
    for await (const event of this.deps.assistant.askStream(request.question, options)) {
      if (request.signal?.aborted) return null;
      if (event.type === 'final') {
        // Recorded and delivered before the stream is left: the assistant counts the answer as
        // in flight until then, so a shutdown waits for both before it closes the store.
        await this.record(request, event.answer);
        await sink.deliver(event.answer);
        return event.answer;
      }
      text += event.text;
      const now = clock.now().getTime();
      if (sink.progress && text.trim() && now - last >= this.options.streamIntervalMs) {
        last = now;
        await sink.progress(text);
      }
    }
    throw noFinalAnswer();
  }

  /** A failing store never costs an answer: it is logged and the answer still goes out. */
  private async record(request: AnswerRequest, answer: Answer): Promise<void> {
    try {
      await this.deps.store.recordQuestion({
        platform: this.options.platform,
        channel: request.channel,
        user: request.user,
        question: request.question,
        answer: answer.answer,
        abstained: answer.abstained,
        citations: answer.citations.map(({ document, paragraph, paragraphId }) => ({ document, paragraph, paragraphId })),
        at: this.deps.clock.now(),
      });
    } catch (error) {
      this.deps.logger.warn('could not record the question', { error });
    }
  }

  private async apologise(request: AnswerRequest, sink: AnswerSink, error: unknown): Promise<void> {
    const errorId = newErrorId();
    this.deps.logger.error('answering failed', { errorId, channel: request.channel, user: request.user, error });
    const { lang } = readMessage(request.question, request.language, request.otherwise);
    try {
      await sink.apologise(errorReply(errorId, lang), errorId);
    } catch (sendError) {
      this.deps.logger.error('could not deliver the apology', { errorId, error: sendError });
    }
  }
}
