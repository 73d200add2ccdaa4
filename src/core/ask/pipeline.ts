import { documentQuestion } from '../answer/about.js';
import { mergeAnswers, quoteAsAnswer, toCitation, toRetrieved } from '../answer/compose.js';
import { looksLikeInstruction, splitQuestions } from '../answer/question.js';
import { rerankByAnswer } from '../answer/rerank.js';
import { smallTalk, withoutGreeting, type SmallTalk } from '../answer/smalltalk.js';
import { noFinalAnswer } from '../errors.js';
import type { KnowledgeBase } from '../knowledge-base.js';
import { DEFAULT_LLM_CONFIG } from '../llm/config.js';
import { startDeadline } from '../llm/deadline.js';
import { DEFAULT_SEARCH_K } from '../index/knowledge-index.js';
import type { LlmAnswerer } from '../llm/port.js';
import { CROSS_LANGUAGE_ADMIN_HINT, languageNames, message } from '../messages.js';
import type { Logger } from '../ports.js';
import { retrieve } from '../retrieve/retriever.js';
import { cleanInvisible, withoutBullets, type Lang } from '../text/index.js';
import type { Answer, AnswerEvent, AskOptions } from '../types.js';
import { DocumentAnswers } from './documents.js';
import { answerWithModel, fallbackNote } from './model.js';
import { findEvidence, type Evidence } from './evidence.js';
import { readMessage } from './message.js';

export const MAX_QUESTION_CHARS = 4000;

/** The answer pipeline's tunables, merged once with what the caller gives. */
export interface PipelineOptions {
  /** Retrieved candidates per question. */
  k: number;
  /**
   * Overall deadline for one answer that waits on a model, from the start of the answer. The
   * pipeline owns it: query rewriting, the model's answer and a summary all run under the one
   * deadline it starts, and the OpenAI implementation derives its request timeouts from it.
   */
  deadlineMs: number;
  /** Passages handed to the LLM. */
  passages: number;
}

export const DefaultPipelineOptions = {
  // The index's own default, so a search and an answer look at the same number of candidates.
  k: DEFAULT_SEARCH_K,
  // SANAD_LLM_DEADLINE_MS's default (a chat user waits about this long; Slack's own limit for the
  // whole answer is 90 s): one number, owned by the LLM config.
  deadlineMs: DEFAULT_LLM_CONFIG.deadlineMs,
  passages: 5,
} as const satisfies PipelineOptions;

/** What one question is, once read: the language, whom to answer in, the conversation. */
interface Asked {
  /** What the person wrote, reported back as is. */
  original: string;
  /** What gets answered: the message without a greeting in front of it. */
  question: string;
  /** The question's own language ('und' for digits or emoji only). */
  asked: Lang;
  /** The reply language. */
  lang: Lang;
  options: AskOptions;
  started: number;
}

/**
 * One question, one path: validate → small talk → instruction → document question → retrieve →
 * extractive answer (→ the model, with the extractive answer as its fallback). Each step is a
 * method that either answers or hands on.
 */
export class AnswerPipeline {
  private readonly documentAnswers: DocumentAnswers;

  constructor(
    private readonly knowledge: KnowledgeBase,
    private readonly llm: LlmAnswerer | null,
    private readonly options: PipelineOptions,
    private readonly logger: Logger,
  ) {
    this.documentAnswers = new DocumentAnswers(knowledge, llm, logger);
  }

  /**
   * Answers a message. Two or three questions in one message are answered one by one (each
   * later one with the earlier ones as its conversation, so "ومن أعضاؤها؟" knows whose) and
   * given as one answer with the citations numbered through.
   */
  async *askStream(rawQuestion: string, options: AskOptions = {}): AsyncGenerator<AnswerEvent> {
    const original = cleanInvisible(rawQuestion ?? '');
    const parts = splitQuestions(withoutGreeting(original));
    if (parts.length < 2) return yield* this.answerOne(rawQuestion, options);
    const started = performance.now();
    const conversation = [...(options.conversation ?? [])];
    const answers: Answer[] = [];
    for (const part of parts) {
      const answer = await finalOf(this.answerOne(part, { ...options, conversation }));
      answers.push(answer);
      conversation.push({ role: 'user', text: part }, { role: 'assistant', text: answer.answer });
    }
    yield { type: 'final', answer: mergeAnswers(original, parts, answers, ms(started)) };
  }

