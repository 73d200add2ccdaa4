import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAssistant, type SanadAssistant } from '../../src/core/index.js';

/**
 * English and French knowledge, asked in its own language: the same pipeline and the same
 * calibrated abstention (fitted on Arabic data) must answer what the documents say and decline
 * what they do not.
 */
const HANDBOOKS = resolve(import.meta.dirname, '../fixtures/handbooks');
let assistant: SanadAssistant;
beforeAll(async () => {
  assistant = await createAssistant({ knowledgeDir: HANDBOOKS });
});

describe('English and French documents', () => {
  it.each([
    ['How long is parental leave?', 'sixteen weeks', 'en'],
    ['How much is the home office allowance?', '500 euros', 'en'],
    ['How many days a week can I work from home?', 'three days a week', 'en'],
    ['Combien de jours de congés payés par an ?', 'vingt-cinq jours', 'fr'],
    ["Où se rassembler en cas d'incendie ?", 'parking nord', 'fr'],
    ['Quel est le montant de l’indemnité de télétravail ?', '30 euros', 'fr'],
  ])('answers %s in its own language, citing the paragraph', async (question, expected, lang) => {
    const answer = await assistant.ask(question);
    expect(answer.abstained).toBe(false);
    expect(answer.language).toBe(lang);
    expect(answer.answer).toContain(expected);
    expect(answer.citations[0]!.text).toContain(expected);
  });

  it.each(['Who is the CEO?', 'What is the dental insurance coverage?', 'Quel est le salaire moyen ?', 'Qui est le directeur général ?'])(
    'declines %s, which the documents do not answer',
    async (question) => {
      expect((await assistant.ask(question)).abstained).toBe(true);
    },
  );
});
