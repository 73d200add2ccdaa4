import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { documentQuestion, documentsMeant, type DocumentQuestion } from './answer/about.js';
import { documentPoints, type KeyPoint } from './answer/summary.js';
import { answerType, isFollowUp, looksLikeInstruction, questionFocus, splitQuestions, type AnswerType } from './answer/question.js';
import { smallTalk, withoutGreeting, type SmallTalk } from './answer/smalltalk.js';
import { extractAnswer } from './answer/extractive.js';
import { evidenceFeatures, shouldAbstain } from './answer/abstain.js';
import { mergeAnswers, quoteAsAnswer, toCitation, toRetrieved } from './answer/compose.js';
import { SanadError } from './errors.js';
import { CachedEmbedder, localEmbedder, type Embedder } from './index/embedder.js';
import { KnowledgeIndex } from './index/knowledge-index.js';
import { listKnowledgeFiles, loadKnowledge, readKnowledgeFile, type SkippedFile } from './knowledge/load.js';
import type { KnowledgeDocument } from './knowledge/types.js';
import type { LlmAnswerer, LlmEvent, Passage } from './llm/port.js';
import { message } from './messages.js';
import { silentLogger, type Logger } from './ports.js';
import { contentTermCount, retrieve, type Retrieval } from './retrieve/retriever.js';
import { cleanInvisible, detectLanguage, type Lang } from './text/index.js';
import type { Answer, AnswerEvent, AskOptions, Assistant, Citation, Turn } from './types.js';

export const MAX_QUESTION_CHARS = 4000;
/** A summary of many documents gives the lead point of this many. */
const MAX_SUMMARY_DOCUMENTS = 5;
const MAX_SUMMARY_PARAGRAPHS = 150;

type FinalEvent = Extract<LlmEvent, { type: 'final' }>;

export interface AssistantOptions {
  /** The knowledge folder; ignored when `documents` is given. */
  knowledgeDir?: string;
  /** Documents already parsed (a QA set's own corpus). */
  documents?: KnowledgeDocument[];
  embedder?: Embedder;
  /** Folder for the embedding cache; null for none. */
  cacheDir?: string | null;
  /** The LLM path; null or absent answers extractively. */
  llm?: LlmAnswerer | null;
  logger?: Logger;
  /** Retrieved candidates per question. */
  k?: number;
  /** Overall deadline for one LLM answer. */
  deadlineMs?: number;
  /** Passages handed to the LLM. */
  passages?: number;
  onProgress?: (done: number, total: number) => void;
  /** Re-index knowledge files when they change on disk. */
  watch?: boolean;
}

export interface KnowledgeChange {
  added: string[];
  changed: string[];
  removed: string[];
  skipped: SkippedFile[];
}

/** The assistant plus what the app, the CLI and the briefing need beyond answering. */
export interface SanadAssistant extends Assistant {
  readonly index: KnowledgeIndex;
  readonly skipped: SkippedFile[];
  readonly llmEnabled: boolean;
  /** The LLM path when configured, for other features that write with it (briefing summaries). */
  readonly llm: LlmAnswerer | null;
  documents(): KnowledgeDocument[];
  /** Re-reads the knowledge folder and re-indexes only what changed. */
  refresh(): Promise<KnowledgeChange>;
  onChange(listener: (change: KnowledgeChange) => void): () => void;
  close(): Promise<void>;
}

export async function createAssistant(options: AssistantOptions): Promise<SanadAssistant> {
  const logger = options.logger ?? silentLogger;
  const embedder = new CachedEmbedder(options.embedder ?? localEmbedder(), options.cacheDir ?? null, logger);
  const index = new KnowledgeIndex(embedder);
  let skipped: SkippedFile[] = [];
  if (options.documents) {
    await index.addDocuments(options.documents, options.onProgress);
  } else {
    if (!options.knowledgeDir) throw new SanadError('config', 'createAssistant needs knowledgeDir or documents.');
    const loaded = await loadKnowledge(options.knowledgeDir, logger);
    skipped = loaded.skipped;
    await index.addDocuments(loaded.documents, options.onProgress);
  }
  await embedder.save();
  return new CoreAssistant(index, embedder, options, logger, skipped);
}

