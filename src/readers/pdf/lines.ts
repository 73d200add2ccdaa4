/**
 * pdf.js text items into lines of text. Producers differ: LibreOffice gives a string per line
 * (its punctuation and numbers as separate runs, in visual order), cairo gives one glyph per
 * item with no spaces at all. Both become logical-order lines with spaces put back from the
 * glyphs' positions.
 */

/** One text item of a page, with its geometry. */
export interface Run {
  text: string;
  /** Left edge and baseline, in PDF points. */
  x: number;
  y: number;
  width: number;
  /** Font size in points. */
  size: number;
  font: string;
  /** Marked-content id (tagged PDFs), which ties the run to the structure tree. */
  mcid: string | null;
}

export interface Line {
  text: string;
  x: number;
  y: number;
  width: number;
  size: number;
  font: string;
  rtl: boolean;
  runs: Run[];
  /** Segments of the line separated by a wide gap: table cells. */
  segments: number;
}

/** A gap wider than this share of the font size between two glyphs is a space between words. */
const WORD_GAP = 0.12;
/** A gap wider than this many font sizes splits a line into cells. */
const CELL_GAP = 1.5;
/** Baselines closer than this share of the font size are one line. */
const SAME_LINE = 0.35;

const ARABIC = /[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/g;
const LATIN = /[A-Za-z\u00C0-\u024F]/g;
/** Arabic combining marks (harakat, tanween, shadda, superscript alef). */
const MARK = /[\u064B-\u065F\u0670]/;
const MARKS_ONLY = /^\s*[\u064B-\u065F\u0670]+\s*$/;
const ARABIC_LETTER_END = /[\u0621-\u064A]$/;
/** How far (points) a lone mark may sit from the left edge of the word it belongs to. */
const MARK_REACH = 1;
/** Glyphs closer than this (points) are at one place: a ligature's letters. */
const SAME_PLACE = 0.5;
const LTR_RUN = /^[0-9A-Za-z\u0660-\u0669]+$/;

/** Groups runs into lines (same baseline, in stream order) and joins each line's text. */
export function toLines(runs: Run[]): Line[] {
  const groups: Run[][] = [];
  for (const run of runs) {
    // pdf.js adds space items that span the gap they stand for; the gap itself says more (cells).
    if (!run.text.trim()) continue;
    const current = groups[groups.length - 1];
    const last = current?.[current.length - 1];
    if (current && last && Math.abs(run.y - last.y) <= SAME_LINE * Math.max(run.size, last.size)) current.push(run);
    else groups.push([run]);
  }
  return groups.map(lineOf).filter((line) => line.text.trim().length > 0);
}

function lineOf(given: Run[]): Line {
  const runs = embedInnerRuns(attachMarks(given));
  const all = runs.map((r) => r.text).join('');
  const rtl = (all.match(ARABIC)?.length ?? 0) > (all.match(LATIN)?.length ?? 0);
  const ordered = rtl ? rtlOrder(runs) : runs;
  let text = '';
  let segments = 1;
  for (let i = 0; i < ordered.length; i++) {
    const run = ordered[i]!;
    const piece = markAfterBase(run.text);
    if (i > 0) {
      const gap = gapBetween(ordered[i - 1]!, run);
      if (gap > CELL_GAP * run.size) segments++;
      if (gap > WORD_GAP * run.size && !/\s$/.test(text) && !/^\s/.test(piece)) text += ' ';
    }
    text += piece;
  }
  const left = Math.min(...runs.map((r) => r.x));
  const right = Math.max(...runs.map((r) => r.x + r.width));
  const sizes = runs.filter((r) => r.text.trim()).map((r) => r.size);
  const main = runs.reduce((a, b) => (b.text.length > a.text.length ? b : a));
  return {
    text: text.replace(/\s+/g, ' ').trim(),
    x: left,
    y: runs[0]!.y,
    width: right - left,
    size: Math.max(...sizes, 0),
    font: main.font,
    rtl,
    runs,
    segments,
  };
}

/**
 * Runs of a right-to-left line in reading order: right to left on the page (producers write
 * them in either order). A number drawn glyph by glyph reads left to right inside that, so
 * such a sequence is turned back.
 */
function rtlOrder(runs: Run[]): Run[] {
  // Right to left by left edge; a ligature's two letters share one place, and keep their order.
  const sorted = [...runs].sort((a, b) => (Math.abs(a.x - b.x) < SAME_PLACE ? 0 : b.x - a.x));
  const out: Run[] = [];
  let ltr: Run[] = [];
  const flush = () => {
    out.push(...(ltr.length > 1 ? ltr.reverse() : ltr));
    ltr = [];
  };
  for (const run of sorted) {
    if (LTR_RUN.test(run.text)) ltr.push(run);
    else {
      flush();
      out.push(run);
    }
  }
  flush();
  return out;
}

/**
 * LibreOffice draws a final mark (tanween, fatha) as a run of its own, after the line's text and
 * at the left end of its word: it goes back onto the end of the run it sits on. A mark whose
 * place cannot be told is dropped rather than put on the wrong word.
 */
function attachMarks(runs: Run[]): Run[] {
  const marks = runs.filter((r) => MARKS_ONLY.test(r.text));
  // A zero-width glyph that is not a mark ("e" for a tanween in some LibreOffice fonts) is a
  // mark whose character was lost: it is dropped rather than read as a letter.
  const stray = (r: Run) => r.width === 0 && r.text.trim().length === 1 && !MARKS_ONLY.test(r.text) && /[A-Za-z]/.test(r.text);
  if (marks.length === 0 && !runs.some(stray)) return runs;
  const hosts = runs.filter((r) => !MARKS_ONLY.test(r.text) && !stray(r)).map((r) => ({ ...r }));
  for (const mark of marks) {
    const host = hosts.find((h) => Math.abs(h.x - mark.x) <= MARK_REACH && ARABIC_LETTER_END.test(h.text));
    if (host) host.text += mark.text.trim();
  }
  return hosts;
}

/**
 * pdf.js may give a line's text as one item with a sentence's full stop, drawn in another
 * font, as an item of its own that lies inside it on the page. The stop goes back in at the
 * word boundary nearest to where it is drawn.
 */
function embedInnerRuns(runs: Run[]): Run[] {
  const inner = runs.filter((r) => r.text.trim().length <= 2 && /^[\s\p{P}]+$/u.test(r.text));
  if (inner.length === 0) return runs;
  const out = runs.filter((r) => !inner.includes(r)).map((r) => ({ ...r }));
  for (const small of inner) {
    const host = out.find((h) => h.text.length > 4 && small.x > h.x + 1 && small.x + small.width < h.x + h.width - 1);
    if (!host) {
      out.push(small);
      continue;
    }
    const rtl = (host.text.match(ARABIC)?.length ?? 0) > (host.text.match(LATIN)?.length ?? 0);
    const share = rtl ? (host.x + host.width - (small.x + small.width)) / host.width : (small.x - host.x) / host.width;
    const at = nearestSpace(host.text, Math.round(share * host.text.length));
    host.text = host.text.slice(0, at) + small.text.trim() + host.text.slice(at);
  }
  return out.sort((a, b) => runs.indexOf(a) - runs.indexOf(b));
}

function nearestSpace(text: string, index: number): number {
  for (let d = 0; d < text.length; d++) {
    if (text[index - d] === ' ') return index - d;
    if (text[index + d] === ' ') return index + d;
  }
  return index;
}

/** Horizontal distance between two runs' boxes; negative when they overlap. */
function gapBetween(a: Run, b: Run): number {
  return Math.max(a.x, b.x) - Math.min(a.x + a.width, b.x + b.width);
}

/** cairo draws a mark before its letter ("ٌب"): in text the mark follows its letter ("بٌ"). */
function markAfterBase(text: string): string {
  const chars = [...text];
  if (chars.length < 2 || !MARK.test(chars[0]!)) return text;
  let i = 0;
  while (i < chars.length && MARK.test(chars[i]!)) i++;
  if (i >= chars.length) return text;
  return chars[i]! + chars.slice(0, i).join('') + chars.slice(i + 1).join('');
}
