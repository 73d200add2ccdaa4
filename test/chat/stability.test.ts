import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssistant, type SanadAssistant } from '../../src/core/index.js';
import { normalize } from '../../src/core/text/index.js';

/**
 * Issue 13, item 8: answers about one document must not move because another document arrived.
 * The article's questions (the first turns of the chat fixtures whose evidence is in the article,
 * and the issue's own example) are asked over the article alone and over the article with the
 * team handbook beside it: every answer cites the same paragraph in both.
 */
const FIXTURES = resolve(import.meta.dirname, '../fixtures/chat');
const ARTICLE = 'france-counterterrorism.ar.txt';
const articleText = normalize(readFileSync(join(FIXTURES, 'knowledge', ARTICLE), 'utf8'));

interface FixtureTurn {
  question: string;
  expect: string;
  evidence?: string[];
}
const conversations = (
  JSON.parse(readFileSync(join(FIXTURES, 'conversations.json'), 'utf8')) as { conversations: { turns: FixtureTurn[] }[] }
).conversations;
const articleQuestions = [
  'ما هي أهداف فرنسا في مكافحة الإرهاب؟',
  ...conversations
    .map((c) => c.turns[0]!)
    .filter((t) => t.expect === 'answer' && (t.evidence ?? []).some((e) => articleText.includes(normalize(e))))
    .map((t) => t.question),
];

let alone: SanadAssistant;
let both: SanadAssistant;
const dirs: string[] = [];
beforeAll(async () => {
  const articleOnly = mkdtempSync(join(tmpdir(), 'sanad-alone-'));
  dirs.push(articleOnly);
  copyFileSync(join(FIXTURES, 'knowledge', ARTICLE), join(articleOnly, ARTICLE));
  alone = await createAssistant({ knowledgeDir: articleOnly, cacheDir: null });
  both = await createAssistant({ knowledgeDir: join(FIXTURES, 'knowledge'), cacheDir: null });
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('an unrelated document does not move the answers about another', () => {
  it('has article questions to ask', () => {
    expect(articleQuestions.length).toBeGreaterThanOrEqual(10);
  });

  it.each(articleQuestions)('%s', async (question) => {
    const before = await alone.ask(question);
    const after = await both.ask(question);
    expect(after.abstained, after.answer).toBe(before.abstained);
    if (before.abstained) return;
    expect(after.citations[0]?.document).toBe(ARTICLE);
    expect(after.citations[0]?.paragraph).toBe(before.citations[0]?.paragraph);
    expect(after.answer).toBe(before.answer);
  });
});
