import { createHash } from 'node:crypto';
import { normalize, type Lang } from '../text/index.js';
import type { Paragraph } from './types.js';

/** A block of text to cite, with the heading it sits under and the page it starts on. */
export interface CitableBlock {
  text: string;
  section: string | null;
  page?: number;
}

export interface ParagraphMeta {
  document: string;
  collection: string;
  title: string;
  lang: Lang;
  url?: string | null;
}

/**
 * Numbers blocks as citable paragraphs, in reading order: a stable id (document + hash of the
 * normalised text), ¶N, section and page; a paragraph that repeats an earlier one is marked as
 * its duplicate, so it is indexed and cited once, at its first place.
 */
export function toParagraphs(blocks: CitableBlock[], meta: ParagraphMeta): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  const ids = new Set<string>();
  const duplicates = new DuplicateFinder();
  for (const block of blocks) {
    const n = paragraphs.length + 1;
    const normal = normalize(block.text);
    const hashed = `${meta.document}#${createHash('sha1').update(normal).digest('hex').slice(0, 10)}`;
    const id = ids.has(hashed) ? `${hashed}-${n}` : hashed;
    ids.add(id);
    const paragraph: Paragraph = {
      id,
      document: meta.document,
      collection: meta.collection,
      title: meta.title,
      n,
      section: block.section,
      text: block.text,
      lang: meta.lang,
    };
    if (block.page !== undefined) paragraph.page = block.page;
    if (meta.url) paragraph.url = meta.url;
    const original = duplicates.check(normal, paragraph.id);
    if (original) paragraph.duplicateOf = original;
    paragraphs.push(paragraph);
  }
  return paragraphs;
}

/** A paragraph is a repeat when this share of its 4-word shingles is in one earlier paragraph. */
const DUPLICATE_SHINGLE_SHARE = 0.8;

/**
 * Finds a paragraph that repeats an earlier one: the same text, or at least 80% of its 4-word
 * shingles found in one earlier paragraph (the article repeats its opening sentence under a
 * later heading). Shingles are indexed, so a long document is checked in linear time.
 */
class DuplicateFinder {
  private readonly byShingle = new Map<string, number[]>();
  private readonly ids: string[] = [];
  private readonly exact = new Map<string, string>();

  /** The id of the earlier paragraph this one repeats, or null (then it is remembered). */
  check(normal: string, id: string): string | null {
    const same = this.exact.get(normal);
    if (same) return same;
    const shingles = shingle(normal);
    const shared = new Map<number, number>();
    for (const s of shingles) for (const i of this.byShingle.get(s) ?? []) shared.set(i, (shared.get(i) ?? 0) + 1);
    for (const [i, count] of shared) if (shingles.size > 0 && count / shingles.size >= DUPLICATE_SHINGLE_SHARE) return this.ids[i]!;
    const index = this.ids.push(id) - 1;
    this.exact.set(normal, id);
    for (const s of shingles) {
      const list = this.byShingle.get(s);
      if (list) list.push(index);
      else this.byShingle.set(s, [index]);
    }
    return null;
  }
}

function shingle(normal: string): Set<string> {
  const words = normal.split(' ');
  const out = new Set<string>();
  for (let i = 0; i + 4 <= words.length; i++) out.add(words.slice(i, i + 4).join(' '));
  return out;
}
