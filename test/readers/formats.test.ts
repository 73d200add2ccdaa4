import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDocument } from '../../src/core/knowledge/build.js';
import type { DocumentReader } from '../../src/core/knowledge/reader.js';
import type { KnowledgeDocument } from '../../src/core/knowledge/types.js';
import { docxReader, epubReader, htmlReader, odtReader, pdfReader } from '../../src/readers/index.js';

const DOCS = resolve(import.meta.dirname, '../fixtures/documents');

async function read(reader: DocumentReader, file: string): Promise<KnowledgeDocument> {
  const structure = await reader.read(new Uint8Array(readFileSync(join(DOCS, file))), { name: file, maxPages: 100 });
  return buildDocument(structure, { document: file, collection: 'main', hash: 'h', format: reader.name });
}

const find = (doc: KnowledgeDocument, text: string) => {
  const p = doc.paragraphs.find((q) => q.text.includes(text));
  if (!p) throw new Error(`no paragraph holds "${text}" in ${doc.document}`);
  return p;
};

describe('PDF', () => {
  it('a tagged LibreOffice PDF: title, pages, sections, tables with their header, lists with their intro, Arabic repaired', async () => {
    const doc = await read(pdfReader, 'leave-policy.ar.pdf');
    expect(doc).toMatchObject({
      title: 'دليل الموظفين: الإجازات والعمل عن بعد',
      author: 'إدارة الموارد البشرية',
      pages: 3,
      lang: 'ar',
      format: 'pdf',
    });
    expect(find(doc, 'ثلاثون يوما في السنة')).toMatchObject({ page: 1, section: 'الإجازة السنوية', n: 1 });
    expect(find(doc, 'نوع الإجازة: الأمومة')).toMatchObject({
      page: 2,
      section: 'جدول أنواع الإجازات',
      text: 'نوع الإجازة: الأمومة | المدة: تسعون يوما | الأجر: كامل | جهة الموافقة: الموارد البشرية',
    });
    expect(find(doc, 'بشرط الالتزام بالشروط الآتية:').text.split('\n')).toEqual([
      'يجوز للموظف العمل عن بعد يومين في الأسبوع كحد أقصى، بشرط الالتزام بالشروط الآتية:',
      'أن يكون قد أتم فترة الاختبار بنجاح',
      'أن يكون متاحا على الهاتف والبريد الإلكتروني خلال ساعات العمل الرسمية',
      'أن يحضر الاجتماع الأسبوعي للفريق في المكتب',
      'أن يحافظ على سرية المعلومات وأمن الأجهزة',
    ]);
    // The paragraph that runs from page 2 onto page 3 is one paragraph, cited at its first page.
    const long = find(doc, 'يجوز للموظف بعد إتمام سنتين من الخدمة');
    expect(long.page).toBe(2);
    expect(long.text).toContain('وتحفظ جميع الطلبات والقرارات المتعلقة بهذه الإجازات في الملف الوظيفي');
    expect(find(doc, 'مارس 2024')).toMatchObject({
      page: 3,
      text: 'يعمل بهذه السياسة اعتبارا من الأول من مارس 2024، وتلغي كل ما سبقها من تعليمات بشأن الإجازات.',
    });
    // The swapped lam-alef is undone: no "اإل" or "ال" standing for "لا" is left.
    const all = doc.paragraphs.map((p) => p.text).join('\n');
    expect(all).not.toMatch(/اإل|األ|(^|\s)ال(\s|$)/);
    expect(all).toContain('لا يجوز ترحيل أكثر من عشرة أيام');
  });

  it('an untagged PDF: headings by size, a table whose cells wrap, a numbered list', async () => {
    const doc = await read(pdfReader, 'incident-runbook.en.pdf');
    expect(doc).toMatchObject({ title: 'Incident Response Runbook', pages: 2 });
    expect(find(doc, 'Level: SEV1')).toMatchObject({
      page: 1,
      section: 'Severity levels',
      text: 'Level: SEV1 | Meaning: Payments are down for all customers | First update within: 15 minutes | Who is paged: Incident commander and the CTO',
    });
    expect(find(doc, 'follows these steps in order:').text.split('\n')).toHaveLength(5);
    expect(find(doc, 'A rollback is always preferred')).toMatchObject({ page: 2, section: 'Rollbacks' });
    expect(doc.paragraphs.some((p) => /^(Severity levels|Roles|Rollbacks)$/.test(p.text))).toBe(false);
  });

  it('a cairo PDF (pango-view): the spaces it drops are put back from the glyph positions', async () => {
    const doc = await read(pdfReader, 'water-notice.ar.pdf');
    expect(doc.title).toBe('إعلان عن انقطاع المياه المجدول');
    expect(find(doc, 'الرقم 175')).toMatchObject({
      page: 2,
      section: 'للتواصل',
      text: 'لأي استفسار أو بلاغ عن تسرب يرجى الاتصال بمركز الطوارئ على الرقم 175 على مدار الساعة.',
    });
    expect(find(doc, 'مجانًا').text).toBe('ستوزع صهاريج المياه مجانًا على المستشفيات والمدارس طوال فترة الانقطاع.');
  });

  it('refuses what it cannot read, with the reason', async () => {
    await expect(pdfReader.read(new TextEncoder().encode('%PDF-1.4 garbage'), { name: 'x.pdf' })).rejects.toThrow(/is not a valid PDF/);
    await expect(
      pdfReader.read(new Uint8Array(readFileSync(join(DOCS, 'leave-policy.ar.pdf'))), { name: 'x.pdf', maxPages: 2 }),
    ).rejects.toThrow('has 3 pages, over the limit of 2 pages per document (SANAD_MAX_PAGES)');
  });
});

