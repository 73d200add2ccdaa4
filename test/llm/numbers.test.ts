import { describe, expect, it } from 'vitest';
import { numbersInAnswer, numbersInPassage } from '../../src/core/llm/numbers.js';
import { verifyAnswer } from '../../src/core/llm/verify.js';
import { allArticlePassages } from './helpers.js';

describe('numbers', () => {
  it('reads digits of both scripts, grouping and scale words in an answer', () => {
    expect(numbersInAnswer('٣١ يناير ٢٠١٩، 1,000 and 2.50, 3 million, ١٫٥ مليار')).toEqual([
      '31',
      '2019',
      '1000',
      '2.5',
      '3000000',
      '1500000000',
    ]);
  });

  it('lets a passage vouch for numbers it spells out', () => {
    const known = numbersInPassage('شارك ممثلون عن سبعين دولة وخمسة وعشرين منظمة، ومئة بلد، و3 ملايين يورو');
    for (const n of ['70', '5', '20', '25', '100', '3', '3000000']) expect(known).toContain(n);
    expect(known).not.toContain('71');
    const fr = numbersInPassage('trente et un pays, soixante-dix délégués, quatre-vingt-dix jours');
    for (const n of ['31', '70', '90']) expect(fr).toContain(n);
    expect(numbersInPassage('twenty-five countries and three hundred people')).toEqual(new Set(['20', '5', '25', '3', '100', '300']));
  });

  it('verifies "70 countries" against the article paragraph that says سبعين دولة', () => {
    const [passage] = allArticlePassages().filter((p) => p.text.includes('سبعين دولة'));
    expect(passage).toBeDefined();
    const cited = [{ ...passage!, n: 1 }];
    expect(verifyAnswer('Representatives of 70 countries attended [1].', cited, 'en')).toMatchObject({ ok: true });
    expect(verifyAnswer('Representatives of 75 countries attended [1].', cited, 'en')).toMatchObject({ ok: false, reason: 'unverified' });
  });
});
