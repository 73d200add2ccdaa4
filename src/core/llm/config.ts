import { SanadError } from '../errors.js';

/** Which path writes answers. `auto` = `llm` when an API key or a base URL is configured. */
export type AnswerModeSetting = 'auto' | 'extractive' | 'llm';
export type EmbedderSetting = 'local' | 'openai';

/**
 * The LLM path's configuration, resolved once at start (from the environment by the app's env
 * parser, or by {@link llmConfigFromEnv}). Every field is plain data; secrets stay in `apiKey`.
 */
export interface LlmConfig {
  /** OPENAI_API_KEY. Optional when `baseURL` points at a server that needs none (Ollama). */
  apiKey?: string;
  /** OPENAI_BASE_URL, e.g. http://localhost:11434/v1 for Ollama. Unset = api.openai.com. */
  baseURL?: string;
  /** SANAD_CHAT_MODEL. */
  chatModel: string;
  /** SANAD_EMBEDDING_MODEL. */
  embeddingModel: string;
  /** SANAD_ANSWER_MODE. */
  answerMode: AnswerModeSetting;
  /** SANAD_EMBEDDER. */
  embedder: EmbedderSetting;
  /** SANAD_LLM_DEADLINE_MS: one overall deadline per answer, retries included (started and enforced by the answer pipeline). */
  deadlineMs: number;
  /** Requests in flight at once to the model server, across all answers. */
  maxConcurrency: number;
  /** Retries after the first attempt, on 429, 5xx and dropped connections. */
  maxRetries: number;
  /** SANAD_LLM_STREAM: stream answers (SSE). Off only for servers that cannot stream. */
  stream: boolean;
  /** Sampling temperature for every call: 0 keeps answers close to the passages. */
  temperature: number;
}

export const DEFAULT_LLM_CONFIG = {
  chatModel: 'gpt-4o-mini',
  embeddingModel: 'text-embedding-3-small',
  answerMode: 'auto',
  embedder: 'local',
  deadlineMs: 20_000,
  maxConcurrency: 4,
  maxRetries: 2,
  stream: true,
  temperature: 0,
} as const satisfies Omit<LlmConfig, 'apiKey' | 'baseURL'>;

/** The longest answer deadline accepted: 10 minutes (Slack's own answer deadline is 90 s). */
export const MAX_DEADLINE_MS = 600_000;

/** Placeholder key sent to servers that need none (Ollama, llama.cpp): the SDK insists on one. */
export const NO_KEY = 'sanad-no-key';

/** Merges partial settings with the defaults, once. */
export function resolveLlmConfig(partial: Partial<LlmConfig> = {}): LlmConfig {
  const defined = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined && v !== ''));
  const config: LlmConfig = { ...DEFAULT_LLM_CONFIG, ...defined };
  if (!Number.isFinite(config.deadlineMs) || config.deadlineMs < 100 || config.deadlineMs > MAX_DEADLINE_MS) {
    throw new SanadError(
      'config_invalid',
      `SANAD_LLM_DEADLINE_MS must be between 100 and ${MAX_DEADLINE_MS} milliseconds, got ${partial.deadlineMs}`,
      {
        hint: 'Set SANAD_LLM_DEADLINE_MS=20000 (the default) or remove it.',
      },
    );
  }
  config.maxConcurrency = Math.max(1, Math.floor(config.maxConcurrency));
  config.maxRetries = Math.max(0, Math.floor(config.maxRetries));
  return config;
}

/** True when a model server is configured: an API key or a base URL. */
export function hasModelServer(config: Pick<LlmConfig, 'apiKey' | 'baseURL'>): boolean {
  return Boolean(config.apiKey || config.baseURL);
}

/** The answer mode in effect: `auto` becomes `llm` when a key or base URL is set. */
export function effectiveAnswerMode(config: LlmConfig): 'extractive' | 'llm' {
  if (config.answerMode === 'auto') return hasModelServer(config) ? 'llm' : 'extractive';
  return config.answerMode;
}

/**
 * Parses the LLM settings out of an environment. The app's own env parser may call this or do
 * the same; explicit values beat the environment, and errors name the variable to fix.
 */
export function llmConfigFromEnv(env: Record<string, string | undefined>): LlmConfig {
  const oneOf = <T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined => {
    if (value === undefined || value === '') return undefined;
    const v = value.trim().toLowerCase();
    if ((allowed as readonly string[]).includes(v)) return v as T;
    throw new SanadError('config_invalid', `${name} must be one of ${allowed.join(', ')}, got "${value}"`, {
      hint: `Set ${name}=${allowed[0]} or remove it.`,
    });
  };
  const number = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined || value.trim() === '') return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) {
      throw new SanadError('config_invalid', `${name} must be a number, got "${value}"`, { hint: `Remove ${name} to use the default.` });
    }
    return n;
  };
  const onOff = (name: string, value: string | undefined): boolean | undefined => {
    const v = oneOf(name, value, ['on', 'off', 'true', 'false', '1', '0'] as const);
    return v === undefined ? undefined : v === 'on' || v === 'true' || v === '1';
  };
  const config = resolveLlmConfig({
    apiKey: env.OPENAI_API_KEY?.trim() || undefined,
    baseURL: env.OPENAI_BASE_URL?.trim() || undefined,
    chatModel: env.SANAD_CHAT_MODEL?.trim() || undefined,
    embeddingModel: env.SANAD_EMBEDDING_MODEL?.trim() || undefined,
    answerMode: oneOf('SANAD_ANSWER_MODE', env.SANAD_ANSWER_MODE, ['auto', 'extractive', 'llm'] as const),
    embedder: oneOf('SANAD_EMBEDDER', env.SANAD_EMBEDDER, ['local', 'openai'] as const),
    deadlineMs: number('SANAD_LLM_DEADLINE_MS', env.SANAD_LLM_DEADLINE_MS),
    stream: onOff('SANAD_LLM_STREAM', env.SANAD_LLM_STREAM),
  });
  if ((config.answerMode === 'llm' || config.embedder === 'openai') && !hasModelServer(config)) {
    const which = config.answerMode === 'llm' ? 'SANAD_ANSWER_MODE=llm' : 'SANAD_EMBEDDER=openai';
    throw new SanadError('config_invalid', `${which} needs a model server, but neither OPENAI_API_KEY nor OPENAI_BASE_URL is set`, {
      hint: 'Set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL (e.g. http://localhost:11434/v1 for Ollama).',
    });
  }
  return config;
}
