// sanad web chat. Plain browser JavaScript modules, no build step.
// Every piece of text from the server or the user goes into the page with textContent or
// createTextNode, never as HTML: a knowledge paragraph that contains markup shows as text.
import { loadBriefing } from './briefing.js';
import { chipList, fillWithMarkers, openParagraph, setupDialog } from './citations.js';
import { $, directionOf, el, setText, timeNow } from './dom.js';
import { setupComposer, updateSend } from './composer.js';
import { clearConversation, loadConversation, saveMessage } from './saved.js';
import { lang, t } from './strings.js';

/** The conversation of #general (sent with each question so follow-ups make sense), as saved. */
let conversation = loadConversation();
let busy = false;

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
  setText(welcome.body, t.welcome);
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
  if (channel === 'briefing') loadBriefing();
}

function currentChannel() {
  return location.hash === '#briefing' ? 'briefing' : 'general';
}

// ---------------------------------------------------------------- messages

function userMessage(text, at) {
  const item = el('li', 'msg msg--user');
  const head = el('div', 'msg-head');
  head.append(el('span', 'author', t.you), timeNow(at));
  const body = el('div', 'msg-body');
  setText(body, text);
  item.append(head, body);
  $('messages').append(item);
  scrollToEnd();
}

/** An empty bot message: its head, a body to fill and a footer for sources and actions. */
function botShell(extraClass, at) {
  const item = el('li', 'msg msg--bot ' + (extraClass || ''));
  const head = el('div', 'msg-head');
  const badge = el('span', 'badge');
  badge.hidden = true;
  head.append(el('span', 'author', t.bot), badge, timeNow(at));
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
  shell.body.dir = directionOf(reply.text);

  shell.footer.textContent = '';
  if (reply.notice) {
    const notice = el('p', 'notice');
    setText(notice, reply.notice);
    shell.footer.append(notice);
  }
  if (reply.citations.length > 0) {
    const sources = el('div', 'sources');
    const label = el('div', 'sources-label');
    setText(label, reply.sourcesLabel);
    sources.append(label, chipList(byNumber, open));
    shell.footer.append(sources);
  }
  shell.footer.append(feedbackBar(answer, question));
  scrollToEnd();
}

function renderError(shell, message) {
  shell.item.classList.remove('msg--pending');
  shell.item.classList.add('msg--error');
  shell.item.setAttribute('aria-busy', 'false');
  setText(shell.body, message);
  scrollToEnd();
}

function feedbackBar(answer, question) {
  const bar = el('div', 'msg-actions');
  const status = el('span', 'feedback-status');
  status.setAttribute('role', 'status');
  const buttons = [];
  for (const [vote, emoji, label] of [
    ['up', '👍', t.up],
    ['down', '👎', t.down],
  ]) {
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

/** Shows the conversation saved before a reload, under a line that says where it comes from. */
function restoreConversation() {
  if (conversation.messages.length === 0) return;
  const note = el('li', 'divider', t.restored);
  note.id = 'restored';
  $('messages').append(note);
  for (const message of conversation.messages) {
    const at = message.at ? new Date(message.at) : undefined;
    if (message.role === 'user') {
      userMessage(message.text, at);
    } else {
      const shell = botShell('', at);
      $('messages').append(shell.item);
      renderAnswer(shell, message.answer, message.question);
    }
  }
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
  updateSend(busy);
  const askedAt = new Date();
  userMessage(question, askedAt);
  const shell = botShell('msg--pending');
  shell.item.setAttribute('aria-busy', 'true');
  shell.body.textContent = t.thinking;
  $('messages').append(shell.item);
  scrollToEnd();

  let streamed = '';
  try {
    const res = await postJson('/api/ask/stream', { question, history: conversation.history });
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
        setText(shell.body, streamed);
        scrollToEnd();
      } else if (event.type === 'final') {
        finished = true;
        renderAnswer(shell, event.answer, question);
        conversation.history.push({ role: 'user', text: question }, { role: 'assistant', text: event.answer.answer });
        saveMessage(conversation, { role: 'user', text: question, at: askedAt.toISOString() });
        saveMessage(conversation, { role: 'bot', answer: event.answer, question, at: askedAt.toISOString() });
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
    updateSend(busy);
  }
}

// ---------------------------------------------------------------- start

setupChrome();
restoreConversation();
setupComposer({
  isBusy: () => busy,
  send: ask,
  newConversation: () => {
    conversation = { messages: [], history: [] };
    clearConversation();
    $('messages').append(el('li', 'divider', t.newConversationDone));
    scrollToEnd();
  },
});
setupDialog();
window.addEventListener('hashchange', () => showChannel(currentChannel()));
showChannel(currentChannel());
