/**
 * The OpenAI-compatible implementation of the core's LLM and embedder ports (OpenAI, Ollama,
 * vLLM, llama.cpp, LM Studio): the only code that imports `openai` and `@langchain/openai`.
 */
export { createLlmAnswerer } from './answerer.js';
export type { LlmAnswererDeps, OpenAILlmAnswerer, LlmUsageTotals } from './answerer.js';
export { createOpenAIEmbeddings } from './embeddings.js';
export type { IdentifiedEmbeddings, EmbeddingProgress, OpenAIEmbeddingsOptions } from './embeddings.js';
export { createOpenAIClient } from './client.js';
export { LlmError } from './errors.js';
export { createSemaphore } from './concurrency.js';
export type { Semaphore } from './concurrency.js';
