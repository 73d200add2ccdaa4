import type { Lang, LlmFallbackReason, TokenUsage, Turn } from '../types.js';
import type { Deadline } from './deadline.js';

export type { Deadline, LlmFallbackReason, TokenUsage };

/** A retrieved paragraph as the model sees it: numbered [n] in the prompt. */
export interface Passage {
  n: number;
  document: string;
  title: string;
  paragraph: number;
  section: string | null;
  text: string;
}

export interface LlmAnswerInput {
  question: string;
  conversation: Turn[];
  passages: Passage[];
  /** The language to answer in. */
  language: Lang;
  /** The answer's overall deadline, owned by the caller: the implementation starts no timer of its own. */
  deadline: Deadline;
}

/**
 * What the LLM path yields: text deltas while the model writes, then one final event. A final
 * `ok: true` answer has been verified (citations in range, numbers found in cited paragraphs);
 * `ok: false` tells the core to fall back to the extractive answer, and why.
 */
export type LlmEvent =
  | { type: 'delta'; text: string }
  | {
      type: 'final';
      ok: true;
      text: string;
      /** 1-based passage numbers cited by the text, in first-use order. */
      cited: number[];
      /**
       * The model said plainly that the passages do not answer (`cited` is then empty and
       * `text` is its sentence, possibly empty): the core marks the answer abstained.
       */
      declined?: boolean;
      usage?: TokenUsage;
    }
  | {
      type: 'final';
      ok: false;
      reason: LlmFallbackReason;
      /** What went wrong, for logs ("numbers not in the cited passages: 2020"); never shown. */
      detail?: string;
      usage?: TokenUsage;
    };

/** The LLM port, as the core needs it. One real implementation (OpenAI-compatible) and fakes. */
export interface LlmAnswerer {
  answer(input: LlmAnswerInput): AsyncIterable<LlmEvent>;
  /**
   * Queries to retrieve with: the follow-up made standalone using the conversation, plus its
   * translations into the knowledge's languages. Never throws: on failure, returns [question].
   */
  rewriteQuery(question: string, conversation: Turn[], knowledgeLangs: Lang[], deadline: Deadline): Promise<string[]>;
}
