import type OpenAI from 'openai';
import type { Logger } from '../core/ports.js';
import { detectLanguage } from '../core/text/index.js';
import type { Lang, TokenUsage, Turn } from '../core/types.js';
import type { Deadline } from '../core/llm/deadline.js';
import { remainingMs, type Semaphore } from './concurrency.js';
import type { LlmConfig } from '../core/llm/config.js';
import { classifyError } from './errors.js';
import { cleanOneLine, defuse, formatThread, languageName } from './format.js';
import type { ChatPrompt, Prompts } from '../core/llm/prompts.js';
import { withRetry } from './retry.js';

export interface QueryRewriterDeps {
  client: OpenAI;
  logger: Logger;
  prompts: Prompts;
  semaphore: Semaphore;
  /** Told the tokens of every rewrite call, for the running totals. */
  onUsage?: (usage: TokenUsage | undefined, requests: number) => void;
}

/**
 * Queries to retrieve with: the follow-up made standalone (condense prompt), then its
 * translations into each knowledge language it is not already in (translate prompt). Each step
 * that fails is skipped; the whole never throws and at worst returns [question].
 */
export function createQueryRewriter(config: LlmConfig, deps: QueryRewriterDeps) {
  const { client, logger, prompts, semaphore } = deps;
  const onUsage = deps.onUsage ?? (() => undefined);

  async function complete(what: string, prompt: ChatPrompt, deadline: Deadline): Promise<string> {
    let attempts = 0;
    const completion = await withRetry(
      (attemptSignal) => {
        attempts += 1;
        return client.chat.completions.create(
          {
            model: config.chatModel,
            temperature: config.temperature,
            messages: [
              { role: 'system', content: prompt.system },
              { role: 'user', content: prompt.user },
            ],
          },
          { signal: attemptSignal, timeout: remainingMs(deadline) },
        );
      },
      { maxRetries: config.maxRetries, deadlineAt: deadline.at, signal: deadline.signal, logger, semaphore, what },
    ).catch((error: unknown) => {
      onUsage(undefined, attempts);
      throw error;
    });
    const usage = completion.usage
      ? { promptTokens: completion.usage.prompt_tokens ?? 0, completionTokens: completion.usage.completion_tokens ?? 0 }
      : undefined;
    onUsage(usage, attempts);
    const content = completion.choices?.[0]?.message?.content;
    if (typeof content !== 'string') throw classifyError(new SyntaxError(`${what}: no message content`));
    logger.debug(`llm ${what}`, { promptTokens: usage?.promptTokens ?? null, completionTokens: usage?.completionTokens ?? null });
    return cleanOneLine(content);
  }

  async function rewriteQuery(question: string, conversation: Turn[], knowledgeLangs: Lang[], deadline: Deadline): Promise<string[]> {
    try {
      let standalone = question;
      if (conversation.length > 0) {
        try {
          const condensed = await complete(
            'condense',
            prompts.condense.render({ question: defuse(question), thread: formatThread(conversation) }),
            deadline,
          );
          if (condensed) standalone = condensed;
        } catch (error) {
          logger.warn('could not condense the follow-up; retrieving with it as asked', {
            reason: classifyError(error, deadline.signal.aborted).reason,
          });
        }
      }
      const from = detectLanguage(standalone);
      const targets = from === 'und' ? [] : [...new Set(knowledgeLangs)].filter((lang) => lang !== from && lang !== 'und');
      const translations = await Promise.all(
        targets.map(async (target) => {
          try {
            const translated = await complete(
              'translate',
              prompts.translate.render({
                question: defuse(standalone),
                source_language: languageName(from),
                target_language: languageName(target),
              }),
              deadline,
            );
            return translated || null;
          } catch (error) {
            logger.warn('could not translate the question', { target, reason: classifyError(error, deadline.signal.aborted).reason });
            return null;
          }
        }),
      );
      const queries = [standalone, ...translations.filter((t): t is string => t !== null)];
      return [...new Set(queries)];
    } catch (error) {
      logger.warn('query rewriting failed', { error });
      return [question];
    }
  }

  return { rewriteQuery };
}
