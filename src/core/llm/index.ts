export type { LlmAnswerer, LlmAnswerInput, LlmEvent, LlmFallbackReason, Passage } from './port.js';
export { startDeadline } from './deadline.js';
export type { Deadline } from './deadline.js';
export type { LlmConfig, AnswerModeSetting, EmbedderSetting } from './config.js';
export { DEFAULT_LLM_CONFIG, resolveLlmConfig, llmConfigFromEnv, effectiveAnswerMode, hasModelServer } from './config.js';
export { loadPrompts, parsePrompt, defaultPromptsDir, PROMPT_SPECS } from './prompts.js';
export type { Prompts, PromptName, PromptTemplate, ChatPrompt } from './prompts.js';
export { verifyAnswer, parseCitations, extractNumbers, normalizeDigits, NO_ANSWER } from './verify.js';