  private async *answerOne(rawQuestion: string, options: AskOptions): AsyncGenerator<AnswerEvent> {
    const asked = this.read(rawQuestion, options);
    const early =
      asked.question.length === 0 || asked.question.length > MAX_QUESTION_CHARS ? this.invalid(asked) : await this.withoutRetrieval(asked);
    if (early) return yield { type: 'final', answer: early };
    return yield* this.fromKnowledge(asked);
  }

  private read(rawQuestion: string, options: AskOptions): Asked {
    const { original, question, asked, lang } = readMessage(rawQuestion, options.language);
    return { original, question, asked, lang, options, started: performance.now() };
  }

  /** An empty or over-long message is declined with a sentence saying why. */
  private invalid(a: Asked): Answer {
    const text =
      a.question.length === 0
        ? message('empty', a.lang)
        : message('tooLong', a.lang, { length: a.question.length, max: MAX_QUESTION_CHARS });
    return this.declined(a, text);
  }

  /** Small talk, instructions aimed at the bot and questions about whole documents. */
  private async withoutRetrieval(a: Asked): Promise<Answer | null> {
    const talk = smallTalk(a.question);
    if (talk)
      return {
        ...this.declined(a, this.smallTalkReply(talk, a.lang, a.options.collections), { retrieved: await this.candidates(a) }),
        intent: talk === 'help' ? 'help' : 'smalltalk',
      };
    if (looksLikeInstruction(a.question)) return this.declined(a, message('steer', a.lang), { retrieved: await this.candidates(a) });
    const kind = documentQuestion(a.question, a.options.conversation ?? []);
    if (!kind) return null;
    const answer = await this.documentAnswers.answer({
      kind,
      question: a.question,
      lang: a.lang,
      asked: a.asked === 'und' ? a.lang : a.asked,
      collections: a.options.collections,
      conversation: a.options.conversation ?? [],
      deadline: startDeadline(this.options.deadlineMs, a.options.signal),
    });
    if (!answer) return null;
    // A summary's own paragraphs come first among the candidates.
    const cited = new Set(answer.citations.map((c) => c.paragraphId));
    const own = answer.citations.map((c) =>
      toRetrieved({ paragraph: this.knowledge.index.paragraph(c.paragraphId)!, score: 1, bm25: 0, cosine: 0 }),
    );
    const retrieved = [...own, ...(await this.candidates(a)).filter((r) => !cited.has(r.paragraphId))];
    return {
      ...answer,
      retrieved: retrieved.slice(0, Math.max(this.options.k, answer.citations.length)),
      question: a.original,
      language: a.lang,
      timings: { retrieveMs: 0, answerMs: 0, totalMs: ms(a.started) },
    };
  }

