import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/core/knowledge/index.js';
import { ARTICLE, ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';

const text = readFileSync(join(ARTICLE_KNOWLEDGE, ARTICLE), 'utf8');
const doc = parseDocument({ document: ARTICLE, collection: 'main', text });
const byStart = (start: string) => doc.paragraphs.find((p) => p.text.startsWith(start));

describe('the real article', () => {
  it('reads title, date and author from the header, not as paragraphs', () => {
    expect(doc.title).toBe('جهود فرنسا في مكافحة الإرهاب داخليا وعلى المستوى الأممي');
    expect(doc.date).toBe('2019-02-03');
    expect(doc.author).toBe('حسام الحداد');
    expect(doc.lang).toBe('ar');
    for (const p of doc.paragraphs) {
      expect(p.text).not.toMatch(/^طباعة/);
      expect(p.text).not.toMatch(/الأحد 03\/فبراير/);
      expect(p.text.trim()).not.toBe('شارك');
    }
  });

  it('numbers 35 real paragraphs in reading order', () => {
    expect(doc.paragraphs.map((p) => p.n)).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
    expect(doc.paragraphs[0]!.text).toMatch(/^تشارك فرنسا/);
    expect(byStart('وقال السفير الفرنسي')!.n).toBe(2);
    expect(doc.paragraphs[34]!.text).toMatch(/^تقيم فرنسا برامج تدريبية/);
  });

  it('recognises headings and keeps them as sections, never as paragraphs', () => {
    for (const heading of ['منطقة الساحل', 'سورية والعراق', 'إجراءات عسكرية حازمة', 'تعزيز التعاون الدولي']) {
      expect(doc.paragraphs.some((p) => p.text.trim() === heading)).toBe(false);
    }
    expect(byStart('أدت فرنسا دورًا رياديًا')!.section).toBe('منطقة الساحل');
    expect(byStart('شاركت فرنسا إلى التحالف')!.section).toBe('سورية والعراق');
    expect(byStart('ومنذ عام 2014')!.section).toBe('سورية والعراق');
    expect(byStart('سعت عدّة مجموعات')!.section).toBe('إجراءات عسكرية حازمة');
    expect(byStart('تقيم فرنسا حوارًا')!.section).toBe('تجنّب التطرف ومكافحة الدعاية الإرهابية');
    expect(doc.paragraphs[0]!.section).toBeNull();
  });

  it('keeps both lists with the sentence that introduces them', () => {
    const goals = byStart('ويمثل الإرهاب الدولي')!;
    const lines = goals.text.split('\n');
    expect(lines[0]).toMatch(/وتتمثّل في:$/);
    expect(lines.slice(1)).toEqual([
      'الحد من سيطرة المجموعات الإرهابية على الأراضي',
      'محاربة شبكات التمويل والشبكات الإنسانية واللوجستية والدعاية الإرهابية',
      'تجنّب التطرّف',
      'حماية المصالح الفرنسية والفرنسيين المقيمين في الخارج.',
    ]);
    const activities = byStart('وحرصًا على تحقيق هذه الأهداف')!;
    expect(activities.text.split('\n')).toHaveLength(5);
    expect(activities.text).toContain('تعزيز التعاون الدولي ولا سيّما في مجال مكافحة تمويل الإرهاب');
  });

  it('indexes the repeated opening sentence once, pointing at its first place', () => {
    const copies = doc.paragraphs.filter((p) => p.text.startsWith('تشارك فرنسا في أعمال مختلفة'));
    expect(copies).toHaveLength(2);
    expect(copies[0]!.duplicateOf).toBeUndefined();
    expect(copies[1]!.duplicateOf).toBe(copies[0]!.id);
  });

  it('keeps the original text and gives stable ids', () => {
    for (const p of doc.paragraphs) for (const line of p.text.split('\n')) expect(text).toContain(line);
    const again = parseDocument({ document: ARTICLE, collection: 'main', text: text.replace('شارك\n', 'شارك') });
    expect(again.paragraphs.map((p) => p.id)).toEqual(doc.paragraphs.map((p) => p.id));
    expect(new Set(doc.paragraphs.map((p) => p.id)).size).toBe(doc.paragraphs.length);
  });
});

describe('other documents', () => {
  it('reads Markdown front matter, # headings, lists and wrapped prose', () => {
    const md = parseDocument({
      document: 'team/handbook.md',
      collection: 'team',
      text: [
        '---',
        'title: Team handbook',
        'date: 2026-11-02',
        'source: https://intranet.example/handbook',
        'lang: en',
        '---',
        '# Team handbook',
        '',
        '## On call',
        '',
        'The on-call engineer answers pages within fifteen minutes during',
        'working hours and within thirty minutes at night.',
        '',
        'Escalation goes through:',
        '- the team lead',
        '- the duty manager',
      ].join('\n'),
    });
    expect(md.title).toBe('Team handbook');
    expect(md.date).toBe('2026-11-02');
    expect(md.source).toBe('https://intranet.example/handbook');
    expect(md.lang).toBe('en');
    expect(md.paragraphs.map((p) => p.text)).toEqual([
      'The on-call engineer answers pages within fifteen minutes during working hours and within thirty minutes at night.',
      'Escalation goes through:\n- the team lead\n- the duty manager',
    ]);
    expect(md.paragraphs[0]!.section).toBe('On call');
  });

  it('takes a plain first line as the title', () => {
    const txt = parseDocument({
      document: 'note.txt',
      collection: 'main',
      text: 'Note title\nFirst paragraph is here and it is long enough to be prose.\n',
    });
    expect(txt.title).toBe('Note title');
    expect(txt.paragraphs).toHaveLength(1);
  });
});

describe('long lists', () => {
  it('a Markdown list of 20,000 items under its intro is read whole, in linear time (no quadratic repeat check)', () => {
    const items = Array.from({ length: 20_000 }, (_, i) => `- item number ${i + 1} of the inventory`);
    const parsed = parseDocument({
      document: 'inventory.md',
      collection: 'main',
      text: `# Inventory\n\nThe store holds:\n${items.join('\n')}\n`,
    });
    expect(parsed.paragraphs).toHaveLength(1);
    const lines = parsed.paragraphs[0]!.text.split('\n');
    expect(lines).toHaveLength(20_001);
    expect(lines[0]).toBe('The store holds:');
    expect(lines.at(-1)).toBe('- item number 20000 of the inventory');
  });

  it('a repeated item still ends a plain-text list (it is the next heading)', () => {
    const parsed = parseDocument({
      document: 'a.txt',
      collection: 'main',
      text: 'Title\nThe goals are:\nfirst goal\nsecond goal\nfirst goal\nThe first goal matters most of all, as everyone knows.',
    });
    expect(parsed.paragraphs[0]!.text).toBe('The goals are:\nfirst goal\nsecond goal');
    expect(parsed.paragraphs[1]).toMatchObject({ section: 'first goal' });
  });
});

describe('front matter source', () => {
  it("an http(s) source is the document's address, on every paragraph; any other source is only a name", () => {
    const web = parseDocument({
      document: 'a.md',
      collection: 'main',
      text: '---\ntitle: Page\nsource: https://example.com/a\n---\n\nA paragraph of the page, long enough to be one.\n',
    });
    expect(web.url).toBe('https://example.com/a');
    expect(web.paragraphs[0]!.url).toBe('https://example.com/a');
    const book = parseDocument({
      document: 'b.md',
      collection: 'main',
      text: '---\ntitle: Book\nsource: The Annual Report 2023\n---\n\nA paragraph of the book, long enough to be one.\n',
    });
    expect(book.source).toBe('The Annual Report 2023');
    expect(book.url).toBeUndefined();
    expect(book.paragraphs[0]!.url).toBeUndefined();
  });
});
