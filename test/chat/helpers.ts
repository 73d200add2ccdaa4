import { resolve } from 'node:path';
import { expect } from 'vitest';
import type { Answer, Assistant, Turn } from '../../src/core/index.js';
import { normalize } from '../../src/core/text/index.js';

/** The article and a team handbook: the chat tests' knowledge. */
export const CHAT_KNOWLEDGE = resolve(import.meta.dirname, '../fixtures/chat/knowledge');
/** The article alone. */
export const ARTICLE_KNOWLEDGE = resolve(import.meta.dirname, '../fixtures/article');

/** Asks a conversation turn by turn, the earlier questions and the bot's answers as history. */
export async function converse(assistant: Assistant, questions: string[]): Promise<Answer[]> {
  const history: Turn[] = [];
  const answers: Answer[] = [];
  for (const question of questions) {
    const answer = await assistant.ask(question, { conversation: [...history] });
    history.push({ role: 'user', text: question }, { role: 'assistant', text: answer.answer });
    answers.push(answer);
  }
  return answers;
}

export const holds = (text: string, needle: string) => normalize(text).includes(normalize(needle));

/** The answer is given (not declined), holds `expected`, and its first citation holds `evidence`. */
export function expectAnswer(answer: Answer, expected: string, evidence?: string): void {
  expect(answer.abstained, answer.answer).toBe(false);
  expect(holds(answer.answer, expected), answer.answer).toBe(true);
  if (evidence) expect(holds(answer.citations[0]!.text, evidence)).toBe(true);
}
