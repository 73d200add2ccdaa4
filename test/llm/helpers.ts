import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from '../../src/core/knowledge/parse.js';
import { resolveLlmConfig, type LlmConfig } from '../../src/core/llm/config.js';
import type { LlmEvent, Passage } from '../../src/core/llm/port.js';
import type { Logger } from '../../src/core/ports.js';
import { ARTICLE, ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';

export const TEST_KEY = 'sk-test-0123456789abcdefSECRET';

function article() {
  return parseDocument({ document: ARTICLE, collection: 'default', text: readFileSync(join(ARTICLE_KNOWLEDGE, ARTICLE), 'utf8') });
}

/** Every paragraph of the article, numbered [1]..[k]. */
export function allArticlePassages(): Passage[] {
  return articlePassages(...article().paragraphs.map((p) => p.n));
}

/** The article's paragraphs `numbers` (¶N), numbered [1]..[k] as the core would pass them. */
export function articlePassages(...numbers: number[]): Passage[] {
  const doc = article();
  return numbers.map((paragraph, i) => {
    const p = doc.paragraphs.find((x) => x.n === paragraph);
    if (!p) throw new Error(`no ¶${paragraph}`);
    return { n: i + 1, document: p.document, title: p.title, paragraph: p.n, section: p.section, text: p.text };
  });
}

export function testConfig(url: string, overrides: Partial<LlmConfig> = {}): LlmConfig {
  return resolveLlmConfig({
    apiKey: TEST_KEY,
    baseURL: url,
    chatModel: 'fake-chat',
    embeddingModel: 'fake-embed',
    answerMode: 'llm',
    deadlineMs: 3_000,
    maxRetries: 2,
    ...overrides,
  });
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  prefix: string;
  message: string;
  fields?: Record<string, unknown>;
}

/** A logger that records every line, for asserting what was logged (and what was not). */
export function recordingLogger(lines: LogLine[] = [], prefix = 'test'): Logger & { lines: LogLine[] } {
  const at = (level: LogLine['level']) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, prefix, message, ...(fields ? { fields } : {}) });
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (child: string) => recordingLogger(lines, `${prefix}:${child}`),
  } satisfies Logger & { lines: LogLine[] };
}

export async function collect(events: AsyncIterable<LlmEvent>): Promise<{ deltas: string[]; final: Extract<LlmEvent, { type: 'final' }> }> {
  const deltas: string[] = [];
  let final: Extract<LlmEvent, { type: 'final' }> | undefined;
  for await (const event of events) {
    if (event.type === 'delta') deltas.push(event.text);
    else final = event;
  }
  if (!final) throw new Error('no final event');
  return { deltas, final };
}
