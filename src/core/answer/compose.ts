import type { Hit } from '../index/knowledge-index.js';
import type { Paragraph } from '../knowledge/types.js';
import type { Citation, Retrieved } from '../types.js';

export function toRetrieved(hit: Hit): Retrieved {
  const p = hit.paragraph;
  return {
    document: p.document,
    title: p.title,
    paragraph: p.n,
    section: p.section,
    text: p.text,
    score: round(hit.score),
    paragraphId: p.id,
    collection: p.collection,
  };
}

export function toCitation(n: number, paragraph: Paragraph, quote: string, score: number): Citation {
  return {
    n,
    document: paragraph.document,
    title: paragraph.title,
    paragraph: paragraph.n,
    section: paragraph.section,
    text: paragraph.text,
    quote,
    score: round(score),
    paragraphId: paragraph.id,
    collection: paragraph.collection,
  };
}

/** The extractive answer text: the quote itself, a list as bullets, with its citation mark. */
export function quoteAsAnswer(quote: string, isList: boolean, n = 1): string {
  const body = isList ? quote.split('\n').map((line) => `• ${line.trim()}`).join('\n') : quote.trim();
  return `${body} [${n}]`;
}

export function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
