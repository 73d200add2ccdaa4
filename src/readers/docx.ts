import mammoth from 'mammoth';
import { DOMParser, parseHTML } from 'linkedom';
import type { DocumentReader, DocumentStructure } from '../core/knowledge/reader.js';
import { ReadError } from '../core/knowledge/reader.js';
import { domToBlocks, type DomNode } from './dom-blocks.js';
import { openZip } from './zip.js';

/**
 * Word documents: mammoth turns the document's styles into HTML (Heading 1 → h1, lists, tables,
 * Arabic intact), read like a page; title, author and date come from docProps/core.xml.
 */
export const docxReader: DocumentReader = {
  name: 'docx',
  extensions: ['.docx'],
  mediaTypes: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  async read(bytes): Promise<DocumentStructure> {
    const zip = await openZip(bytes, 'DOCX');
    if (!zip.has('word/document.xml')) throw new ReadError('is not a valid DOCX file (word/document.xml is missing)');
    const { value } = await mammoth.convertToHtml({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) });
    const { document } = parseHTML(`<!DOCTYPE html><html><body>${value}</body></html>`);
    const core = await zip.text('docProps/core.xml');
    return { ...(core ? coreProperties(core) : {}), blocks: domToBlocks(document.body as unknown as DomNode) };
  },
};

function coreProperties(xml: string): Pick<DocumentStructure, 'title' | 'author' | 'date'> {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as { getElementsByTagName(name: string): ArrayLike<DomNode> };
  const first = (name: string) => doc.getElementsByTagName(name)[0]?.textContent?.trim() || null;
  return { title: first('dc:title'), author: first('dc:creator'), date: first('dcterms:created')?.slice(0, 10) ?? null };
}
