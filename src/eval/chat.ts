import { SanadError } from '../core/errors.js';
import { normalize } from '../core/text/index.js';
import type { Answer, Assistant, Turn } from '../core/types.js';
import { percentile } from './stats.js';

/**
 * Conversations as team members type them (../shared/bench/chat-qa.json): each conversation is
 * asked turn by turn, the earlier questions and the bot's own answers as its history, exactly as
 * the web chat and a Slack thread send them.
 */
export type ChatExpectation = 'answer' | 'decline' | 'help';

export interface ChatTurn {
  question: string;
  expect: ChatExpectation;
  /** An answer turn is right when the answer contains one of these. */
  answers: string[];
  /** …and its first citation is right when the cited paragraph contains one of these. */
  evidence: string[];
}

export interface ChatConversation {
  id: string;
  dialect: string;
  turns: ChatTurn[];
}

/** Answers in chat should fit on a phone screen: the answer text up to this many characters. */
export const CHAT_ANSWER_CHARS = 300;

export function isChatSet(data: unknown): data is { conversations: unknown[] } {
  return !!data && typeof data === 'object' && Array.isArray((data as { conversations?: unknown }).conversations);
}

export function readChatSet(path: string, data: { conversations: unknown[] }): ChatConversation[] {
  return data.conversations.map((raw, i) => {
    const c = raw as { id?: unknown; dialect?: unknown; turns?: unknown };
    if (!Array.isArray(c.turns))
      throw new SanadError('qa_file', `${path}: conversation ${i + 1} has no "turns" array.`, {
        hint: 'Each conversation is {id, dialect, turns: [{question, expect, answers, evidence}]}.',
      });
    const turns = c.turns.map((t, j) => {
      const turn = t as Partial<ChatTurn>;
      if (typeof turn.question !== 'string' || !['answer', 'decline', 'help'].includes(turn.expect as string)) {
        throw new SanadError(
          'qa_file',
          `${path}: conversation ${String(c.id ?? i + 1)}, turn ${j + 1} needs a "question" and "expect" (answer, decline or help).`,
        );
      }
      return { question: turn.question, expect: turn.expect!, answers: turn.answers ?? [], evidence: turn.evidence ?? [] };
    });
    return { id: String(c.id ?? `c${i + 1}`), dialect: String(c.dialect ?? 'unknown'), turns };
  });
}

export interface ChatRow {
  conversation: string;
  dialect: string;
  turn: number;
  question: string;
  expect: ChatExpectation;
  answer: string;
  abstained: boolean;
  intent: Answer['intent'] | null;
  /** The answer holds an accepted answer (answer turns). */
  correct: boolean;
  /** The first citation is the evidence paragraph (answer turns). */
  citationCorrect: boolean;
  /** What the turn expected did not happen, and something else was said instead of a decline. */
  wrong: boolean;
  chars: number;
  latencyMs: number;
  citation: string | null;
}

export interface ChatSummary {
  turns: number;
  answerTurns: number;
  declineTurns: number;
  helpTurns: number;
  answerAccuracy: number;
  /** Correct and the answer text within CHAT_ANSWER_CHARS. */
  accuracyShort: number;
  firstCitationCorrect: number;
  wronglyDeclined: number;
  unanswerableDeclined: number | null;
  helpReplies: number | null;
  /** Over all turns: a wrong answer, an answer where the knowledge is silent, a paragraph for "what can you do". */
  answeredWrongly: number;
  latencyP50Ms: number;
}

export interface ChatReport {
  overall: ChatSummary;
  byDialect: Record<string, ChatSummary>;
  rows: ChatRow[];
}

const holds = (text: string, needles: string[]) => {
  const normal = normalize(text);
  return needles.some((n) => normal.includes(normalize(n)));
};

export function judgeTurn(turn: ChatTurn, answer: Answer): Pick<ChatRow, 'correct' | 'citationCorrect' | 'wrong'> {
  const first = answer.citations[0];
  const isHelp = answer.intent === 'help';
  if (turn.expect === 'help') return { correct: false, citationCorrect: false, wrong: !isHelp && !answer.abstained };
  if (turn.expect === 'decline') return { correct: false, citationCorrect: false, wrong: !answer.abstained };
  const correct = !answer.abstained && holds(answer.answer, turn.answers);
  const citationCorrect = !answer.abstained && !!first && holds(first.text, turn.evidence);
  return { correct, citationCorrect, wrong: !answer.abstained && !correct };
}

export async function runChatEval(
  assistant: Assistant,
  conversations: ChatConversation[],
  onProgress?: (done: number, total: number) => void,
): Promise<ChatReport> {
  const rows: ChatRow[] = [];
  const total = conversations.reduce((n, c) => n + c.turns.length, 0);
  for (const conversation of conversations) {
    const history: Turn[] = [];
    for (const [i, turn] of conversation.turns.entries()) {
      const started = performance.now();
      const answer = await assistant.ask(turn.question, { conversation: [...history] });
      const latencyMs = performance.now() - started;
      history.push({ role: 'user', text: turn.question }, { role: 'assistant', text: answer.answer });
      const first = answer.citations[0];
      rows.push({
        conversation: conversation.id,
        dialect: conversation.dialect,
        turn: i + 1,
        question: turn.question,
        expect: turn.expect,
        answer: answer.answer,
        abstained: answer.abstained,
        intent: answer.intent ?? null,
        ...judgeTurn(turn, answer),
        chars: answer.answer.length,
        latencyMs,
        citation: first ? `${first.document} ¶${first.paragraph}` : null,
      });
      onProgress?.(rows.length, total);
    }
  }
  const byDialect: Record<string, ChatSummary> = {};
  for (const dialect of [...new Set(rows.map((r) => r.dialect))].sort())
    byDialect[dialect] = summariseChat(rows.filter((r) => r.dialect === dialect));
  return { overall: summariseChat(rows), byDialect, rows };
}

export function summariseChat(rows: ChatRow[]): ChatSummary {
  const share = (n: number, d: number) => (d === 0 ? 0 : n / d);
  const answerTurns = rows.filter((r) => r.expect === 'answer');
  const declineTurns = rows.filter((r) => r.expect === 'decline');
  const helpTurns = rows.filter((r) => r.expect === 'help');
  return {
    turns: rows.length,
    answerTurns: answerTurns.length,
    declineTurns: declineTurns.length,
    helpTurns: helpTurns.length,
    answerAccuracy: share(answerTurns.filter((r) => r.correct).length, answerTurns.length),
    accuracyShort: share(answerTurns.filter((r) => r.correct && r.chars <= CHAT_ANSWER_CHARS).length, answerTurns.length),
    firstCitationCorrect: share(answerTurns.filter((r) => r.citationCorrect).length, answerTurns.length),
    wronglyDeclined: share(answerTurns.filter((r) => r.abstained).length, answerTurns.length),
    unanswerableDeclined: declineTurns.length === 0 ? null : share(declineTurns.filter((r) => r.abstained).length, declineTurns.length),
    helpReplies: helpTurns.length === 0 ? null : share(helpTurns.filter((r) => r.intent === 'help').length, helpTurns.length),
    answeredWrongly: share(rows.filter((r) => r.wrong).length, rows.length),
    latencyP50Ms: percentile(
      rows.map((r) => r.latencyMs).sort((a, b) => a - b),
      0.5,
    ),
  };
}
