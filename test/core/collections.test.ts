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
    expect(ops.citations.every((c) => c.collection === 'ops')).toBe(true);
    expect(ops.retrieved.every((r) => r.collection === 'ops')).toBe(true);
    expect(ops.abstained).toBe(true);
  });
});
