export { AnswerService, DefaultChatAnswerOptions } from './service.js';
export type { AnswerRequest, AnswerServiceDeps, AnswerServiceOptions, AnswerSink, Platform } from './service.js';
