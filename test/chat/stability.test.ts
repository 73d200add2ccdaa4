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
/**
 * Known to move, kept visible: "رحلات" is read as the article's "سفر" while the article is alone,
 * but the handbook uses "رحلات" (business trips), so beside it the word is taken as written and
 * the question is declined. Whether a word is known is decided over the whole knowledge; deciding
 * it per document would need the decline model refitted on those features (issue 13 note).
 */
const KNOWN_TO_MOVE = new Set(['وش النظام اللي يراقب رحلات الطيران؟']);
const articleQuestions = [
  'ما هي أهداف فرنسا في مكافحة الإرهاب؟',
  ...conversations
    .map((c) => c.turns[0]!)
    .filter((t) => t.expect === 'answer' && (t.evidence ?? []).some((e) => articleText.includes(normalize(e))))
    .map((t) => t.question)
    .filter((q) => !KNOWN_TO_MOVE.has(q)),
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

  it.fails.each([...KNOWN_TO_MOVE])('%s (known to move: see KNOWN_TO_MOVE)', async (question) => {
    const [before, after] = [await alone.ask(question), await both.ask(question)];
    expect(after.abstained).toBe(before.abstained);
  });

  it.each(articleQuestions)('%s', async (question) => {
    const before = await alone.ask(question);
    const after = await both.ask(question);
    expect(after.abstained, after.answer).toBe(before.abstained);
    if (before.abstained) return;
    // About the documents themselves ("مين كاتب المقال؟"), each document is answered for: the
    // article's answer must stay, word for word, with the other document's after it.
    if (before.intent === 'document') return expect(after.answer.startsWith(before.answer), after.answer).toBe(true);
    expect(after.citations[0]?.document).toBe(ARTICLE);
    expect(after.citations[0]?.paragraph).toBe(before.citations[0]?.paragraph);
    expect(after.answer).toBe(before.answer);
  });
});
