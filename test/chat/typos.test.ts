import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAssistant, type SanadAssistant } from '../../src/core/index.js';

/**
 * The thing asked about must be a word the knowledge uses, or nothing can answer; a misspelling
 * of a word the best paragraphs use is that word (letters told apart by dots, hamza seats, a
 * doubled or dropped letter, a neighbouring key), while a different consonant is a different word.
 */
let assistant: SanadAssistant;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-typos-'));
  writeFileSync(
    join(dir, 'badr.md'),
    '# غزوة بدر\n\nكان قائد المسلمين في غزوة بدر رسول الإسلام محمد، وكان عدد المسلمين فيها ثلاثمئة وأربعة عشر رجلًا.\n\nوقاد قريشًا عمرو بن هشام، وبذلت قريش جهودًا كبيرة لجمع المقاتلين من القبائل.\n',
  );
  assistant = await createAssistant({ knowledgeDir: dir, cacheDir: null });
});

describe('a misspelt focus word', () => {
  it.each([
    'من كان قاءد المسلمين في غزوة بدر؟',
    'من كان قايد المسلمين في غزوة بدر؟',
    'من كان قائدد المسلمين في غزوة بدر؟',
    // The key beside the one meant: ج sits next to د on the Arabic keyboard.
    'من كان قائج المسلمين في غزوة بدر؟',
    // Two words typed without the space between them.
    'من كان قائدالمسلمين في غزوة بدر؟',
  ])('%s is answered', async (question) => {
    const answer = await assistant.ask(question);
    expect(answer.abstained, answer.answer).toBe(false);
  });

  it('a word with another consonant is another word: "الجنود" is not "جهود"', async () => {
    expect((await assistant.ask('كم عدد الجنود الذين أرسلتهم قريش؟')).abstained).toBe(true);
  });
});
