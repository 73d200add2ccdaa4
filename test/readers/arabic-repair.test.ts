import { describe, expect, it } from 'vitest';
import { repairText, swappedForms } from '../../src/readers/pdf/arabic.js';

describe('Arabic PDF repair', () => {
  it('tells a document whose producer swapped lam-alef, per alef form', () => {
    const swapped = 'اإلجازة السنوية ال يجوز تأجيلها إال بموافقة االدارة، االلتزام بالشروط خالل األسبوع واالختبار';
    expect(swappedForms(swapped)).toContain('ا');
    // Correct Arabic is never taken for swapped text: the article, "قال", "إلى" stay as they are.
    expect(swappedForms('قال المدير إلى الموظفين إن الإجازة لا تؤجل إلا بموافقة الإدارة، والالتزام واجب خلال الأسبوع')).toBe('');
  });

  it('undoes the swap where the word cannot be Arabic, or the lexicon knows it', () => {
    const forms = 'اأإ';
    const fix = (text: string) => repairText(text, forms);
    expect(fix('اإلجازات')).toBe('الإجازات');
    expect(fix('األجر')).toBe('الأجر');
    expect(fix('ال يجوز')).toBe('لا يجوز');
    expect(fix('وال يجوز')).toBe('ولا يجوز');
    expect(fix('إال بموافقة')).toBe('إلا بموافقة');
    expect(fix('خالل')).toBe('خلال');
    expect(fix('االستقالل')).toBe('الاستقلال');
    expect(fix('االلتزام')).toBe('الالتزام');
    expect(fix('لإلدارة')).toBe('للإدارة');
    expect(fix('ثالثون')).toBe('ثلاثون');
    expect(fix('الئحة')).toBe('لائحة');
    // The article and words with a real alef-lam are kept.
    expect(fix('قال المدير الجديد')).toBe('قال المدير الجديد');
  });

  it('joins what other producers split, and never invents a swap in a clean document', () => {
    expect(repairText('ول ا يجوز تأجيلها إل ا بموافقة', '')).toBe('ولا يجوز تأجيلها إلا بموافقة');
    expect(repairText('هذا كتاب ٌ جديد', '')).toBe('هذا كتابٌ جديد');
    expect(repairText('قال الموظف إن اإلجازة طويلة', '')).toBe('قال الموظف إن الإجازة طويلة');
    expect(repairText('السلام عليكم في الصباح', '')).toBe('السلام عليكم في الصباح');
  });
});
