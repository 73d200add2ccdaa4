import type { Lang, Turn } from '../core/types.js';
import type { Passage } from '../core/llm/port.js';

/** How the prompts name a language. */
export function languageName(lang: Lang): string {
  switch (lang) {
    case 'ar':
      return 'Arabic';
    case 'en':
      return 'English';
    case 'fr':
      return 'French';
    default:
      return 'the language of the question';
  }
}

const GAP = '[\\s\\u200B-\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uFEFF\\u00AD]*';
const TAG = new RegExp(`[<\\uFF1C\\uFE64\\u2329\\u3008]${GAP}([/\\uFF0F]?)${GAP}(passages|passage|thread|question)\\b`, 'giu');

/**
 * Untrusted text (a passage, the question, a chat turn) may carry our own delimiters to break
 * out of its block; they are defused so the block ends where the prompt says it does.
 */
export function defuse(text: string): string {
  // Any '<' a model could read as one (fullwidth, small form), with spaces or invisible marks
  // around the slash, before one of our tag names: '< /passages>', '＜/passages＞', '<\u200b/passages>'.
  return text.replace(TAG, (_match, slash: string, name: string) => `‹${slash ? '/' : ''}${name}`);
}

/** Passages as the model sees them: "[n] title · ¶N · section" then the paragraph text. */
export function formatPassages(passages: Passage[]): string {
  return passages
    .map((p) => {
      const label = [p.title, `¶${p.paragraph}`, p.section]
        .filter((x): x is string => Boolean(x))
        .map(defuse)
        .join(' · ');
      return `[${p.n}] ${label}\n${defuse(p.text.trim())}`;
    })
    .join('\n\n');
}

const MAX_TURNS = 6;
const MAX_TURN_CHARS = 800;

/**
 * The thread so far, most recent turns only. Earlier answers lose their [n] markers: those
 * pointed at other passages and would be read as citations of these.
 */
export function formatThread(conversation: Turn[]): string {
  const turns = conversation.slice(-MAX_TURNS);
  if (turns.length === 0) return '(no earlier messages)';
  return turns
    .map((t) => {
      const text = t.role === 'assistant' ? t.text.replace(/\s*\[[0-9\u0660-\u0669,،\s-]+\]/g, '') : t.text;
      const clipped = text.length > MAX_TURN_CHARS ? `${text.slice(0, MAX_TURN_CHARS)}…` : text;
      return `${t.role === 'user' ? 'User' : 'Assistant'}: ${defuse(clipped.trim())}`;
    })
    .join('\n');
}

/** A one-line model reply cleaned of labels and quotes ("Translation: «…»"). */
export function cleanOneLine(text: string, max = 500): string {
  const line =
    text
      .replace(/<\/?question>/gi, '')
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? '';
  return line
    .replace(/^(standalone question|question|translation|traduction|السؤال|الترجمة)\s*[:：]\s*/i, '')
    .replace(/^["'“”«»„]+|["'“”«»„]+$/g, '')
    .trim()
    .slice(0, max);
}
