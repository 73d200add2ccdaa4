/**
 * Offline, a question in another language than the documents' is declined (item 17): the chat
 * user is told what they can do, the administrator is told what to set, in the log.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAssistant } from '../../src/core/assistant.js';
import { CROSS_LANGUAGE_ADMIN_HINT, languageNames } from '../../src/core/messages.js';
import type { Logger } from '../../src/core/ports.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';

/** A logger that keeps its lines, to see what the administrator is told. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const make = (): Logger => ({
    debug: (m) => lines.push(`DEBUG ${m}`),
    info: (m) => lines.push(`INFO ${m}`),
    warn: (m, f) => lines.push(`WARN ${m} ${JSON.stringify(f ?? {})}`),
    error: (m) => lines.push(`ERROR ${m}`),
    child: () => make(),
  });
  return Object.assign(make(), { lines });
}

describe('cross-language questions offline', () => {
  it("tells chat users to ask in the documents' language, never which variable to set", async () => {
    const logger = recordingLogger();
    const assistant = await createAssistant({ knowledgeDir: ARTICLE_KNOWLEDGE, logger });
    const en = await assistant.ask('Who is the French ambassador to the United Nations?');
    expect(en.answer).toBe(
      'The documents are in Arabic, and right now I can only answer questions asked in their language. Please ask in Arabic; an administrator can turn on answers across languages.',
    );
    expect(en.abstained).toBe(true);
    const fr = await assistant.ask("Qui est l'ambassadeur de France aux Nations unies ?");
    expect(fr.answer).toContain('Les documents sont en arabe');
    for (const answer of [en, fr]) {
      expect(answer.answer).not.toMatch(/OPENAI|API_KEY|BASE_URL/);
      expect(answer.notice ?? '').not.toMatch(/OPENAI/);
    }
    // The administrator's hint is in the log, once per declined question, with the languages.
    const warnings = logger.lines.filter((l) => l.startsWith('WARN') && l.includes('OPENAI_API_KEY'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain(CROSS_LANGUAGE_ADMIN_HINT);
    expect(warnings[0]).toContain('OPENAI_BASE_URL');
    expect(warnings[0]).toContain('{"asked":"en","documents":["ar"]}');
  });

  it("names the documents' language in an Arabic question over English documents", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-en-'));
    writeFileSync(
      join(dir, 'leave.md'),
      '# Leave policy\n\nEvery employee has twenty-five days of paid leave per year, booked in the HR portal.\n',
    );
    const assistant = await createAssistant({ knowledgeDir: dir });
    const answer = await assistant.ask('كم يوم إجازة مدفوعة للموظف في السنة؟');
    expect(answer.answer).toContain('المستندات مكتوبة باللغة الإنجليزية');
    expect(answer.answer).not.toMatch(/OPENAI/);
  });

  it("names languages in the asker's language", () => {
    expect(languageNames(['ar'], 'en')).toBe('Arabic');
    expect(languageNames(['ar', 'fr'], 'fr')).toBe('arabe ou français');
    expect(languageNames(['en', 'und'], 'ar')).toBe('الإنجليزية');
  });
});
