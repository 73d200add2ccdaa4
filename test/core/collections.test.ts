import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAssistant } from '../../src/core/index.js';

describe('collections and mixed-language knowledge', () => {
  it('answers only from the collections a channel may use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-coll-'));
    mkdirSync(join(dir, 'hr'));
    mkdirSync(join(dir, 'ops'));
    writeFileSync(join(dir, 'hr', 'leave.md'), '# Leave policy\n\nEvery employee has twenty-five days of paid leave per year, booked in the HR portal.\n');
    writeFileSync(join(dir, 'ops', 'oncall.md'), '# On call\n\nThe on-call engineer answers pages within fifteen minutes and escalates to the duty manager.\n');
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
