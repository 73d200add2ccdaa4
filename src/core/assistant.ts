import { AnswerPipeline, DefaultPipelineOptions, finalOf, type PipelineOptions } from './ask/pipeline.js';
import { toCitation } from './answer/compose.js';
import type { KnowledgeIndex } from './index/knowledge-index.js';
import { KnowledgeBase, type KnowledgeBaseOptions, type KnowledgeChange } from './knowledge-base.js';
import type { SkippedFile } from './knowledge/load.js';
import type { KnowledgeDocument } from './knowledge/types.js';
import type { LlmAnswerer } from './llm/port.js';
import { silentLogger } from './ports.js';
import type { Answer, AnswerEvent, AskOptions, Assistant, Citation } from './types.js';

export { MAX_QUESTION_CHARS } from './ask/pipeline.js';
export type { KnowledgeChange } from './knowledge-base.js';

/** What the knowledge base needs (folder, embedder, cache, watching, readers), and the answering's own. */
export interface AssistantOptions extends Partial<PipelineOptions>, KnowledgeBaseOptions {
  /** The LLM path; null or absent answers extractively. */
  llm?: LlmAnswerer | null;
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
  /** Indexes documents from outside the folder (followed sources); unchanged ones cost nothing. */
  putDocuments(documents: KnowledgeDocument[]): Promise<KnowledgeChange>;
  removeDocuments(documents: string[]): Promise<KnowledgeChange>;
  onChange(listener: (change: KnowledgeChange) => void): () => void;
  close(): Promise<void>;
}

/** The core's facade: a knowledge base and the answer pipeline over it. */
export async function createAssistant(options: AssistantOptions): Promise<SanadAssistant> {
  const logger = options.logger ?? silentLogger;
  const knowledge = await KnowledgeBase.open({ ...options, logger });
  const pipelineOptions: PipelineOptions = {
    k: options.k ?? DefaultPipelineOptions.k,
    deadlineMs: options.deadlineMs ?? DefaultPipelineOptions.deadlineMs,
    passages: options.passages ?? DefaultPipelineOptions.passages,
  };
  const assistant = new CoreAssistant(
    knowledge,
    new AnswerPipeline(knowledge, options.llm ?? null, pipelineOptions, logger),
    options.llm ?? null,
  );
  knowledge.prepareSearch();
  return assistant;
}

class CoreAssistant implements SanadAssistant {
  constructor(
    private readonly knowledge: KnowledgeBase,
    private readonly pipeline: AnswerPipeline,
    readonly llm: LlmAnswerer | null,
  ) {}

  get index(): KnowledgeIndex {
    return this.knowledge.index;
  }

  get skipped(): SkippedFile[] {
    return this.knowledge.skipped;
  }

  get llmEnabled(): boolean {
    return this.llm !== null;
  }

  documents(): KnowledgeDocument[] {
    return this.knowledge.documents();
  }

  paragraph(id: string): Citation | null {
    const p = this.knowledge.index.paragraph(id);
    return p ? toCitation(0, p, p.text, 1) : null;
  }

  ask(question: string, options: AskOptions = {}): Promise<Answer> {
    return finalOf(this.pipeline.askStream(question, options));
  }

  askStream(question: string, options: AskOptions = {}): AsyncIterable<AnswerEvent> {
    return this.pipeline.askStream(question, options);
  }

  refresh(): Promise<KnowledgeChange> {
    return this.knowledge.refresh();
  }

  putDocuments(documents: KnowledgeDocument[]): Promise<KnowledgeChange> {
    return this.knowledge.putDocuments(documents);
  }

  removeDocuments(documents: string[]): Promise<KnowledgeChange> {
    return this.knowledge.removeDocuments(documents);
  }

  onChange(listener: (change: KnowledgeChange) => void): () => void {
    return this.knowledge.onChange(listener);
  }

  close(): Promise<void> {
    return this.knowledge.close();
  }
}
