import OpenAI from 'openai';
import { SanadError } from '../core/errors.js';
import { registerSecret, registerUrlSecrets, withoutUrlCredentials } from '../core/ports.js';
import { hasModelServer, NO_KEY, type LlmConfig } from '../core/llm/config.js';

/**
 * The OpenAI SDK client every call goes through. Its own retries are off (`maxRetries: 0`):
 * sanad's retry loop honours `Retry-After` within the answer's deadline, which the SDK's cannot.
 * It has no client-wide timeout either: each request passes what is left of the answer's
 * deadline (`remainingMs`), so the deadline has one owner, the answer pipeline.
 */
export function createOpenAIClient(config: LlmConfig): OpenAI {
  if (!hasModelServer(config)) {
    throw new SanadError('config_invalid', 'the LLM path needs OPENAI_API_KEY or OPENAI_BASE_URL', {
      hint: 'Set OPENAI_API_KEY for OpenAI, or OPENAI_BASE_URL (e.g. http://localhost:11434/v1) for a local server.',
    });
  }
  registerSecret(config.apiKey);
  registerUrlSecrets(config.baseURL);
  return new OpenAI({
    // Ollama, llama.cpp and LM Studio need no key, but the SDK refuses to start without one.
    apiKey: config.apiKey ?? NO_KEY,
    ...(config.baseURL ? { baseURL: config.baseURL } : {}),
    maxRetries: 0,
    // The SDK would print parse failures to the console; sanad logs through its own port.
    logLevel: 'off',
  });
}

/** Where requests go, for logs and cache keys: never includes the key. */
export function endpointLabel(config: Pick<LlmConfig, 'baseURL'>): string {
  // The label names the server in messages and cache keys: never the credentials in its URL.
  return withoutUrlCredentials(config.baseURL ?? 'https://api.openai.com/v1').replace(/\/+$/, '');
}
