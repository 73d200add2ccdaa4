import { describe, expect, it } from 'vitest';
import { extractNumbers, normalizeDigits, parseCitations, verifyAnswer } from '../../src/core/llm/verify.js';
import { articlePassages } from './helpers.js';

const passages = articlePassages(1, 2, 3);

describe('verify', () => {
  it('normalises Arabic-Indic and Persian digits and separators', () => {
    expect(normalizeDigits('٢٩ و ۲۰۱۹ و ٣٫٥ و ١٬٠٠٠')).toBe('29 و 2019 و 3.5 و 1,000');
    expect(extractNumbers('١٬٠٠٠ and 1,000 and 03 and 3.50 [12] ¶4')).toEqual(['1000', '1000', '3', '3.5']);
  });

  it('parses marker forms, in first-use order', () => {
    const valid = new Set([1, 2, 3]);
    expect(parseCitations('a [2] b [1, 3] c [١]، d [2-3] e [5]', valid)).toEqual({
      text: 'a [2] b [1][3] c [1]، d [2][3] e',
      cited: [2, 1, 3],
      dropped: [5],
    });
  });

  it('finds a date written in Arabic digits in the cited passage', () => {
    expect(verifyAnswer('أعلنت فرنسا ذلك في ٣١ يناير ٢٠١٩ [1].', passages, 'ar')).toMatchObject({ ok: true, cited: [1] });
    expect(verifyAnswer('أعلنت فرنسا ذلك في ٣٠ يناير ٢٠١٩ [1].', passages, 'ar')).toMatchObject({ ok: false, reason: 'unverified' });
  });

  it('does not count the ¶ numbers and markers as claims', () => {
    expect(verifyAnswer('Delattre (¶2) spoke [2].', passages, 'en')).toMatchObject({ ok: true });
  });

  it('tells a decline from an uncited claim', () => {
    expect(verifyAnswer('The passages do not mention the World Cup.', passages, 'en')).toMatchObject({ ok: true, declined: true });
    expect(verifyAnswer('Les documents ne mentionnent pas la Coupe du monde.', passages, 'fr')).toMatchObject({ ok: true, declined: true });
    expect(verifyAnswer('France won the 2018 World Cup.', passages, 'en')).toMatchObject({ ok: false, reason: 'no_citations' });
    expect(verifyAnswer('', passages, 'en')).toMatchObject({ ok: false, reason: 'no_citations' });
  });

  it('treats NO_ANSWER anywhere in an uncited reply as a decline, and hides it', () => {
    expect(verifyAnswer('The documents do not say. NO_ANSWER', passages, 'en')).toEqual({
      ok: true,
      text: 'The documents do not say.',
      cited: [],
      declined: true,
      dropped: [],
    });
    expect(verifyAnswer('NO_ANSWER', passages, 'en')).toMatchObject({ ok: true, text: '', declined: true });
    expect(verifyAnswer('Delattre [2]. NO_ANSWER', passages, 'en')).toMatchObject({
      ok: true,
      text: 'Delattre [2].',
      declined: false,
      cited: [2],
    });
  });
});