  /** Retrieval, then the extractive answer or the model's, verified, with the extractive fallback. */
  private async *fromKnowledge(a: Asked): AsyncGenerator<AnswerEvent> {
    const { question, options } = a;
    const conversation = options.conversation ?? [];
    const index = this.knowledge.index;
    const knowledgeLangs = index.languages(options.collections);
    const crossLanguage = a.asked !== 'und' && knowledgeLangs.length > 0 && !knowledgeLangs.includes(a.asked);
    const deadline = startDeadline(this.options.deadlineMs, options.signal);
    const llm = this.llm;
    const evidence = await findEvidence(index, {
      question,
      lang: a.asked === 'und' ? 'ar' : a.asked,
      conversation,
      collections: options.collections,
      k: this.options.k,
      // With a model, a follow-up is made standalone and a question in another language translated.
      rewrite: llm
        ? async (_reading, followUp) => {
            if (!followUp && !crossLanguage) return null;
            const queries = await llm.rewriteQuery(question, conversation, knowledgeLangs, deadline);
            const translated = crossLanguage && queries.length > 1;
            return {
              queries: translated ? queries.filter((q) => q !== question) : queries,
              lang: translated ? knowledgeLangs[0]! : a.asked === 'und' ? 'ar' : a.asked,
              replace: translated,
            };
          }
        : undefined,
    });
    const { retrieval, reading } = evidence;
    const retrieveMs = ms(a.started);
    const retrieved = retrieval.hits.map(toRetrieved);
    const answerStarted = performance.now();
    const timings = () => ({ retrieveMs, answerMs: ms(answerStarted), totalMs: ms(a.started) });

    if (crossLanguage && !llm && !this.knowledge.embedder.crossLingual) {
      // The person asking is told what they can do; whoever runs sanad, what to set.
      this.logger.warn(CROSS_LANGUAGE_ADMIN_HINT, { asked: a.asked, documents: knowledgeLangs });
      return yield {
        type: 'final',
        answer: {
          ...this.declined(a, message('crossLanguage', a.lang, { langs: languageNames(knowledgeLangs, a.lang) })),
          retrieved,
          timings: timings(),
        },
      };
    }
    const extractive = (): Answer => ({ ...this.extractiveAnswer(a, evidence), retrieved, timings: timings() });
    if (!llm) return yield { type: 'final', answer: extractive() };

    const model = yield* answerWithModel(
      llm,
      { question, conversation, lang: a.lang, type: reading.type, retrieval, passages: this.options.passages, deadline },
      this.logger,
    );
    if (!model.ok) {
      const fallback = extractive();
      return yield {
        type: 'final',
        answer: {
          ...fallback,
          fallbackReason: model.reason,
          notice: fallback.notice ?? fallbackNote(model.reason, a.lang),
          usage: model.usage,
        },
      };
    }
    return yield {
      type: 'final',
      answer: { question: a.original, language: a.lang, mode: 'llm', retrieved, timings: timings(), ...model.answer },
    };
  }

  /** The extractive answer, or a decline with the closest paragraph when the knowledge is silent. */
  private extractiveAnswer(a: Asked, evidence: Evidence): Omit<Answer, 'retrieved' | 'timings'> {
    const { extract } = evidence;
    const base = { question: a.original, language: a.lang, mode: 'extractive' as const };
    if (!extract || evidence.silent) {
      const closest = extract ? [toCitation(1, extract.paragraph, extract.quote, extract.hit.score)] : [];
      return { ...base, answer: message('decline', a.lang), abstained: true, citations: closest };
    }
    return {
      ...base,
      answer: quoteAsAnswer(extract.isList ? withoutBullets(extract.quote) : extract.quote, extract.isList),
      abstained: false,
      citations: [toCitation(1, extract.paragraph, extract.quote, extract.hit.score)],
    };
  }

  /** The ranked candidates for a message answered without retrieval (the CLI contract reports them). */
  private async candidates(a: Asked): Promise<Answer['retrieved']> {
    const lang = a.asked === 'und' ? 'ar' : a.asked;
    const plain = await retrieve(this.knowledge.index, {
      queries: [a.question],
      lang,
      collections: a.options.collections,
      k: this.options.k,
    });
    return rerankByAnswer(plain.hits, plain.profile, 'other').map(toRetrieved);
  }

  private smallTalkReply(talk: SmallTalk, lang: Lang, collections?: string[]): string {
    if (talk === 'thanks') return message('welcome', lang);
    const docs = this.knowledge.documents(collections);
    const shown = docs.slice(0, 3).map((d) => `«${d.title}»`);
    const topics = (lang === 'ar' ? shown.join('، ') : shown.join(', ')) + (docs.length > 3 ? ' …' : '');
    return message(talk === 'greeting' ? 'greeting' : 'help', lang, { topics, count: docs.length });
  }

  private declined(a: Asked, text: string, extra: Partial<Answer> = {}): Answer {
    return {
      question: a.original,
      answer: text,
      abstained: true,
      language: a.lang,
      mode: 'extractive',
      citations: [],
      retrieved: [],
      timings: { retrieveMs: 0, answerMs: 0, totalMs: ms(a.started) },
      ...extra,
    };
  }
}

/** The final answer of an answer stream. */
export async function finalOf(stream: AsyncIterable<AnswerEvent>): Promise<Answer> {
  for await (const event of stream) if (event.type === 'final') return event.answer;
  throw noFinalAnswer();
}

function ms(since: number): number {
  return Math.round((performance.now() - since) * 100) / 100;
}
