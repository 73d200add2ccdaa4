import { describe, expect, it } from 'vitest';
import { DEFAULT_LLM_CONFIG, effectiveAnswerMode, llmConfigFromEnv } from '../../src/core/llm/config.js';

describe('llmConfigFromEnv', () => {
  it('has the documented defaults', () => {
    const config = llmConfigFromEnv({});
    expect(config).toMatchObject({
      chatModel: 'gpt-4o-mini',
      embeddingModel: 'text-embedding-3-small',
      answerMode: 'auto',
      embedder: 'local',
      deadlineMs: 20_000,
    });
    expect(config.apiKey).toBeUndefined();
    expect(effectiveAnswerMode(config)).toBe('extractive');
  });

  it('reads every variable', () => {
    const config = llmConfigFromEnv({
      OPENAI_API_KEY: 'sk-abc',
      OPENAI_BASE_URL: 'http://localhost:11434/v1',
      SANAD_CHAT_MODEL: 'qwen2.5:7b',
      SANAD_EMBEDDING_MODEL: 'bge-m3',
      SANAD_EMBEDDER: 'openai',
      SANAD_ANSWER_MODE: 'LLM',
      SANAD_LLM_DEADLINE_MS: '15000',
      SANAD_LLM_STREAM: 'off',
    });
    expect(config.stream).toBe(false);
    expect(config).toMatchObject({
      apiKey: 'sk-abc',
      baseURL: 'http://localhost:11434/v1',
      chatModel: 'qwen2.5:7b',
      embeddingModel: 'bge-m3',
      embedder: 'openai',
      answerMode: 'llm',
      deadlineMs: 15_000,
    });
  });

  it('auto means llm when only a base URL is set (Ollama needs no key)', () => {
    expect(effectiveAnswerMode(llmConfigFromEnv({ OPENAI_BASE_URL: 'http://localhost:11434/v1' }))).toBe('llm');
    expect(effectiveAnswerMode(llmConfigFromEnv({ OPENAI_API_KEY: 'sk-x' }))).toBe('llm');
    expect(effectiveAnswerMode(llmConfigFromEnv({ OPENAI_API_KEY: 'sk-x', SANAD_ANSWER_MODE: 'extractive' }))).toBe('extractive');
  });

  it('names the variable to fix', () => {
    expect(() => llmConfigFromEnv({ SANAD_ANSWER_MODE: 'smart' })).toThrow(/SANAD_ANSWER_MODE must be one of auto, extractive, llm/);
    expect(() => llmConfigFromEnv({ SANAD_LLM_DEADLINE_MS: 'soon' })).toThrow(/SANAD_LLM_DEADLINE_MS/);
    expect(() => llmConfigFromEnv({ SANAD_LLM_DEADLINE_MS: '5' })).toThrow(/SANAD_LLM_DEADLINE_MS/);
    expect(() => llmConfigFromEnv({ SANAD_ANSWER_MODE: 'llm' })).toThrow(/OPENAI_API_KEY nor OPENAI_BASE_URL/);
    expect(() => llmConfigFromEnv({ SANAD_EMBEDDER: 'openai' })).toThrow(/SANAD_EMBEDDER=openai/);
  });

  it('defaults satisfy the whole config', () => {
    expect(Object.keys(DEFAULT_LLM_CONFIG).sort()).toEqual([
      'answerMode',
      'chatModel',
      'deadlineMs',
      'embedder',
      'embeddingModel',
      'maxConcurrency',
      'maxRetries',
      'stream',
      'temperature',
    ]);
  });
});