class CoreAssistant implements SanadAssistant {
  private listeners = new Set<(change: KnowledgeChange) => void>();
  /** Central points per document content hash (a changed document gets a new hash). */
  private readonly pointsCache = new Map<string, KeyPoint[]>();
  private watcher: FSWatcher | null = null;
  private refreshing: Promise<KnowledgeChange> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly index: KnowledgeIndex,
    private readonly embedder: CachedEmbedder,
    private readonly options: AssistantOptions,
    private readonly logger: Logger,
    public skipped: SkippedFile[],
  ) {
    if (options.watch && options.knowledgeDir) this.startWatching(options.knowledgeDir);
  }

  get llmEnabled(): boolean {
    return !!this.options.llm;
  }

  get llm(): LlmAnswerer | null {
    return this.options.llm ?? null;
  }

  documents(): KnowledgeDocument[] {
    return [...this.index.documents.values()];
  }

  paragraph(id: string): Citation | null {
    const p = this.index.paragraph(id);
    return p ? toCitation(0, p, p.text, 1) : null;
  }

  async ask(question: string, options: AskOptions = {}): Promise<Answer> {
    for await (const event of this.askStream(question, options)) if (event.type === 'final') return event.answer;
    throw new SanadError('internal', 'the answer stream ended without an answer');
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
      let answer: Answer | null = null;
      for await (const event of this.answerOne(part, { ...options, conversation })) if (event.type === 'final') answer = event.answer;
      if (!answer) throw new SanadError('internal', 'the answer stream ended without an answer');
      answers.push(answer);
      conversation.push({ role: 'user', text: part }, { role: 'assistant', text: answer.answer });
    }
    yield { type: 'final', answer: mergeAnswers(original, parts, answers, ms(started)) };
  }

  private async *answerOne(rawQuestion: string, options: AskOptions = {}): AsyncGenerator<AnswerEvent> {
    const started = performance.now();
    // `original` is what the person wrote, reported back as is; `question` is what gets answered.
    const original = cleanInvisible(rawQuestion ?? '');
    const question = withoutGreeting(original);
    const asked = detectLanguage(question);
    const lang: Lang = options.language && options.language !== 'auto' ? options.language : asked === 'und' ? 'ar' : asked;
    const conversation = options.conversation ?? [];
    const decline = (text: string, extra: Partial<Answer> = {}): Answer => ({
      question: original,
      answer: text,
      abstained: true,
      language: lang,
      mode: 'extractive',
      citations: [],
      retrieved: [],
      timings: { retrieveMs: 0, answerMs: 0, totalMs: ms(started) },
      ...extra,
    });

    if (!question) return yield { type: 'final', answer: decline(message('empty', lang)) };
    if (question.length > MAX_QUESTION_CHARS) {
      return yield { type: 'final', answer: decline(message('tooLong', lang, { length: question.length, max: MAX_QUESTION_CHARS })) };
    }
    // Messages answered without retrieval still report the ranked candidates (the CLI contract).
    const candidates = () => this.candidates(question, asked === 'und' ? 'ar' : asked, options.collections);
    const talk = smallTalk(question);
    if (talk) {
      const reply = this.smallTalkReply(talk, lang, options.collections);
      return yield { type: 'final', answer: { ...decline(reply, { retrieved: await candidates() }), intent: 'smalltalk' } };
    }
    if (looksLikeInstruction(question)) return yield { type: 'final', answer: decline(message('steer', lang), { retrieved: await candidates() }) };
    const about = documentQuestion(question);
    if (about) {
      const signal = deadlineSignal(this.options.deadlineMs ?? 20_000, options.signal);
      const answer = await this.aboutDocuments(about, question, lang, asked === 'und' ? lang : asked, options.collections, conversation, signal);
      if (answer) {
        // A summary's own paragraphs come first among the candidates.
        const cited = new Set(answer.citations.map((c) => c.paragraphId));
        const retrieved = [...answer.citations.map((c) => toRetrieved({ paragraph: this.index.paragraph(c.paragraphId)!, score: 1, bm25: 0, cosine: 0 })), ...(await candidates()).filter((r) => !cited.has(r.paragraphId))];
        const timings = { retrieveMs: 0, answerMs: 0, totalMs: ms(started) };
        return yield { type: 'final', answer: { ...answer, retrieved: retrieved.slice(0, Math.max(this.options.k ?? 8, answer.citations.length)), question: original, language: lang, timings } };
      }
    }

    const knowledgeLangs = this.index.languages(options.collections);
    const llm = this.options.llm ?? null;
    const crossLanguage = asked !== 'und' && knowledgeLangs.length > 0 && !knowledgeLangs.includes(asked);
    const signal = deadlineSignal(this.options.deadlineMs ?? 20_000, options.signal);

    let queries = [question];
    const followUp = conversation.length > 0 && isFollowUp(question, contentTermCount(question, asked));
    if (llm && (followUp || crossLanguage)) {
      queries = await llm.rewriteQuery(question, conversation, knowledgeLangs, signal);
      if (!queries.includes(question)) queries.push(question);
    }
    const retrieveLang = crossLanguage && queries.length > 1 ? knowledgeLangs[0]! : asked === 'und' ? 'ar' : asked;
    const type = answerType(question);
    // Read on the question as retrieval will (respelt), so "بارخان" is not an unknown focus.
    const focus = questionFocus(this.index.respell(question, retrieveLang), retrieveLang);
    const focusUnknown = focus !== null && this.index.frequency(focus) === 0;
    const retrieval = await retrieve(this.index, {
      type,
      queries: crossLanguage && queries.length > 1 ? queries.filter((q) => q !== question) : queries,
      lang: retrieveLang,
      conversation,
      followUp,
      collections: options.collections,
      k: this.options.k ?? 8,
    });
    const retrieveMs = ms(started);
    const retrieved = retrieval.hits.map(toRetrieved);
    const answerStarted = performance.now();
    const timings = () => ({ retrieveMs, answerMs: ms(answerStarted), totalMs: ms(started) });

    if (crossLanguage && !llm && !this.embedderIsCrossLingual()) {
      const langs = knowledgeLangs.join(', ');
      return yield { type: 'final', answer: { ...decline(message('crossLanguage', lang, { langs })), retrieved, timings: timings() } };
    }

    const best = retrieval.hits[0];
    const extract = best ? extractAnswer(best, retrieval.profile, type) : null;
    const extractive = this.extractiveAnswer(original, type, focusUnknown, lang, retrieval, extract, retrieved, timings);

    if (!llm) return yield { type: 'final', answer: extractive() };

    // The LLM path: the model writes from the top passages; anything wrong falls back.
    const passages: Passage[] = retrieval.hits.slice(0, this.options.passages ?? 5).map((hit, i) => ({
      n: i + 1,
      document: hit.paragraph.document,
      title: hit.paragraph.title,
      paragraph: hit.paragraph.n,
      section: hit.paragraph.section,
      text: hit.paragraph.text,
    }));
    let final: FinalEvent | null = null;
    try {
      for await (const event of llm.answer({ question, conversation, passages, language: lang, signal })) {
        if (event.type === 'delta') yield { type: 'delta', text: event.text };
        else final = event;
      }
    } catch (error) {
      this.logger.warn('the LLM path failed; answering extractively', { error });
    }
    if (!final || !final.ok) {
      const reason = final && !final.ok ? final.reason : 'unavailable';
      const fallback = extractive();
      return yield { type: 'final', answer: { ...fallback, fallbackReason: reason, notice: fallback.notice ?? fallbackNote(reason, lang), usage: final?.usage } };
    }
    const declined = 'declined' in final && final.declined === true;
    const citations = final.cited.map((n) => {
      const hit = retrieval.hits[n - 1]!;
      const quote = extractAnswer(hit, retrieval.profile, type)?.quote ?? hit.paragraph.text;
      return { ...toCitation(n, hit.paragraph, quote, hit.score) };
    });
    return yield {
      type: 'final',
      answer: {
        question: original,
        answer: final.text,
        abstained: declined || citations.length === 0,
        language: lang,
        mode: 'llm',
        citations,
        retrieved,
        timings: timings(),
        usage: final.usage,
      },
    };
  }

  /**
   * A summary (the central sentences of the documents meant, each cited) or a document's byline
   * facts; null when the question is about part of a document, which retrieval answers.
   */
  private async aboutDocuments(
    kind: DocumentQuestion,
    question: string,
    lang: Lang,
    asked: Lang,
    collections: string[] | undefined,
    conversation: Turn[],
    signal: AbortSignal,
  ): Promise<Omit<Answer, 'question' | 'timings'> | null> {
    const inScope = this.documents().filter((d) => !collections || collections.includes(d.collection));
    const docs = inScope.length > 0 ? documentsMeant(question, asked, inScope) : null;
    if (!docs) return null;
    const base = { language: lang, mode: 'extractive' as const, retrieved: [] };
    if (kind === 'summary') {
      // One document: its 3 to 5 central points. Several: the lead point of each, up to five.
      const points = docs.length === 1 ? this.keyPoints(docs[0]!) : docs.slice(0, MAX_SUMMARY_DOCUMENTS).flatMap((d) => this.keyPoints(d).slice(0, 1));
      const citations = points.flatMap((point) => {
        const paragraph = this.index.paragraph(point.paragraphId);
        return paragraph ? [toCitation(0, paragraph, point.quote, 1)] : [];
      });
      if (citations.length === 0) return null;
      citations.forEach((c, i) => (c.n = i + 1));
      const intro = docs.length === 1 ? message('summaryOf', lang, { title: docs[0]!.title }) : message('summaryOfMany', lang, { count: docs.length });
      const body = citations.map((c) => `• ${c.quote.trim()} [${c.n}]`).join('\n');
      const extractive = { ...base, answer: `${intro}\n${body}`, abstained: false, citations, intent: 'summary' as const };
      return this.options.llm ? this.summaryByModel(this.options.llm, question, lang, conversation, citations, extractive, signal) : extractive;
    }
    const lines = docs.slice(0, MAX_SUMMARY_DOCUMENTS).map((d) => {
      if (kind === 'title') return { known: true, text: message('title', lang, { title: d.title }) };
      if (kind === 'author') return d.author ? { known: true, text: message('author', lang, { title: d.title, author: d.author }) } : { known: false, text: message('noAuthor', lang, { title: d.title }) };
      return d.date ? { known: true, text: message('date', lang, { title: d.title, date: d.date }) } : { known: false, text: message('noDate', lang, { title: d.title }) };
    });
    const known = lines.some((l) => l.known);
    return {
      ...base,
      answer: lines.map((l) => l.text).join('\n'),
      abstained: !known,
      citations: [],
      intent: 'document',
      notice: known && kind !== 'title' ? message('fromMetadata', lang) : undefined,
    };
  }

  /**
   * With a model configured, it writes the summary from the paragraphs of the central points,
   * through the same verified path as answers (citations checked, numbers found in them); the
   * extractive summary stands in whenever that fails.
   */
  private async summaryByModel(
    llm: LlmAnswerer,
    question: string,
    lang: Lang,
    conversation: Turn[],
    citations: Citation[],
    extractive: Omit<Answer, 'question' | 'timings'>,
    signal: AbortSignal,
  ): Promise<Omit<Answer, 'question' | 'timings'>> {
    const passages: Passage[] = citations.map((c) => ({ n: c.n, document: c.document, title: c.title, paragraph: c.paragraph, section: c.section, text: c.text }));
    let final: LlmEvent | null = null;
    try {
      for await (const event of llm.answer({ question, conversation, passages, language: lang, signal })) if (event.type === 'final') final = event;
    } catch (error) {
      this.logger.warn('the LLM path failed; summarising extractively', { error });
    }
    if (final?.type === 'final' && final.ok && !final.declined && final.cited.length > 0) {
      const cited = final.cited.map((n) => citations[n - 1]!).filter(Boolean);
      return { ...extractive, answer: final.text, mode: 'llm', citations: cited, usage: final.usage };
    }
    const reason = final?.type === 'final' && !final.ok ? final.reason : final ? 'no_citations' : 'unavailable';
    return { ...extractive, fallbackReason: reason, notice: fallbackNote(reason, lang), usage: final?.type === 'final' ? final.usage : undefined };
  }

  /** The ranked candidates for a message answered without retrieval (plain search, no model). */
  private async candidates(question: string, lang: Lang, collections?: string[]): Promise<Answer['retrieved']> {
    const retrieval = await retrieve(this.index, {
      queries: [question],
      lang,
      conversation: [],
      followUp: false,
      collections,
      k: this.options.k ?? 8,
      type: 'other',
    });
    return retrieval.hits.map(toRetrieved);
  }

  /** A document's central points, computed once per content version. */
  private keyPoints(document: KnowledgeDocument): KeyPoint[] {
    const cached = this.pointsCache.get(document.hash);
    if (cached) return cached;
    // The lead of a very long document stands for it: centrality is quadratic in sentences.
    const points = documentPoints({ ...document, paragraphs: document.paragraphs.slice(0, MAX_SUMMARY_PARAGRAPHS) });
    if (this.pointsCache.size >= 100) this.pointsCache.delete(this.pointsCache.keys().next().value!);
    this.pointsCache.set(document.hash, points);
    return points;
  }

  private smallTalkReply(talk: SmallTalk, lang: Lang, collections?: string[]): string {
    if (talk === 'thanks') return message('welcome', lang);
    const docs = this.documents().filter((d) => !collections || collections.includes(d.collection));
    const shown = docs.slice(0, 3).map((d) => `«${d.title}»`);
    const topics = (lang === 'ar' ? shown.join('، ') : shown.join(', ')) + (docs.length > 3 ? ' …' : '');
    return message(talk === 'greeting' ? 'greeting' : 'help', lang, { topics, count: docs.length });
  }

  private embedderIsCrossLingual(): boolean {
    return !this.embedder.id.startsWith('local-');
  }

  private extractiveAnswer(
    original: string,
    type: AnswerType,
    focusUnknown: boolean,
    lang: Lang,
    retrieval: Retrieval,
    extract: ReturnType<typeof extractAnswer>,
    retrieved: Answer['retrieved'],
    timings: () => Answer['timings'],
  ): () => Answer {
    return () => {
      const features = evidenceFeatures(retrieval, extract, type, focusUnknown);
      const base = { question: original, language: lang, mode: 'extractive' as const, retrieved, timings: timings() };
      if (!extract || shouldAbstain(features)) {
        const closest = extract ? [toCitation(1, extract.paragraph, extract.quote, extract.hit.score)] : [];
        return { ...base, answer: message('decline', lang), abstained: true, citations: closest };
      }
      return {
        ...base,
        answer: quoteAsAnswer(extract.quote, extract.isList),
        abstained: false,
        citations: [toCitation(1, extract.paragraph, extract.quote, extract.hit.score)],
      };
    };
  }

  onChange(listener: (change: KnowledgeChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  refresh(): Promise<KnowledgeChange> {
    this.refreshing ??= this.doRefresh().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async doRefresh(): Promise<KnowledgeChange> {
    const dir = this.options.knowledgeDir;
    const change: KnowledgeChange = { added: [], changed: [], removed: [], skipped: [] };
    if (!dir) return change;
    const files = await listKnowledgeFiles(dir);
    const current = new Set(files);
    for (const document of this.index.documents.keys()) {
      if (!current.has(document)) {
        this.index.removeDocument(document);
        change.removed.push(document);
      }
    }
    const updates: KnowledgeDocument[] = [];
    for (const file of files) {
      const result = await readKnowledgeFile(dir, file);
      if ('reason' in result) {
        // The last good version keeps serving; a broken edit is reported, not indexed.
        this.logger.warn(`skipped knowledge file ${file}: it ${result.reason}`);
        change.skipped.push(result);
        continue;
      }
      const known = this.index.documents.get(file);
      if (known?.hash === result.hash) continue;
      updates.push(result);
      (known ? change.changed : change.added).push(file);
    }
    if (updates.length > 0) {
      await this.index.addDocuments(updates);
      // A file rewritten while it was being indexed is read again on the next change event.
      for (const doc of updates) {
        const again = await readKnowledgeFile(dir, doc.document);
        if ('hash' in again && again.hash !== doc.hash) this.schedule();
      }
      await this.embedder.save();
    }
    this.skipped = change.skipped;
    if (change.added.length + change.changed.length + change.removed.length > 0) {
      this.logger.info('knowledge updated', { added: change.added, changed: change.changed, removed: change.removed });
      for (const listener of this.listeners) listener(change);
    }
    return change;
  }

  private startWatching(dir: string): void {
    try {
      this.watcher = watch(dir, { recursive: true }, () => this.schedule());
      this.watcher.on('error', (error) => this.logger.warn('knowledge watcher stopped', { error }));
    } catch (error) {
      this.logger.warn('cannot watch the knowledge folder; changes need a restart', { error, dir: join(dir) });
    }
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh().catch((error: unknown) => this.logger.warn('knowledge refresh failed', { error }));
    }, 300);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.watcher?.close();
    if (this.timer) clearTimeout(this.timer);
    await this.embedder.save();
  }
}

function ms(since: number): number {
  return Math.round((performance.now() - since) * 100) / 100;
}

/** One overall deadline for an answer, also honouring the caller's own signal. */
/** What the person is told when the extractive answer stands in for the model's. */
function fallbackNote(reason: string, lang: Lang): string {
  return message(reason === 'unverified' || reason === 'no_citations' ? 'unverified' : 'modelUnavailable', lang);
}

function deadlineSignal(deadlineMs: number, outer?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(deadlineMs);
  return outer ? AbortSignal.any([timeout, outer]) : timeout;
}
