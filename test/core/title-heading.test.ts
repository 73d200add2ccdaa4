/** A heading that repeats the title is the title, not a section; and the knowledge counted one way. */
import { describe, expect, it } from 'vitest';
import { describeParagraphs, paragraphCounts, parseDocument } from '../../src/core/knowledge/index.js';
import { citationLabel } from '../../src/core/reply.js';

const HANDBOOK = `---
title: دليل الفريق
---
# دليل الفريق

يعمل الفريق من مكتب الرياض ومن المنازل حسب جدول أسبوعي يتفق عليه الجميع.

## الأدوات

يستخدم الفريق Slack للتواصل اليومي وGitHub لإدارة الشيفرة والمراجعات.
`;

describe('a # heading equal to the title (item 12)', () => {
  const doc = parseDocument({ document: 'handbook.ar.md', collection: 'main', text: HANDBOOK });

  it('is not the section of the paragraphs under it', () => {
    expect(doc.title).toBe('دليل الفريق');
    expect(doc.paragraphs.map((p) => [p.n, p.section])).toEqual([
      [1, null],
      [2, 'الأدوات'],
    ]);
    expect(citationLabel({ title: doc.title, paragraph: 1, section: doc.paragraphs[0]!.section })).toBe('دليل الفريق · ¶1');
  });

  it('is recognised through spelling differences (hamza, diacritics) and in plain text too', () => {
    const md = parseDocument({
      document: 'a.md',
      collection: 'main',
      text: '---\ntitle: Employee Handbook\n---\n# employee handbook\n\nEveryone has twenty-five days of paid leave each year.\n',
    });
    expect(md.paragraphs[0]!.section).toBeNull();
    const txt = parseDocument({
      document: 'b.txt',
      collection: 'main',
      text: '---\ntitle: أدوات الفريق\n---\nادوات الفريق\nيستخدم الفريق Slack للتواصل اليومي مع كل الأعضاء.\n',
    });
    expect(txt.paragraphs[0]!.section).toBeNull();
  });

  it('leaves other headings, and a sub-heading under the title heading, as sections', () => {
    const nested = parseDocument({
      document: 'c.md',
      collection: 'main',
      text: '---\ntitle: Guide\n---\n# Guide\n\n## Leave\n\nEveryone has twenty-five days of paid leave each year.\n\n# Travel\n\nBook every trip through the travel portal, at least a week ahead.\n',
    });
    expect(nested.paragraphs.map((p) => p.section)).toEqual(['Leave', 'Travel']);
  });
});

describe('paragraph counts (item 3)', () => {
  it('counts paragraphs as cited (¶N) and says how many repeat an earlier one', () => {
    const doc = parseDocument({
      document: 'd.txt',
      collection: 'main',
      text: 'Title\nThe committee meets every Tuesday at ten in the main hall.\nBudgets are approved by the board in March of each year.\nThe committee meets every Tuesday at ten in the main hall.\n',
    });
    expect(doc.paragraphs).toHaveLength(3);
    const counts = paragraphCounts([doc]);
    expect(counts).toEqual({ documents: 1, paragraphs: 3, repeated: 1 });
    expect(describeParagraphs(counts)).toBe('3 paragraphs (1 repeats an earlier one: indexed and cited once, at the first place)');
    expect(describeParagraphs({ paragraphs: 1, repeated: 0 })).toBe('1 paragraph');
  });
});
