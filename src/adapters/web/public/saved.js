// The #general conversation, kept in this browser (localStorage) so a reload does not lose it,
// until "New conversation" clears it. Nothing is sent anywhere: it is the page's own copy.

const KEY = 'sanad.conversation.v1';
/** Messages kept: older ones add little after a reload, and storage is small (about 5 MB). */
const MAX_MESSAGES = 60;
/** Turns sent with a question: the server reads the last 20 (MAX_HISTORY_TURNS). */
const MAX_HISTORY = 20;

/** What a saved message holds: the user's text, or the final answer as the API returned it. */
function slim(answer) {
  // Retrieval candidates are for tools, not for the page: the biggest part of an answer, unused.
  const { retrieved: _unused, ...kept } = answer;
  return kept;
}

/** The saved conversation: `{ messages: [{ role: 'user', text } | { role: 'bot', answer, question }], history }`. */
export function loadConversation() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || 'null');
    if (saved && Array.isArray(saved.messages) && Array.isArray(saved.history)) return saved;
  } catch {
    // Unreadable (or storage refused): start afresh rather than fail the page.
  }
  return { messages: [], history: [] };
}

/** Adds a message and stores the conversation; a full or refused storage only loses the copy. */
export function saveMessage(conversation, message) {
  conversation.messages.push(message.role === 'bot' ? { ...message, answer: slim(message.answer) } : message);
  conversation.messages.splice(0, Math.max(0, conversation.messages.length - MAX_MESSAGES));
  conversation.history.splice(0, Math.max(0, conversation.history.length - MAX_HISTORY));
  for (;;) {
    try {
      localStorage.setItem(KEY, JSON.stringify(conversation));
      return;
    } catch {
      // Over the quota: drop the oldest half and try again, down to nothing.
      if (conversation.messages.length === 0) return;
      conversation.messages.splice(0, Math.ceil(conversation.messages.length / 2));
    }
  }
}

export function clearConversation() {
  try {
    localStorage.removeItem(KEY);
  } catch {
    // Storage refused: there is nothing saved to clear.
  }
}
