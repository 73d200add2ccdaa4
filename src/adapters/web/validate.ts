import { type FeedbackRecord, type Lang, message, readMessage, type Turn } from '../../core/index.js';
import { HttpError } from './http.js';

/** Turns of history kept; older ones add little to a follow-up and cost retrieval time. */
export const MAX_HISTORY_TURNS = 20;

export interface AskRequest {
  question: string;
  history: Turn[];
}

/** The language of the page's own messages, from what the browser asks for (Arabic by default). */
export function preferredLanguage(acceptLanguage: string | undefined): Lang {
  const first = (acceptLanguage ?? '').split(',')[0]?.trim().slice(0, 2).toLowerCase();
  return first === 'en' || first === 'fr' ? first : 'ar';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseAsk(body: unknown, maxChars: number, uiLang: Lang): AskRequest {
  if (!isObject(body)) throw new HttpError(400, 'bad_request', 'Send a JSON object: {"question": "…", "history": []}.');
  const { question, history } = body;
  if (question !== undefined && typeof question !== 'string') {
    throw new HttpError(400, 'bad_request', '"question" must be a string.');
  }
  const text = (question ?? '').trim();
  // The core says what is empty (only NULs, zero-width or bidi marks is as empty as nothing) and in which language to say so.
  const read = readMessage(text, 'auto', uiLang);
  if (read.empty) throw new HttpError(400, 'empty_question', message('empty', uiLang));
  if (text.length > maxChars) {
    throw new HttpError(413, 'question_too_long', message('tooLong', read.lang, { length: text.length, max: maxChars }));
  }
  return { question: text, history: parseHistory(history) };
}

function parseHistory(history: unknown): Turn[] {
  if (history === undefined || history === null) return [];
  if (!Array.isArray(history)) throw new HttpError(400, 'bad_request', '"history" must be an array of {role, text}.');
  const turns: Turn[] = [];
  for (const turn of history) {
    if (!isObject(turn) || (turn.role !== 'user' && turn.role !== 'assistant') || typeof turn.text !== 'string') {
      throw new HttpError(400, 'bad_request', 'Each "history" item must be {"role": "user" | "assistant", "text": string}.');
    }
    turns.push({ role: turn.role, text: turn.text });
  }
  return turns.slice(-MAX_HISTORY_TURNS);
}

export type FeedbackInput = Pick<FeedbackRecord, 'vote' | 'question' | 'answer' | 'citations'>;

export function parseFeedback(body: unknown): FeedbackInput {
  if (!isObject(body)) throw new HttpError(400, 'bad_request', 'Send a JSON object: {question, answer, citations, vote}.');
  const { question, answer, citations, vote } = body;
  if (vote !== 'up' && vote !== 'down') throw new HttpError(400, 'bad_vote', '"vote" must be "up" or "down".');
  if (typeof question !== 'string' || typeof answer !== 'string') {
    throw new HttpError(400, 'bad_request', '"question" and "answer" must be strings.');
  }
  if (citations !== undefined && !Array.isArray(citations)) throw new HttpError(400, 'bad_request', '"citations" must be an array.');
  // Keep only the fields the store records: whatever else a client sends is dropped here.
  const kept = (citations ?? []).filter(isObject).map((c) => ({
    document: typeof c.document === 'string' ? c.document : '',
    paragraph: typeof c.paragraph === 'number' ? c.paragraph : 0,
    paragraphId: typeof c.paragraphId === 'string' ? c.paragraphId : '',
  }));
  return { vote, question, answer, citations: kept };
}
