export { createAssistant, MAX_QUESTION_CHARS } from './assistant.js';
export type { AssistantOptions, SanadAssistant, KnowledgeChange } from './assistant.js';
export type { Answer, AnswerEvent, AskOptions, Assistant, Citation, Retrieved, Turn, AnswerMode, Lang, TokenUsage } from './types.js';
export { toReply, errorReply, simpleReply, newErrorId, citationLabel } from './reply.js';
export type { Reply, ReplyCitation } from './reply.js';
export { message, localizer } from './messages.js';
export type { MessageKey } from './messages.js';
export { SanadError, asSanadError, noFinalAnswer } from './errors.js';
export { readMessage } from './ask/message.js';
export type { ReadMessage } from './ask/message.js';
export { createLogger, silentLogger, systemClock, registerSecret, redact } from './ports.js';
export type { Logger, Clock, LogLevel } from './ports.js';
export { MemoryStateStore, MemoryLeases, durableWorkOf, leasesOf } from './state.js';
export { LeasedWork, DEFAULT_LEASE_MS } from './leased-work.js';
export type { LeasedWorkOptions } from './leased-work.js';
export { SlidingWindowLimiter, RATE_WINDOW_MS } from './rate-limit.js';
export type {
  StateStore,
  QuestionRecord,
  FeedbackRecord,
  RateCheck,
  RateVerdict,
  SharedRateLimits,
  LeaseRequest,
  LeaseClaim,
  WorkLeases,
  DurableWork,
  UnfinishedWork,
} from './state.js';
export { DEFAULT_CHANNEL_SETTINGS, defaultSettingsResolver, looksLikeQuestion } from './channels.js';
export type { ChannelSettings, ChannelSettingsResolver } from './channels.js';
export { localEmbedder, langchainEmbedder } from './index/embedder.js';
export { CachedEmbedder } from './index/embedding-cache.js';
export type { Embedder } from './index/embedder.js';
export type { LlmAnswerer, LlmEvent, LlmAnswerInput, Passage, LlmFallbackReason } from './llm/port.js';
export type { KnowledgeDocument, Paragraph } from './knowledge/types.js';
export { cleanInvisible, detectLanguage } from './text/index.js';
export { parseDocument, documentFromParagraphs, loadKnowledge, ROOT_COLLECTION } from './knowledge/index.js';
