/**
 * Arabic word integrity of PDF extraction, before and after repair, on the fixtures made by
 * two producers (LibreOffice and cairo; test/fixtures/README.md): the share of the source's
 * words found intact in the extracted text.
 *
 *   npm run pdf-arabic            # a table
 *   npm run pdf-arabic -- --json  # JSON
 *
 * "pdf.js text" is the plain text pdf.js gives (unpdf's extractText: what a reader without
 * its own layout pass gets); "layout" is sanad's reader without the Arabic repair (lines
 * rebuilt from glyph positions); "repaired" is what sanad indexes.
 */
import { readFileSync } from 'node:fs';
import { extractText, getDocumentProxy } from 'unpdf';
import { buildDocument } from '../src/core/knowledge/build.js';
import { readPdf } from '../src/readers/pdf/index.js';

const FIXTURES = 'test/fixtures';
const CASES = [
  { producer: 'LibreOffice (tagged, from HTML)', pdf: 'documents/leave-policy.ar.pdf', source: 'pdf-arabic/leave-policy.ar.txt' },
  { producer: 'LibreOffice (from text)', pdf: 'pdf-arabic/leave-policy.libreoffice.pdf', source: 'pdf-arabic/leave-policy.ar.txt' },
  { producer: 'LibreOffice (from text)', pdf: 'pdf-arabic/water-notice.libreoffice.pdf', source: 'pdf-arabic/water-notice.ar.txt' },
  { producer: 'cairo (pango-view, markup)', pdf: 'documents/water-notice.ar.pdf', source: 'pdf-arabic/water-notice.ar.txt' },
  { producer: 'cairo (pango-view)', pdf: 'pdf-arabic/leave-policy.cairo.pdf', source: 'pdf-arabic/leave-policy.ar.txt' },
  { producer: 'cairo (pango-view)', pdf: 'pdf-arabic/water-notice.cairo.pdf', source: 'pdf-arabic/water-notice.ar.txt' },
];

// eslint-disable-next-line no-misleading-character-class -- letters and their marks are matched one code point at a time on purpose
const WORD = /[\u0621-\u064A\u064B-\u065F\u0670]+|[0-9]+/g;

function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

/** Share of the source's words (with their marks) found in the extracted text, counting repeats. */
export function intact(source: string, extracted: string): number {
  const have = new Map<string, number>();
  for (const w of words(extracted)) have.set(w, (have.get(w) ?? 0) + 1);
  const want = words(source);
  let found = 0;
  for (const w of want) {
    const n = have.get(w) ?? 0;
    if (n > 0) {
      found++;
      have.set(w, n - 1);
    }
  }
  return want.length === 0 ? 0 : found / want.length;
}

async function readerText(bytes: Uint8Array, name: string, repair: boolean): Promise<string> {
  const structure = await readPdf(bytes, { name }, { repair });
  const doc = buildDocument(structure, { document: name, collection: 'main', hash: '' });
  // The title and the headings are read too: they are text of the document.
  return [doc.title, ...doc.paragraphs.map((p) => `${p.section ?? ''}\n${p.text}`)].join('\n');
}

const rows = [];
for (const c of CASES) {
  const bytes = new Uint8Array(readFileSync(`${FIXTURES}/${c.pdf}`));
  const source = readFileSync(`${FIXTURES}/${c.source}`, 'utf8');
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(bytes)), { mergePages: true });
  rows.push({
    producer: c.producer,
    pdf: c.pdf,
    words: words(source).length,
    pdfjs: intact(source, text as string),
    layout: intact(source, await readerText(bytes, c.pdf, false)),
    repaired: intact(source, await readerText(bytes, c.pdf, true)),
  });
}

if (process.argv.includes('--json')) {
  process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
} else {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(9);
  process.stdout.write(
    `${'fixture'.padEnd(42)}${'producer'.padEnd(32)}${'words'.padStart(6)}${'pdf.js'.padStart(9)}${'layout'.padStart(9)}${'repaired'.padStart(9)}\n`,
  );
  for (const r of rows)
    process.stdout.write(
      `${r.pdf.padEnd(42)}${r.producer.padEnd(32)}${String(r.words).padStart(6)}${pct(r.pdfjs)}${pct(r.layout)}${pct(r.repaired)}\n`,
    );
}
