// #briefing: the configured briefings (one picked at a time), today's made on demand, and the
// earlier ones from the briefing log.
import { chipList, fillWithMarkers, openParagraph } from './citations.js';
import { $, directionOf, el } from './dom.js';
import { fill, t } from './strings.js';

const PLATFORMS = { slack: 'Slack', discord: 'Discord', web: 'web' };
let loadedFor = null;

/** Loads the briefing of `key` (default: the first configured), unless it is already shown. */
export async function loadBriefing(key) {
  if (loadedFor !== null && (key === undefined || key === loadedFor)) return;
  const box = $('briefing');
  box.textContent = '';
  box.append(el('p', 'loading', t.loading));
  try {
    const res = await fetch('/api/briefing' + (key ? '?channel=' + encodeURIComponent(key) : ''), {
      headers: { Accept: 'application/json' },
    });
    const body = await res.json();
    box.textContent = '';
    if (!res.ok) {
      box.append(el('p', 'msg msg--error', body && body.error ? body.error.message : t.network));
      return;
    }
    loadedFor = body.channel || '';
    if (!body.configured) {
      const empty = el('p', 'empty-state', t.noBriefing);
      empty.id = 'no-briefing';
      box.append(empty);
      return;
    }
    box.append(...channelPicker(body.channels || [], body.channel));
    box.append(el('h2', 'section-title', t.today));
    if (body.today) box.append(briefingCard(body.today, 'briefing--today'));
    else box.append(el('p', 'empty-state', t.nothingToday));
    box.append(el('h2', 'section-title', t.earlier));
    const earlier = (body.history || []).filter((b) => !body.today || b.date !== body.today.date || b.title !== body.today.title);
    if (earlier.length === 0) box.append(el('p', 'empty-state', t.noEarlier));
    for (const view of earlier) box.append(briefingCard(view, 'briefing--earlier'));
  } catch {
    box.textContent = '';
    box.append(el('p', 'msg msg--error', t.network));
  }
}

/**
 * The configured briefings as buttons (when there are several), and a line on the shown one:
 * its schedule, and whether this sanad posts it or only shows it here (and why).
 */
function channelPicker(channels, selected) {
  const current = channels.find((c) => c.key === selected);
  const nodes = [];
  if (channels.length > 1) {
    const group = el('div', 'briefing-channels');
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', t.briefingChannels);
    for (const channel of channels) {
      const button = el('button', 'ghost briefing-channel', channel.label + ' · ' + PLATFORMS[channel.platform]);
      button.type = 'button';
      button.dataset.key = channel.key;
      button.setAttribute('aria-pressed', String(channel.key === selected));
      button.addEventListener('click', () => loadBriefing(channel.key));
      group.append(button);
    }
    nodes.push(group);
  }
  if (current) {
    const info = el('p', 'briefing-info');
    info.id = 'briefing-info';
    const platform = PLATFORMS[current.platform];
    const status =
      current.notPosted === 'web_only' ? t.webOnly : current.notPosted ? fill(t.notConnected, { platform }) : fill(t.posted, { platform });
    info.textContent = [current.label, fill(t.schedule, { cron: current.cron, timezone: current.timezone }), status].join(' · ');
    info.dir = 'auto';
    nodes.push(info);
  }
  return nodes;
}

/** One briefing: its plain text, line by line (`# ` headings, `- ` items), and its citations. */
function briefingCard(view, extraClass) {
  const card = el('article', 'msg msg--bot briefing-card ' + extraClass);
  const head = el('div', 'msg-head');
  const title = el('h3', 'briefing-title', view.title);
  title.dir = 'auto';
  head.append(title);
  // The title names the day already ("Daily briefing · 2026-03-02"): the date is not said twice.
  if (!String(view.title).includes(view.date)) {
    const date = el('time', 'time', view.date);
    date.dateTime = view.date;
    head.append(date);
  }
  if (view.channel) head.append(el('span', 'badge badge--muted', view.channel));
  card.append(head);

  const byNumber = new Map();
  for (const c of view.citations || []) {
    const label = [c.title, c.page ? 'p. ' + c.page : null, '¶' + c.paragraph, c.section].filter(Boolean).join(' · ');
    byNumber.set(c.n, { ...c, label });
  }
  const open = (citation, opener) => openParagraph(citation, opener);
  const body = el('div', 'msg-body briefing-body');
  body.dir = directionOf(view.text || '');
  let list = null;
  for (const raw of String(view.text || '').split('\n')) {
    const line = raw.trim();
    if (!line) {
      list = null;
      continue;
    }
    let node;
    if (/^[-*•]\s+/.test(line)) {
      if (!list) {
        list = el('ul', 'briefing-list');
        body.append(list);
      }
      node = el('li');
      fillWithMarkers(node, line.replace(/^[-*•]\s+/, ''), byNumber, open);
      node.dir = directionOf(line);
      list.append(node);
      continue;
    }
    list = null;
    const heading = /^#{1,6}\s+/.test(line);
    node = el(heading ? 'h4' : 'p');
    fillWithMarkers(node, heading ? line.replace(/^#{1,6}\s+/, '') : line, byNumber, open);
    node.dir = directionOf(line);
    body.append(node);
  }
  card.append(body);

  if (byNumber.size > 0) {
    const footer = el('div', 'msg-footer');
    footer.append(chipList(byNumber, open));
    card.append(footer);
  }
  return card;
}
