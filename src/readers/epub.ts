import { posix } from 'node:path';
import { DOMParser, parseHTML } from 'linkedom';
import type { Block, DocumentReader, DocumentStructure } from '../core/knowledge/reader.js';
import { ReadError } from '../core/knowledge/reader.js';
import { domToBlocks, type DomNode } from './dom-blocks.js';
import { openZip } from './zip.js';

interface XmlDoc {
  getElementsByTagName(name: string): ArrayLike<DomNode & { getAttribute(name: string): string | null }>;
}

/** EPUB 2 and 3: the chapters in spine order, each read like a page; metadata from the package. */
export const epubReader: DocumentReader = {
  name: 'epub',
  extensions: ['.epub'],
  mediaTypes: ['application/epub+zip'],
  async read(bytes): Promise<DocumentStructure> {
    const zip = await openZip(bytes, 'EPUB');
    const container = await zip.text('META-INF/container.xml');
    const opfPath = container ? xml(container).getElementsByTagName('rootfile')[0]?.getAttribute('full-path') : null;
    const opfText = opfPath ? await zip.text(opfPath) : null;
    if (!opfPath || !opfText) throw new ReadError('is not a valid EPUB file (its package document is missing)');
    const opf = xml(opfText);
    const manifest = new Map<string, { href: string; type: string }>();
    for (const item of Array.from(opf.getElementsByTagName('item'))) {
      const id = item.getAttribute('id');
      const href = item.getAttribute('href');
      if (id && href) manifest.set(id, { href: decodeURIComponent(href), type: item.getAttribute('media-type') ?? '' });
    }
    const base = posix.dirname(opfPath);
    const blocks: Block[] = [];
    for (const ref of Array.from(opf.getElementsByTagName('itemref'))) {
      const item = manifest.get(ref.getAttribute('idref') ?? '');
      if (!item || !/html/.test(item.type) || ref.getAttribute('linear') === 'no') continue;
      const chapter = await zip.text(posix.join(base, item.href));
      if (!chapter) continue;
      const { document } = parseHTML(chapter);
      blocks.push(...domToBlocks(document.body as unknown as DomNode));
    }
    const first = (name: string) => opf.getElementsByTagName(name)[0]?.textContent?.trim() || null;
    const lang = first('dc:language')?.slice(0, 2).toLowerCase();
    return {
      title: first('dc:title'),
      author: first('dc:creator'),
      date: first('dc:date')?.slice(0, 10) ?? null,
      lang: lang === 'ar' || lang === 'en' || lang === 'fr' ? lang : null,
      blocks,
    };
  },
};

function xml(text: string): XmlDoc {
  return new DOMParser().parseFromString(text, 'text/xml') as unknown as XmlDoc;
}
