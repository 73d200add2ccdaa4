import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../src/config/file.js';
import { createAssistant } from '../../src/core/index.js';
import type { Assistant } from '../../src/core/types.js';
import { ADDED_NOTE } from '../briefing/helpers.js';
import { ARTICLE, ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';

const AMBASSADOR = 'من هو سفير فرنسا لدى الأمم المتحدة؟';

describe('collections from the config file limit answers (real assistant)', () => {
  let assistant: Assistant;
  let knowledge: string;
  beforeAll(async () => {
    knowledge = mkdtempSync(join(tmpdir(), 'sanad-collections-'));
    cpSync(join(ARTICLE_KNOWLEDGE, ARTICLE), join(knowledge, ARTICLE));
    mkdirSync(join(knowledge, 'security'));
    writeFileSync(join(knowledge, 'security', 'incident-response.md'), ADDED_NOTE);
    assistant = await createAssistant({ knowledgeDir: knowledge });
  });

  const config = () =>
    parseConfigText(
      'channels:\n  - { platform: slack, id: CSEC, collections: [security] }\n  - { platform: slack, id: CNEWS, collections: [main] }\n',
      'c.yaml',
      { knowledgeDir: knowledge },
    );

  it('a channel limited to main answers from the article, citing ¶2', async () => {
    const settings = config().resolver('slack', 'CNEWS');
    const answer = await assistant.ask(AMBASSADOR, { collections: settings.collections, language: settings.language });
    expect(answer.abstained).toBe(false);
    expect(answer.citations.some((c) => c.paragraph === 2 && c.document === ARTICLE)).toBe(true);
  });

  it('a channel limited to security never cites the article', async () => {
    const settings = config().resolver('slack', 'CSEC');
    expect(settings.collections).toEqual(['security']);
    const answer = await assistant.ask(AMBASSADOR, { collections: settings.collections });
    expect(answer.retrieved.length).toBeGreaterThan(0);
    expect(new Set([...answer.citations, ...answer.retrieved].map((c) => c.collection))).toEqual(new Set(['security']));
    expect(answer.citations.some((c) => c.document === ARTICLE)).toBe(false);
  });
});
