/** action_ids of the buttons the adapter renders; listeners match them by prefix. */
export const ACTION = {
  /** `sanad_paragraph:<n>`: unique per message, as Slack requires. */
  paragraph: 'sanad_paragraph',
  voteUp: 'sanad_vote_up',
  voteDown: 'sanad_vote_down',
  share: 'sanad_share',
} as const;

export const ASK_COMMAND = '/ask';

/** What the feedback and share buttons carry: enough to record a vote or re-ask after a restart. */
export interface AnswerRef {
  /** Key into the recent-answer cache. */
  a: string;
  /** The question (shortened to fit Slack's 2000-character value limit). */
  q: string;
  /** Cited paragraph ids. */
  p: string[];
}

export const BUTTON_VALUE_MAX = 2000;

export function encodeAnswerRef(ref: AnswerRef): string {
  let q = ref.q;
  let p = ref.p.slice(0, 20);
  let value = JSON.stringify({ a: ref.a, q, p });
  while (value.length > BUTTON_VALUE_MAX && p.length > 0) {
    p = p.slice(0, -1);
    value = JSON.stringify({ a: ref.a, q, p });
  }
  // JSON escaping can make the string longer than the question, so shrink until it fits.
  while (value.length > BUTTON_VALUE_MAX && q.length > 0) {
    q = q.slice(0, Math.max(0, q.length - (value.length - BUTTON_VALUE_MAX) - 1));
    value = JSON.stringify({ a: ref.a, q: q + '…', p });
  }
  return value;
}

export function decodeAnswerRef(value: string | undefined): AnswerRef | null {
  if (!value) return null;
  try {
    const parsed = JSON.parse(value) as Partial<AnswerRef>;
    if (typeof parsed.a !== 'string' || typeof parsed.q !== 'string' || !Array.isArray(parsed.p)) return null;
    return { a: parsed.a, q: parsed.q, p: parsed.p.filter((x): x is string => typeof x === 'string') };
  } catch {
    return null;
  }
}
