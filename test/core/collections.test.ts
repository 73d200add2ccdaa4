import { describe, expect, it } from 'vitest';
import { createAssistant } from '../../src/core/index.js';
import { collectionsKnowledgeDir } from '../fixtures/knowledge.js';

describe('collections and mixed-language knowledge', () => {
  it('answers only from the collections a channel may use', async () => {
    const dir = collectionsKnowledgeDir();
    const assistant = await createAssistant({ knowledgeDir: dir });
    const hr = await assistant.ask('How many days of paid leave does an employee have?', { collections: ['hr'] });
    expect(hr.abstained).toBe(false);
    expect(hr.citations[0]!.collection).toBe('hr');
    const ops = await assistant.ask('How many days of paid leave does an employee have?', { collections: ['ops'] });
    expect(ops.abstained).toBe(true);
    // The decline still shows what it found closest: from ops, and only from ops.
    expect(ops.citations.length).toBeGreaterThan(0);
    expect(ops.retrieved.length).toBeGreaterThan(0);
    expect(new Set([...ops.citations, ...ops.retrieved].map((c) => c.collection))).toEqual(new Set(['ops']));
  });
});

describe('a question that names a document', () => {
  it('ranks that document’s paragraph ahead of another document that only mentions it', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createAssistant } = await import('../../src/core/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'sanad-titles-'));
    writeFileSync(
      join(dir, 'iraq.md'),
      '# العراق\n\nتقع بغداد على نهر دجلة، وهي أكبر مدن البلاد وفيها مقر الحكومة والبرلمان منذ قرون.\n\nتحد البلاد من الجنوب الكويت والمملكة العربية السعودية، ومن الشمال تركيا ومن الشرق إيران.\n',
    );
    writeFileSync(
      join(dir, 'saudi.md'),
      '# السعودية\n\nتقع الرياض في وسط شبه الجزيرة العربية، وهي العاصمة وأكبر المدن.\n\nتحد السعودية من الشمال العراق والأردن والكويت، ومن الجنوب اليمن وعمان.\n',
    );
    const assistant = await createAssistant({ knowledgeDir: dir, cacheDir: null });
    const answer = await assistant.ask('ما الدول التي تحد العراق من الجنوب؟');
    expect(answer.retrieved[0]!.document).toBe('iraq.md');
  });
});
