import { describe, expect, it } from 'vitest';
import { buildBriefing, type BuildBriefingInput } from '../../src/briefing/build.js';
import { renderMarkdown, toBriefingView } from '../../src/briefing/render-text.js';
import type { BriefingView } from '../../src/adapters/web/types.js';
import { EMPTY_STATS } from '../../src/state/types.js';
import { addedNote, article } from './helpers.js';

const ART = article();
const NOTE = addedNote();

function input(overrides: Partial<BuildBriefingInput> = {}): BuildBriefingInput {
  return {
    documents: [ART, NOTE],
    changedSince: [],
    stats: { ...EMPTY_STATS, declinedQuestions: [] },
    language: 'auto',
    whenQuiet: 'skip',
    date: '2026-03-29',
    ...overrides,
  };
}

/** Every key point must quote its own paragraph, verbatim, and cite it by number. */
function expectRealCitations(points: { quote: string; document: string; paragraph: number; paragraphId: string }[]): void {
  for (const p of points) {
    const doc = [ART, NOTE].find((d) => d.document === p.document)!;
    const paragraph = doc.paragraphs.find((x) => x.n === p.paragraph)!;
    expect(paragraph.id).toBe(p.paragraphId);
    expect(paragraph.text).toContain(p.quote);
    expect(p.quote.length).toBeGreaterThan(20);
  }
}

describe('buildBriefing', () => {
  it('lists the new article with its date and 3-5 quoted key points citing real paragraphs', () => {
    const b = buildBriefing(input({ changedSince: [{ document: ART.document, status: 'new' }] }))!;
    expect(b.kind).toBe('news');
    expect(b.language).toBe('ar');
    expect(b.direction).toBe('rtl');
    expect(b.documents).toHaveLength(1);
    const doc = b.documents[0]!;
    expect(doc).toMatchObject({ title: 'جهود فرنسا في مكافحة الإرهاب داخليا وعلى المستوى الأممي', date: '2019-02-03', status: 'new' });
    expect(doc.points.length).toBeGreaterThanOrEqual(3);
    expect(doc.points.length).toBeLessThanOrEqual(5);
    expectRealCitations(doc.points);
    // Distinct paragraphs, in reading order.
    const ns = doc.points.map((p) => p.paragraph);
    expect(new Set(ns).size).toBe(ns.length);
    expect([...ns].sort((a, b) => a - b)).toEqual(ns);
    // Central points are about the article's subject, not its furniture.
    expect(doc.points.some((p) => /الإرهاب|فرنسا/.test(p.quote))).toBe(true);
  });

  it('a document added while running: only it is new, with its own points, in its language', () => {
    const b = buildBriefing(input({ changedSince: [{ document: NOTE.document, status: 'new' }], collections: ['security'] }))!;
    expect(b.language).toBe('en');
    expect(b.documents.map((d) => d.document)).toEqual(['security/incident-response.md']);
    const points = b.documents[0]!.points;
    expect(points.length).toBeGreaterThanOrEqual(3);
    expectRealCitations(points);
    expect(points.every((p) => p.collection === 'security')).toBe(true);
  });

  it('collections limit the briefing: a change outside them is not listed', () => {
    const changedSince = [
      { document: ART.document, status: 'changed' as const },
      { document: NOTE.document, status: 'new' as const },
    ];
    const main = buildBriefing(input({ changedSince, collections: ['main'] }))!;
    expect(main.documents.map((d) => d.document)).toEqual([ART.document]);
    expect(main.documents[0]!.status).toBe('changed');
    const all = buildBriefing(input({ changedSince }))!;
    expect(all.documents.map((d) => d.document).sort()).toEqual([ART.document, NOTE.document].sort());
  });

  it('quiet day: skip gives null, highlights gives the collection’s central points', () => {
    expect(buildBriefing(input({ whenQuiet: 'skip' }))).toBeNull();
    const b = buildBriefing(input({ whenQuiet: 'highlights', collections: ['main'] }))!;
    expect(b.kind).toBe('highlights');
    expect(b.documents).toEqual([]);
    expect(b.highlights.length).toBe(5);
    expectRealCitations(b.highlights);
    expect(b.highlights.every((p) => p.document === ART.document)).toBe(true);
  });

  it('yesterday in this channel: counts and declined questions, even without new documents', () => {
    const stats = { asked: 3, answered: 1, declined: 2, up: 1, down: 1, declinedQuestions: ['من فاز بكأس العالم لكرة القدم عام 2018؟'] };
    const b = buildBriefing(input({ stats, language: 'en' }))!;
    expect(b.kind).toBe('activity');
    expect(b.language).toBe('en');
    const md = renderMarkdown(b);
    expect(md).toContain('Questions: 3 · answered: 1 · declined: 2 · 👍 1 · 👎 1');
    expect(md).toContain('- من فاز بكأس العالم لكرة القدم عام 2018؟');
    expect(md).toContain('No new or changed documents since the last briefing.');
  });

  it('renders markdown with each quote and its ¶ citation, in the channel language', () => {
    const b = buildBriefing(input({ changedSince: [{ document: ART.document, status: 'new' }], language: 'fr' }))!;
    const md = renderMarkdown(b);
    expect(md).toContain('# Briefing du jour · 2026-03-29');
    expect(md).toContain('## Nouveau dans les documents');
    for (const p of b.documents[0]!.points) expect(md).toContain(`«${p.quote}» (${p.title} · ¶${p.paragraph}`);
    expect(md).toContain('Aucune question hier.');
  });

  it('gives the web chat a BriefingView with [n] markers and citations', () => {
    const b = buildBriefing(input({ changedSince: [{ document: ART.document, status: 'new' }] }))!;
    const view = toBriefingView(b, '#general') satisfies BriefingView;
    expect(view.date).toBe('2026-03-29');
    expect(view.citations.length).toBe(b.documents[0]!.points.length);
    view.citations.forEach((c, i) => {
      expect(view.text).toContain(`${c.quote} [${i + 1}]`);
      expect(c.n).toBe(i + 1);
      expect(c.paragraphId).toBe(b.documents[0]!.points[i]!.paragraphId);
    });
  });
});
