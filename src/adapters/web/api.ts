import type { IncomingMessage, ServerResponse } from 'node:http';
import { AnswerService, type AnswerRequest } from '../../answering/index.js';
import {
  type Answer,
  type Assistant,
  type ChannelSettings,
  type Clock,
  type Lang,
  type Logger,
  message,
  newErrorId,
  RATE_WINDOW_MS,
  readMessage,
  type SharedRateLimits,
  type StateStore,
  toReply,
} from '../../core/index.js';
import { HttpError, readJson, sendError, sendJson } from './http.js';
import type { BriefingProvider } from './types.js';
import { parseAsk, parseFeedback, preferredLanguage } from './validate.js';

/** The web page is one shared channel: everything it logs is under this channel and user. */
export const WEB_CHANNEL = 'general';
export const WEB_USER = 'web';

export interface ApiDeps {
  assistant: Assistant;
  /** The web chat's channel settings (a `platform: web` entry, else `defaults`). */
  channel: ChannelSettings;
  store: StateStore;
  logger: Logger;
  clock: Clock;
  /** Counts questions against the channel's `rateLimit`; null: no limit (a server embedded without one). */
  limits: SharedRateLimits | null;
  briefing: BriefingProvider | undefined;
  maxBodyBytes: number;
  maxQuestionChars: number;
}

/** The Answer exactly as `sanad ask --json` prints it, plus the reply model the page renders. */
export function answerJson(answer: Answer): Answer & { reply: ReturnType<typeof toReply> } {
  return { ...answer, reply: toReply(answer) };
}

