import { askWhichDocument, documentsMeant, type DocumentQuestion } from '../answer/about.js';
import { toCitation } from '../answer/compose.js';
import { documentPoints, type KeyPoint } from '../answer/summary.js';
import type { KnowledgeBase } from '../knowledge-base.js';
import type { KnowledgeDocument } from '../knowledge/types.js';
import type { Deadline, LlmAnswerer } from '../llm/port.js';
import { message } from '../messages.js';
import type { Logger } from '../ports.js';
import { withoutBullet, type Lang } from '../text/index.js';
import type { Answer, Turn } from '../types.js';
import { summaryByModel } from './model.js';

/** A summary of many documents gives the lead point of this many. */
const MAX_SUMMARY_DOCUMENTS = 5;
/** The lead of a very long document stands for it: centrality is quadratic in sentences. */
const MAX_SUMMARY_PARAGRAPHS = 150;
/** Key points are kept for this many document versions (a summary is asked again and again). */
const POINTS_CACHE_SIZE = 100;

export type DocumentAnswer = Omit<Answer, 'question' | 'timings'>;

export interface DocumentRequest {
  kind: DocumentQuestion;
  question: string;
  /** The reply language. */
  lang: Lang;
  /** The language the question is written in (its words are read in it). */
  asked: Lang;
  collections?: string[];
  conversation: Turn[];
  deadline: Deadline;
}

/**
 * Questions about the documents themselves: a summary (the central sentences of the documents
 * meant, each cited) or a document's byline facts (author, date, title).
 */
export class DocumentAnswers {
  /** Central points per document content hash (a changed document gets a new hash). */
  private readonly pointsCache = new Map<string, KeyPoint[]>();

  constructor(
    private readonly knowledge: KnowledgeBase,
    private readonly llm: LlmAnswerer | null,
    private readonly logger: Logger,
  ) {}

  /** The answer, or null when the question is about part of a document, which retrieval answers. */
  async answer(request: DocumentRequest): Promise<DocumentAnswer | null> {
    const { kind, question, lang, asked } = request;
    const inScope = this.knowledge.documents(request.collections);
    const docs = inScope.length > 0 ? documentsMeant(question, asked, inScope, request.conversation) : null;
    if (!docs) return null;
    const which = askWhichDocument(kind, question, docs, lang);
    if (which) return which;
    const base = { language: lang, mode: 'extractive' as const, retrieved: [] };
    if (kind === 'summary') {
      // One document: its 3 to 5 central points. Several: the lead point of each, up to five.
      const points =
        docs.length === 1 ? this.keyPoints(docs[0]!) : docs.slice(0, MAX_SUMMARY_DOCUMENTS).flatMap((d) => this.keyPoints(d).slice(0, 1));
      const citations = points.flatMap((point) => {
        const paragraph = this.knowledge.index.paragraph(point.paragraphId);
        return paragraph ? [toCitation(0, paragraph, point.quote, 1)] : [];
      });
      if (citations.length === 0) return null;
      citations.forEach((c, i) => (c.n = i + 1));
      const intro =
        docs.length === 1 ? message('summaryOf', lang, { title: docs[0]!.title }) : message('summaryOfMany', lang, { count: docs.length });
      const body = citations.map((c) => `• ${withoutBullet(c.quote.trim())} [${c.n}]`).join('\n');
      const extractive: DocumentAnswer = { ...base, answer: `${intro}\n${body}`, abstained: false, citations, intent: 'summary' };
      if (!this.llm) return extractive;
      return summaryByModel(
        this.llm,
        { question, lang, conversation: request.conversation, citations, deadline: request.deadline },
        extractive,
        this.logger,
      );
    }
    const lines = docs.slice(0, MAX_SUMMARY_DOCUMENTS).map((d) => {
      if (kind === 'title') return { known: true, text: message('title', lang, { title: d.title }) };
      if (kind === 'author')
        return d.author
          ? { known: true, text: message('author', lang, { title: d.title, author: d.author }) }
          : { known: false, text: message('noAuthor', lang, { title: d.title }) };
      return d.date
        ? { known: true, text: message('date', lang, { title: d.title, date: d.date }) }
        : { known: false, text: message('noDate', lang, { title: d.title }) };
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

  /** A document's central points, computed once per content version. */
  private keyPoints(document: KnowledgeDocument): KeyPoint[] {
    const cached = this.pointsCache.get(document.hash);
    if (cached) return cached;
    const points = documentPoints({ ...document, paragraphs: document.paragraphs.slice(0, MAX_SUMMARY_PARAGRAPHS) });
    if (this.pointsCache.size >= POINTS_CACHE_SIZE) this.pointsCache.delete(this.pointsCache.keys().next().value!);
    this.pointsCache.set(document.hash, points);
    return points;
  }
}
