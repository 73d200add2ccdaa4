// The ask box: Enter sends, Shift+Enter is a new line, and a count near the limit. Nothing typed
// or pasted is ever cut: a question over the limit stays whole and is refused with a reason.
import { $ } from './dom.js';
import { fill, t } from './strings.js';

/** Shown from this share of the limit on: early enough to shorten before sending. */
const NEAR_LIMIT = 0.9;
/** The box grows with its text up to this height (px), then scrolls. */
const MAX_BOX_HEIGHT = 200;

const input = () => $('question');
/** The server's limit (MAX_QUESTION_CHARS), written on the box as data-max-chars. */
const maxChars = () => Number(input().dataset.maxChars) || 4000;
/** What will be sent: trimmed, as the server counts it. */
const question = () => input().value.trim();

let busy = () => false;

/** Send waits while an answer streams in, and while the question is too long. */
export function updateSend(isBusy = busy()) {
  $('send').disabled = isBusy || question().length > maxChars();
}

/** Shows the count near the limit, and over it says by how much. */
function updateCount() {
  const length = question().length;
  const max = maxChars();
  const count = $('char-count');
  const over = length > max;
  count.hidden = length < max * NEAR_LIMIT;
  count.classList.toggle('char-count--over', over);
  count.textContent = over ? fill(t.tooLong, { count: length, max, over: length - max }) : fill(t.count, { count: length, max });
  input().setAttribute('aria-invalid', String(over));
  updateSend();
}

function autoGrow(box) {
  box.style.height = 'auto';
  box.style.height = Math.min(box.scrollHeight, MAX_BOX_HEIGHT) + 'px';
}

/** `send(question)` asks; `newConversation()` starts over; `isBusy()` says an answer is streaming. */
export function setupComposer({ send, newConversation, isBusy }) {
  busy = isBusy;
  const box = input();
  const submit = () => {
    const text = question();
    if (!text || busy() || text.length > maxChars()) return;
    box.value = '';
    autoGrow(box);
    updateCount();
    send(text);
  };
  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  box.addEventListener('keydown', (event) => {
    // Enter sends; Shift+Enter is a new line; Enter that ends an IME composition is not a send.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  box.addEventListener('input', () => {
    autoGrow(box);
    updateCount();
  });
  $('new-conversation').addEventListener('click', () => {
    newConversation();
    box.focus();
  });
}