export function createApi(deps: ApiDeps) {
  const { assistant, store, logger, briefing, channel } = deps;
  // The web page streams every step of an answer; the core's model deadline is its only deadline.
  const answering = new AnswerService(
    { assistant, store, logger, clock: deps.clock },
    { platform: 'web', streamIntervalMs: 0, answerTimeoutMs: null },
  );
  // The channel's limits hold on every path that answers or shows knowledge here.
  const limits = { collections: channel.collections, language: channel.language };
  const allowed = (collection: string) => !channel.collections || channel.collections.includes(collection);
  const refuseWhenOff = () => {
    if (channel.respond === 'off')
      throw new HttpError(403, 'answering_off', 'Answering is turned off for the web chat (respond: off in the config file).');
  };

  /**
   * The channel's `rateLimit`, as on Slack and Discord: the web chat is one channel, and a "user"
   * is a client address (behind a proxy, every user shares the proxy's). A question over a limit
   * gets 429 with Retry-After and the same friendly sentence the chat platforms give.
   */
  async function takeRate(req: IncomingMessage, question: string, uiLang: Lang): Promise<void> {
    if (!deps.limits) return;
    const user = req.socket.remoteAddress ?? 'unknown';
    const verdict = await deps.limits.takeRate(
      [
        { key: `web:user:${user}`, limit: channel.rateLimit.perUserPerMinute },
        { key: `web:channel:${WEB_CHANNEL}`, limit: channel.rateLimit.perChannelPerMinute },
      ],
      RATE_WINDOW_MS,
      deps.clock.now(),
    );
    if (verdict.ok) return;
    const seconds = Math.ceil(verdict.retryAfterMs / 1000);
    const lang = readMessage(question, channel.language, uiLang).lang;
    throw new HttpError(429, 'rate_limited', message('rateLimited', lang, { seconds }), { 'Retry-After': String(seconds) });
  }

  /** Aborts the assistant's work when the browser goes away mid-answer. */
  function abortOnClose(res: ServerResponse): AbortController {
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    return controller;
  }

  /**
   * What both ask endpoints do before answering: read and check the question, refuse it when the
   * web chat is off or over its rate, and tie the answer to the connection.
   */
  async function acceptQuestion(req: IncomingMessage, res: ServerResponse): Promise<AnswerRequest> {
    const uiLang = preferredLanguage(req.headers['accept-language']);
    const { question, history } = parseAsk(await readJson(req, deps.maxBodyBytes), deps.maxQuestionChars, uiLang);
    refuseWhenOff();
    await takeRate(req, question, uiLang);
    const controller = abortOnClose(res);
    return {
      channel: WEB_CHANNEL,
      user: WEB_USER,
      question,
      conversation: history,
      ...limits,
      otherwise: uiLang,
      signal: controller.signal,
    };
  }

  async function ask(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await acceptQuestion(req, res);
    await answering.answer(request, {
      deliver: async (answer) => sendJson(res, 200, answerJson(answer)),
      apologise: async (reply, errorId) => sendError(res, 500, 'internal', reply.text, { errorId }),
    });
  }

  /**
   * The same answer as NDJSON: `{"type":"delta","text"}` lines as the text grows, then one
   * `{"type":"final","answer"}` (or `{"type":"error","error"}`). Validation errors come before the
   * stream starts, as ordinary JSON errors with their status.
   */
  async function askStream(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = await acceptQuestion(req, res);
    res.writeHead(200, {
      'Content-Type': 'application/x-ndjson; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    });
    const write = (event: unknown) => {
      if (!res.writableEnded && !res.destroyed) res.write(JSON.stringify(event) + '\n');
    };
    let sent = 0;
    await answering.answer(request, {
      // Each line carries only what is new since the last one.
      progress: async (text) => {
        write({ type: 'delta', text: text.slice(sent) });
        sent = text.length;
      },
      deliver: async (answer) => write({ type: 'final', answer: answerJson(answer) }),
      apologise: async (reply, errorId) => write({ type: 'error', error: { code: 'internal', message: reply.text, errorId } }),
    });
    res.end();
  }

  async function feedback(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const input = parseFeedback(await readJson(req, deps.maxBodyBytes));
    try {
      await store.recordFeedback({ ...input, platform: 'web', channel: WEB_CHANNEL, user: WEB_USER, at: new Date() });
    } catch (error) {
      const errorId = newErrorId();
      logger.error('could not record feedback', { errorId, error: describe(error) });
      throw new HttpError(503, 'store_unavailable', `Feedback could not be saved right now (error id ${errorId}).`);
    }
    sendJson(res, 200, { ok: true, message: message('thanks', readMessage(input.question).lang) });
  }

  /** `GET /api/briefing[?channel=platform:id]`: the configured briefings, and one's today and history. */
  async function getBriefing(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!briefing) {
      sendJson(res, 200, { configured: false, channels: [], channel: null, today: null, history: [] });
      return;
    }
    const channels = briefing.channels();
    const asked = new URL(req.url ?? '/', 'http://localhost').searchParams.get('channel');
    const channel = asked === null ? channels[0] : channels.find((c) => c.key === asked);
    if (!channel) {
      sendError(
        res,
        404,
        'briefing_not_found',
        `No briefing is configured for "${asked}"; configured: ${channels.map((c) => c.key).join(', ')}.`,
      );
      return;
    }
    const [today, history] = await Promise.all([briefing.today(channel.key), briefing.history(channel.key)]);
    sendJson(res, 200, { configured: true, channels, channel: channel.key, today, history });
  }

  async function paragraph(_req: IncomingMessage, res: ServerResponse, id: string): Promise<void> {
    const found = id === '' ? null : assistant.paragraph(id);
    // A paragraph of a collection this chat may not use is as absent as one that does not exist.
    if (!found || !allowed(found.collection)) {
      sendError(res, 404, 'paragraph_not_found', 'No paragraph with this id; the knowledge may have changed.');
      return;
    }
    sendJson(res, 200, found);
  }

  return { ask, askStream, feedback, getBriefing, paragraph };
}

/** Message and name only: stacks stay out of responses, and out of the log line's JSON. */
export function describe(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

export { sendError };