describe('web pages', () => {
  it('an Arabic news page: the article without its furniture, title without the site, byline and date from JSON-LD', async () => {
    const doc = await read(htmlReader, 'desalination-news.ar.html');
    expect(doc).toMatchObject({
      title: 'افتتاح أكبر محطة لتحلية المياه على الساحل الشرقي',
      author: 'سلمى الحداد',
      date: '2024-05-14',
      url: 'https://alkhabar.example/economy/2024/05/desalination-plant',
      lang: 'ar',
    });
    expect(doc.paragraphs.map((p) => p.section)).toEqual([null, null, 'الطاقة الشمسية', 'المستفيدون', 'المستفيدون', 'المستفيدون']);
    expect(find(doc, 'بما يلي:').text.split('\n')).toHaveLength(4);
    expect(find(doc, 'وقال الوزير').text).toContain('ولن تنقطع المياه عن أي بيت بعد اليوم');
    expect(doc.paragraphs.every((p) => p.url === doc.url)).toBe(true);
    const all = doc.paragraphs.map((p) => p.text).join('\n');
    for (const furniture of [
      'الرئيسية',
      'شارك',
      'اقرأ أيضا',
      'ارتفاع أسعار الوقود',
      'ملفات تعريف الارتباط',
      'إعلان',
      'النشرة البريدية',
      'جميع الحقوق',
      'التعليقات',
      'الأكثر قراءة',
      'صورة من حفل',
    ]) {
      expect(all).not.toContain(furniture);
    }
  });

  it('an English page: byline from the text, date from <time>, title without " - The Riverside Courier"', async () => {
    const doc = await read(htmlReader, 'cycling-news.en.html');
    expect(doc).toMatchObject({
      title: 'Council approves 40 km of protected cycle lanes',
      author: 'Tom Becker',
      date: '2024-03-08',
      url: 'https://courier.example/news/2024/03/cycle-lanes',
    });
    expect(doc.paragraphs[0]!.text).toMatch(/^The city council voted 31 to 12/);
    const all = doc.paragraphs.map((p) => p.text).join('\n');
    for (const furniture of [
      'By Tom Becker',
      'Share on',
      'Read more',
      'Bus fares',
      'cookies',
      'Advertisement',
      'Sign up',
      'Most read',
      'All rights reserved',
    ])
      expect(all).not.toContain(furniture);
  });
});

