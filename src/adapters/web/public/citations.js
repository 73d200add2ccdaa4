// Citations: the [n] markers in a text, the numbered source chips, and the dialog that shows the
// whole paragraph behind one with the quoted sentence highlighted.
import { $, directionOf, el } from './dom.js';
import { t } from './strings.js';

/**
 * Text with its [n] markers turned into small buttons that open citation n. Text between
 * markers goes in as text nodes.
 */
export function fillWithMarkers(target, text, byNumber, onOpen) {
  target.textContent = '';
  const pattern = /\[(\d+)\]/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const citation = byNumber.get(Number(match[1]));
    if (!citation) continue;
    appendWithLinks(target, text.slice(last, match.index));
    const marker = el('button', 'marker', match[1]);
    marker.type = 'button';
    marker.setAttribute('aria-label', t.openCitation + ' ' + match[1] + ': ' + citation.label);
    marker.addEventListener('click', () => onOpen(citation, marker));
    target.append(marker);
    last = match.index + match[0].length;
  }
  appendWithLinks(target, text.slice(last));
}

/** An http(s) address in the text; the punctuation that closes a sentence is not part of it. */
const URL_PATTERN = /https?:\/\/[^\s<>"«»]+[^\s<>"«».,،؛:!?)\]]/g;

/**
 * Text with its web addresses as links (a followed source's article in a briefing, a web page
 * a paragraph cites). Only http(s) addresses become links, and they open in a new tab without
 * handing the page a reference to this one; everything else stays a text node.
 */
export function appendWithLinks(target, text) {
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    target.append(document.createTextNode(text.slice(last, match.index)));
    const link = el('a', 'link', match[0]);
    link.href = match[0];
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.dir = 'ltr';
    target.append(link);
    last = match.index + match[0].length;
  }
  target.append(document.createTextNode(text.slice(last)));
}

/**
 * A numbered source chip: n, title, ¶N, section. On a narrow screen the title and the section
 * are cut short with an ellipsis (each keeps a few letters); "¶N" never is, so the chip always
 * says which paragraph it opens. The full label is the button's name and tooltip.
 */
export function citationChip(citation, onClick) {
  const chip = el('button', 'chip');
  chip.type = 'button';
  chip.dataset.n = String(citation.n);
  chip.setAttribute('aria-label', citation.n + ': ' + citation.label);
  chip.title = citation.label;
  const num = el('span', 'chip-n', citation.n);
  if (citation.title && citation.paragraph) {
    const title = el('span', 'chip-label', citation.title);
    title.dir = directionOf(citation.title);
    // A paged document's paragraph says its page first: "p. 3 ¶12".
    const paragraph = el('span', 'chip-para', (citation.page ? 'p. ' + citation.page + ' · ' : '') + '¶' + citation.paragraph);
    paragraph.dir = 'ltr';
    chip.append(num, title, paragraph);
    if (citation.section) {
      // The separator is an item of its own, so it sits between ¶N and the section in either direction.
      const separator = el('span', 'chip-sep', '·');
      separator.setAttribute('aria-hidden', 'true');
      const section = el('span', 'chip-section', citation.section);
      section.dir = directionOf(citation.section);
      chip.append(separator, section);
    }
  } else {
    const text = el('span', 'chip-label', citation.label);
    text.dir = directionOf(citation.label);
    chip.append(num, text);
  }
  chip.addEventListener('click', () => onClick(chip));
  return chip;
}

/** A link to a web document's page, opened in a new tab; only http(s) addresses are linked. */
export function sourceLink(citation) {
  if (!citation.url || !/^https?:\/\//i.test(citation.url)) return null;
  const link = el('a', 'chip-link', '↗');
  link.href = citation.url;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  link.title = citation.url;
  link.setAttribute('aria-label', (citation.n ? citation.n + ': ' : '') + citation.url);
  return link;
}

/** A list of chips for citations keyed by number. */
export function chipList(byNumber, open) {
  const list = el('ul', 'chips');
  for (const c of byNumber.values()) {
    const li = el('li');
    li.append(citationChip(c, (chip) => open(c, chip)));
    const link = sourceLink(c);
    if (link) li.append(link);
    list.append(li);
  }
  return list;
}

/**
 * Shows the whole paragraph behind a citation with the quoted sentence highlighted. Briefing
 * citations carry only an id and a quote, so their paragraph is fetched.
 */
export async function openParagraph(citation, opener) {
  let paragraph = citation.text ? citation : null;
  if (!paragraph && citation.paragraphId) {
    try {
      const res = await fetch('/api/paragraph/' + encodeURIComponent(citation.paragraphId));
      if (res.ok) paragraph = await res.json();
    } catch {
      paragraph = null;
    }
  }
  const dialog = $('paragraph-dialog');
  const source = paragraph || citation;
  $('paragraph-title').textContent = source.title || '';
  const meta = $('paragraph-meta');
  meta.textContent = [
    source.page ? 'p. ' + source.page : '',
    source.paragraph ? '¶' + source.paragraph : '',
    source.section,
    source.document,
  ]
    .filter(Boolean)
    .join(' · ');
  const link = sourceLink(source);
  if (link) meta.append(' ', link);
  const box = $('paragraph-text');
  box.textContent = '';
  if (paragraph && paragraph.text) {
    box.dir = directionOf(paragraph.text);
    highlight(box, paragraph.text, citation.quote || '');
  } else {
    box.append(el('p', 'missing', t.paragraphMissing));
    if (citation.quote) box.append(el('mark', '', citation.quote));
  }
  dialog.returnFocusTo = opener;
  dialog.showModal();
}

function highlight(box, text, quote) {
  const at = quote ? text.indexOf(quote) : -1;
  if (at < 0) {
    box.append(document.createTextNode(text));
    return;
  }
  const mark = el('mark', '', quote);
  mark.title = t.quoteLabel;
  box.append(document.createTextNode(text.slice(0, at)), mark, document.createTextNode(text.slice(at + quote.length)));
}

export function setupDialog() {
  const dialog = $('paragraph-dialog');
  // Esc closes a modal dialog natively; a click on the backdrop closes it too.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    if (dialog.returnFocusTo && document.contains(dialog.returnFocusTo)) dialog.returnFocusTo.focus();
  });
}
