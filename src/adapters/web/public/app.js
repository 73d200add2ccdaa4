// sanad web chat. Plain browser JavaScript, no build step.
// Every piece of text from the server or the user goes into the page with textContent or
// createTextNode, never as HTML: a knowledge paragraph that contains markup shows as text.
'use strict';

const UI = {
  ar: {
    send: 'إرسال',
    placeholder: 'اسأل عن المعرفة المتاحة…',
    questionLabel: 'سؤالك',
    hint: 'Enter للإرسال، Shift+Enter لسطر جديد',
    newConversation: 'محادثة جديدة',
    newConversationDone: 'بدأت محادثة جديدة.',
    generalTopic: 'اسأل، وتأتيك الإجابة مع الفقرة التي تستند إليها.',
    briefingTopic: 'موجز اليوم والموجزات السابقة',
    welcome: 'مرحبًا! أنا سند. اسألني عن المستندات في مجلد المعرفة، وسأذكر الفقرة التي تستند إليها كل إجابة.',
    you: 'أنت',
    bot: 'سند',
    declined: 'لا إجابة',
    thinking: 'أبحث في المعرفة…',
    up: 'إجابة مفيدة',
    down: 'إجابة غير مفيدة',
    thanks: 'شكرًا على تقييمك.',
    feedbackFailed: 'تعذّر حفظ التقييم.',
    noBriefing: 'لا يوجد موجز مُعدّ لهذه النسخة. يُضبط الموجز اليومي في ملف الإعدادات (briefing).',
    today: 'موجز اليوم',
    earlier: 'موجزات سابقة',
    nothingToday: 'لا جديد لموجز اليوم.',
    noEarlier: 'لا موجزات سابقة بعد.',
    loading: 'جارٍ التحميل…',
    network: 'تعذّر الاتصال بالخادم. تحقّق من أنه يعمل ثم أعد المحاولة.',
    close: 'إغلاق',
    paragraphMissing: 'هذه الفقرة لم تعد موجودة؛ ربما تغيّرت المعرفة.',
    quoteLabel: 'المقطع المقتبس',
    openCitation: 'افتح المصدر',
    channels: 'القنوات',
  },
  en: {
    send: 'Send',
    placeholder: 'Ask about the knowledge…',
    questionLabel: 'Your question',
    hint: 'Enter to send, Shift+Enter for a new line',
    newConversation: 'New conversation',
    newConversationDone: 'Started a new conversation.',
    generalTopic: 'Ask, and the answer comes with the paragraph it rests on.',
    briefingTopic: "Today's briefing and earlier ones",
    welcome: "Hi! I'm sanad. Ask me about the documents in the knowledge folder, and I'll cite the paragraph behind every answer.",
    you: 'You',
    bot: 'sanad',
    declined: 'No answer',
    thinking: 'Looking it up…',
    up: 'Helpful answer',
    down: 'Unhelpful answer',
    thanks: 'Thanks for the feedback.',
    feedbackFailed: 'The feedback could not be saved.',
    noBriefing: 'No briefing configured. The daily briefing is set up in the config file (briefing).',
    today: "Today's briefing",
    earlier: 'Earlier briefings',
    nothingToday: 'Nothing new for today.',
    noEarlier: 'No earlier briefings yet.',
    loading: 'Loading…',
    network: 'Could not reach the server. Check that it is running and try again.',
    close: 'Close',
    paragraphMissing: 'This paragraph no longer exists; the knowledge may have changed.',
    quoteLabel: 'Quoted passage',
    openCitation: 'Open source',
    channels: 'Channels',
  },
};

const lang = (navigator.language || 'ar').toLowerCase().startsWith('ar') ? 'ar' : 'en';
const t = UI[lang];

/** The conversation of #general, sent with each question so follow-ups make sense. */
let history = [];
let busy = false;
let briefingLoaded = false;

const $ = (id) => document.getElementById(id);