describe('Word, ODT, EPUB', () => {
  it('a .docx made by LibreOffice: headings, an Arabic table whose rows keep their header', async () => {
    const doc = await read(docxReader, 'security-policy.ar.docx');
    expect(doc).toMatchObject({ title: 'سياسة أمن المعلومات', author: 'إدارة أمن المعلومات', lang: 'ar' });
    expect(find(doc, 'اثني عشر حرفا').section).toBe('كلمات المرور');
    expect(find(doc, 'سري للغاية').text).toBe(
      'المستوى: سري للغاية | أمثلة: الرواتب والسجلات الطبية | من يطلع عليها: بتصريح من المدير العام',
    );
  });

  it('an .odt: headings, a table, a list kept with its intro', async () => {
    const doc = await read(odtReader, 'travel-policy.en.odt');
    expect(doc).toMatchObject({ title: 'Business Travel Policy', author: 'Finance Department' });
    expect(find(doc, 'Outside Europe').text).toBe('Destination: Outside Europe | Allowance per day: 75 euros');
    expect(find(doc, 'with the following attached:').text.split('\n')).toEqual([
      'Expense reports must be submitted within fourteen days of returning, with the following attached:',
      'every receipt above ten euros',
      'the boarding passes',
      "the hotel invoice in the company's name",
    ]);
  });

  it('an .epub: chapters in spine order (a file name with a space), sub-headings as sections, a table with <thead>', async () => {
    const doc = await read(epubReader, 'onboarding.en.epub');
    expect(doc).toMatchObject({ title: 'New Engineer Onboarding Guide', author: 'Engineering Enablement', date: '2024-02-01', lang: 'en' });
    expect(doc.paragraphs.map((p) => p.section)).toEqual([
      'Your first week',
      'Your first week',
      'Accounts you will need',
      'Code review',
      'Code review',
      'Deployments',
      'Deployments',
      'Environments',
      'Environments',
    ]);
    expect(find(doc, 'Environment: staging').text).toBe(
      'Environment: staging | Purpose: testing before release | Data: anonymised copy of production',
    );
  });

  it('a zip that is not the format it claims is refused with the reason', async () => {
    const notZip = new TextEncoder().encode('plain text');
    await expect(docxReader.read(notZip, { name: 'a.docx' })).rejects.toThrow('is not a valid DOCX file (it is not a zip archive)');
    await expect(odtReader.read(notZip, { name: 'a.odt' })).rejects.toThrow('is not a valid ODT file');
    await expect(epubReader.read(new Uint8Array(readFileSync(join(DOCS, 'travel-policy.en.odt'))), { name: 'a.epub' })).rejects.toThrow(
      'is not a valid EPUB file',
    );
  });
});

describe('web pages whose article container is named like furniture', () => {
  it('keeps an article whose wrapper has a "share" or "social" class, and still drops the share bar inside it', async () => {
    const page = `<html><head><title>Budget passes - City Times</title><meta property="og:site_name" content="City Times"></head><body>
      <nav>Home | News</nav>
      <div class="post has-share-buttons social-ready"><h1>Budget passes</h1>
        <div class="share-bar">Share on Facebook Share on X</div>
        <p>The council passed the budget on Monday by nineteen votes to eleven, after a debate that lasted most of the night.</p>
        <p>Spending on schools rises by four percent, and the new library opens next spring as planned by the previous council.</p>
        <p>The opposition said the increase in parking fees would hurt the shops of the old town and promised to bring it back.</p>
      </div><footer>© City Times</footer></body></html>`;
    const structure = await htmlReader.read(new TextEncoder().encode(page), { name: 'budget.html' });
    const doc = buildDocument(structure, { document: 'budget.html', collection: 'main', hash: 'h' });
    expect(doc.title).toBe('Budget passes');
    expect(doc.paragraphs.map((p) => p.text.slice(0, 20))).toEqual([
      'The council passed t',
      'Spending on schools ',
      'The opposition said ',
    ]);
  });
});
