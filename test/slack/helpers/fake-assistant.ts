import type { Answer, AnswerEvent, AskOptions, Assistant, Citation } from '../../../src/core/types.js';
import { answer as makeAnswer, citation } from './answers.js';

export interface AskCall {
  question: string;
  options: AskOptions | undefined;
}

/**
 * A hand-written Assistant: answers from a table of question fragments, streams the answer in
 * `chunks` deltas, and records every call. Unknown questions are declined.
 */
export class FakeAssistant implements Assistant {
  readonly calls: AskCall[] = [];
  private readonly paragraphs = new Map<string, Citation>();

  constructor(
    private readonly table: Record<string, Partial<Answer>> = {},
    private readonly chunks = 3,
    /** Awaited between deltas, so tests can observe streaming. */
    private readonly pause: () => Promise<void> = async () => {},
  ) {
    for (const entry of Object.values(table)) for (const c of entry.citations ?? []) this.paragraphs.set(c.paragraphId, c);
    const base = citation();
    this.paragraphs.set(base.paragraphId, base);
  }

  async ask(question: string, options?: AskOptions): Promise<Answer> {
    this.calls.push({ question, options });
    return this.lookup(question);
  }

  async *askStream(question: string, options?: AskOptions): AsyncIterable<AnswerEvent> {
    this.calls.push({ question, options });
    const answer = this.lookup(question);
    const size = Math.ceil(answer.answer.length / this.chunks);
    for (let i = 0; i < answer.answer.length; i += size) {
      await this.pause();
      yield { type: 'delta', text: answer.answer.slice(i, i + size) };
    }
    yield { type: 'final', answer };
  }

  paragraph(id: string): Citation | null {
    return this.paragraphs.get(id) ?? null;
  }

  private lookup(question: string): Answer {
    for (const [fragment, partial] of Object.entries(this.table)) {
      if (question.includes(fragment)) return makeAnswer({ question, ...partial });
    }
    return makeAnswer({ question, abstained: true, answer: 'لم أجد في المعرفة المتاحة ما يجيب عن هذا السؤال.', citations: [] });
  }
}

export const AMBASSADOR_Q = 'من هو سفير فرنسا لدى الأمم المتحدة؟';

/** The default table: the ambassador question is answered citing ¶2. */
export function ambassadorAssistant(pause?: () => Promise<void>): FakeAssistant {
  return new FakeAssistant({ 'سفير فرنسا': {} }, 3, pause);
}