/** Creates an element with a class and optional text (always as text). */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function timeNow() {
  const time = el('time', 'time', new Date().toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' }));
  time.dateTime = new Date().toISOString();
  return time;
}

// ---------------------------------------------------------------- page chrome

function setupChrome() {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'ar' ? 'rtl' : 'ltr';
  $('sidebar').setAttribute('aria-label', t.channels);
  $('send').textContent = t.send;
  $('question').placeholder = t.placeholder;
  $('question-label').textContent = t.questionLabel;
  $('composer-hint').textContent = t.hint;
  $('new-conversation').textContent = t.newConversation;
  $('paragraph-close').setAttribute('aria-label', t.close);
  $('paragraph-close').title = t.close;

  const welcome = botShell('msg--welcome');
  welcome.body.textContent = t.welcome;
  $('messages').append(welcome.item);
}

function showChannel(name) {
  const channel = name === 'briefing' ? 'briefing' : 'general';
  for (const link of document.querySelectorAll('.channel')) {
    if (link.dataset.channel === channel) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  $('view-general').hidden = channel !== 'general';
  $('view-briefing').hidden = channel !== 'briefing';
  $('new-conversation').hidden = channel !== 'general';
  $('channel-title').textContent = '# ' + channel;
  $('channel-topic').textContent = channel === 'general' ? t.generalTopic : t.briefingTopic;
  document.title = '#' + channel + ' · sanad';
  if (channel === 'briefing' && !briefingLoaded) loadBriefing();
}

function currentChannel() {
  return location.hash === '#briefing' ? 'briefing' : 'general';
}

// ---------------------------------------------------------------- messages

function userMessage(text) {
  const item = el('li', 'msg msg--user');
  const head = el('div', 'msg-head');
  head.append(el('span', 'author', t.you), timeNow());
  const body = el('div', 'msg-body', text);
  body.dir = 'auto';
  item.append(head, body);
  $('messages').append(item);
  scrollToEnd();
}

/** An empty bot message: its head, a body to fill and a footer for sources and actions. */
function botShell(extraClass) {
  const item = el('li', 'msg msg--bot ' + (extraClass || ''));
  const head = el('div', 'msg-head');
  const badge = el('span', 'badge');
  badge.hidden = true;
  head.append(el('span', 'author', t.bot), badge, timeNow());
  const body = el('div', 'msg-body');
  body.dir = 'auto';
  const footer = el('div', 'msg-footer');
  item.append(head, body, footer);
  return { item, head, badge, body, footer };
}

function scrollToEnd() {
  const list = $('messages');
  list.scrollTop = list.scrollHeight;
}

/**
 * Answer text with its [n] markers turned into small buttons that open citation n. Text between
 * markers goes in as text nodes.
 */
function fillWithMarkers(target, text, byNumber, onOpen) {
  target.textContent = '';
  const pattern = /\[(\d+)\]/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    const citation = byNumber.get(Number(match[1]));
    if (!citation) continue;
    target.append(document.createTextNode(text.slice(last, match.index)));
    const marker = el('button', 'marker', match[1]);
    marker.type = 'button';
    marker.setAttribute('aria-label', t.openCitation + ' ' + match[1] + ': ' + citation.label);
    marker.addEventListener('click', () => onOpen(citation, marker));
    target.append(marker);
    last = match.index + match[0].length;
  }
  target.append(document.createTextNode(text.slice(last)));
}

/**
 * A numbered source chip. The title may be cut short with an ellipsis on a phone; "¶N · section"
 * never is, so the chip always says which paragraph it opens. The full label is the button's name.
 */
function citationChip(citation, onClick) {
  const chip = el('button', 'chip');
  chip.type = 'button';
  chip.dataset.n = String(citation.n);
  chip.setAttribute('aria-label', citation.n + ': ' + citation.label);
  chip.title = citation.label;
  const num = el('span', 'chip-n', citation.n);
  if (citation.title && citation.paragraph) {
    const title = el('span', 'chip-label', citation.title);
    title.dir = 'auto';
    const where = el('span', 'chip-where', ['¶' + citation.paragraph, citation.section].filter(Boolean).join(' · '));
    where.dir = 'auto';
    chip.append(num, title, where);
  } else {
    const text = el('span', 'chip-label', citation.label);
    text.dir = 'auto';
    chip.append(num, text);
  }
  chip.addEventListener('click', () => onClick(chip));
  return chip;
}

/** Renders the final answer (JSON from the API: the Answer plus its `reply` model). */
function renderAnswer(shell, answer, question) {
  const reply = answer.reply;
  const declined = reply.kind === 'decline';
  shell.item.classList.remove('msg--pending');
  shell.item.classList.add(declined ? 'msg--decline' : 'msg--answer');
  shell.item.setAttribute('aria-busy', 'false');
  shell.body.lang = reply.language === 'und' ? 'ar' : reply.language;
  if (declined) {
    shell.badge.hidden = false;
    shell.badge.textContent = t.declined;
  }

  // The reply model has the label; the Answer has the whole paragraph for the dialog.
  const byNumber = new Map();
  for (const c of reply.citations) {
    const full = answer.citations.find((a) => a.n === c.n) || {};
    byNumber.set(c.n, { ...full, ...c });
  }
  const open = (citation, opener) => openParagraph(citation, opener);
  fillWithMarkers(shell.body, reply.text, byNumber, open);

  shell.footer.textContent = '';
  if (reply.notice) {
    const notice = el('p', 'notice', reply.notice);
    notice.dir = 'auto';
    shell.footer.append(notice);
  }
  if (reply.citations.length > 0) {
    const sources = el('div', 'sources');
    const label = el('div', 'sources-label', reply.sourcesLabel);
    label.dir = 'auto';
    const list = el('ul', 'chips');
    for (const c of byNumber.values()) {
      const li = el('li');
      li.append(citationChip(c, (chip) => open(c, chip)));
      list.append(li);
    }
    sources.append(label, list);
    shell.footer.append(sources);
  }
  shell.footer.append(feedbackBar(answer, question));
  scrollToEnd();
}

function renderError(shell, message) {
  shell.item.classList.remove('msg--pending');
  shell.item.classList.add('msg--error');
  shell.item.setAttribute('aria-busy', 'false');
  shell.body.textContent = message;
  scrollToEnd();
}

function feedbackBar(answer, question) {
  const bar = el('div', 'msg-actions');
  const status = el('span', 'feedback-status');
  status.setAttribute('role', 'status');
  const buttons = [];
  for (const [vote, emoji, label] of [['up', '👍', t.up], ['down', '👎', t.down]]) {
    const button = el('button', 'vote vote--' + vote, emoji);
    button.type = 'button';
    button.setAttribute('aria-label', label);
    button.title = label;
    button.setAttribute('aria-pressed', 'false');
    button.addEventListener('click', async () => {
      for (const b of buttons) b.disabled = true;
      try {
        const res = await postJson('/api/feedback', {
          question,
          answer: answer.answer,
          vote,
          citations: answer.citations.map((c) => ({ document: c.document, paragraph: c.paragraph, paragraphId: c.paragraphId })),
        });
        const body = await res.json().catch(() => null);
        if (!res.ok) throw new Error(body && body.error ? body.error.message : t.feedbackFailed);
        button.setAttribute('aria-pressed', 'true');
        status.textContent = (body && body.message) || t.thanks;
      } catch (error) {
        for (const b of buttons) b.disabled = false;
        status.textContent = error instanceof Error && error.message ? error.message : t.feedbackFailed;
      }
    });
    buttons.push(button);
  }
  const mode = el('span', 'mode', answer.mode);
  mode.dir = 'ltr';
  bar.append(...buttons, status, mode);
  return bar;
}

// ---------------------------------------------------------------- asking

function postJson(path, body) {
  return fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Sends the question and streams the answer (NDJSON events) into a new bot message. */
async function ask(question) {
  busy = true;
  $('send').disabled = true;
  userMessage(question);
  const shell = botShell('msg--pending');
  shell.item.setAttribute('aria-busy', 'true');
  shell.body.textContent = t.thinking;
  $('messages').append(shell.item);
  scrollToEnd();

  let streamed = '';
  try {
    const res = await postJson('/api/ask/stream', { question, history });
    if (!res.ok || !res.body) {
      const body = await res.json().catch(() => null);
      renderError(shell, body && body.error ? body.error.message : t.network);
      return;
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let finished = false;
    const handle = (event) => {
      if (event.type === 'delta') {
        streamed += event.text;
        shell.body.textContent = streamed;
        scrollToEnd();
      } else if (event.type === 'final') {
        finished = true;
        renderAnswer(shell, event.answer, question);
        history.push({ role: 'user', text: question }, { role: 'assistant', text: event.answer.answer });
      } else if (event.type === 'error') {
        finished = true;
        renderError(shell, event.error.message);
      }
    };
    for (;;) {
      const { value, done } = await reader.read();
      if (value) buffer += decoder.decode(value, { stream: true });
      let newline;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (line) handle(JSON.parse(line));
      }
      if (done) break;
    }
    if (!finished) renderError(shell, t.network);
  } catch {
    renderError(shell, t.network);
  } finally {
    busy = false;
    $('send').disabled = false;
  }
}

function setupComposer() {
  const form = $('composer');
  const input = $('question');
  const submit = () => {
    const question = input.value.trim();
    if (!question || busy) return;
    input.value = '';
    autoGrow(input);
    ask(question);
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  input.addEventListener('keydown', (event) => {
    // Enter sends; Shift+Enter is a new line; Enter that ends an IME composition is not a send.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  input.addEventListener('input', () => autoGrow(input));
  $('new-conversation').addEventListener('click', () => {
    history = [];
    const divider = el('li', 'divider', t.newConversationDone);
    $('messages').append(divider);
    scrollToEnd();
    input.focus();
  });
}

function autoGrow(input) {
  input.style.height = 'auto';
  input.style.height = Math.min(input.scrollHeight, 200) + 'px';
}

// ---------------------------------------------------------------- the paragraph dialog

/**
 * Shows the whole paragraph behind a citation with the quoted sentence highlighted. Briefing
 * citations carry only an id and a quote, so their paragraph is fetched.
 */
async function openParagraph(citation, opener) {
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
  $('paragraph-meta').textContent = [source.paragraph ? '¶' + source.paragraph : '', source.section, source.document]
    .filter(Boolean)
    .join(' · ');
  const box = $('paragraph-text');
  box.textContent = '';
  if (paragraph && paragraph.text) {
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

function setupDialog() {
  const dialog = $('paragraph-dialog');
  // Esc closes a modal dialog natively; a click on the backdrop closes it too.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  dialog.addEventListener('close', () => {
    if (dialog.returnFocusTo && document.contains(dialog.returnFocusTo)) dialog.returnFocusTo.focus();
  });
}

// ---------------------------------------------------------------- #briefing

async function loadBriefing() {
  const box = $('briefing');
  box.textContent = '';
  box.append(el('p', 'loading', t.loading));
  try {
    const res = await fetch('/api/briefing', { headers: { Accept: 'application/json' } });
    const body = await res.json();
    box.textContent = '';
    if (!res.ok) {
      box.append(el('p', 'msg msg--error', body && body.error ? body.error.message : t.network));
      return;
    }
    briefingLoaded = true;
    if (!body.configured) {
      const empty = el('p', 'empty-state', t.noBriefing);
      empty.id = 'no-briefing';
      box.append(empty);
      return;
    }
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

/** One briefing: its plain text, line by line (`# ` headings, `- ` items), and its citations. */
function briefingCard(view, extraClass) {
  const card = el('article', 'msg msg--bot briefing-card ' + extraClass);
  const head = el('div', 'msg-head');
  const title = el('h3', 'briefing-title', view.title);
  title.dir = 'auto';
  const date = el('time', 'time', view.date);
  date.dateTime = view.date;
  head.append(title, date);
  if (view.channel) head.append(el('span', 'badge badge--muted', view.channel));
  card.append(head);

  const byNumber = new Map();
  for (const c of view.citations || []) {
    const label = [c.title, '¶' + c.paragraph, c.section].filter(Boolean).join(' · ');
    byNumber.set(c.n, { ...c, label });
  }
  const open = (citation, opener) => openParagraph(citation, opener);
  const body = el('div', 'msg-body briefing-body');
  body.dir = 'auto';
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
      node.dir = 'auto';
      list.append(node);
      continue;
    }
    list = null;
    const heading = /^#{1,6}\s+/.test(line);
    node = el(heading ? 'h4' : 'p');
    fillWithMarkers(node, heading ? line.replace(/^#{1,6}\s+/, '') : line, byNumber, open);
    node.dir = 'auto';
    body.append(node);
  }
  card.append(body);

  if (byNumber.size > 0) {
    const footer = el('div', 'msg-footer');
    const chips = el('ul', 'chips');
    for (const c of byNumber.values()) {
      const li = el('li');
      li.append(citationChip(c, (chip) => open(c, chip)));
      chips.append(li);
    }
    footer.append(chips);
    card.append(footer);
  }
  return card;
}

// ---------------------------------------------------------------- start

setupChrome();
setupComposer();
setupDialog();
window.addEventListener('hashchange', () => showChannel(currentChannel()));
showChannel(currentChannel());
