import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../core/index.js';

const ORDER: Record<LogLevel, number> = { [LogLevel.DEBUG]: 10, [LogLevel.INFO]: 20, [LogLevel.WARN]: 30, [LogLevel.ERROR]: 40 };

/**
 * Bolt, the Web API client and the Socket Mode client log through this, so their lines carry
 * our prefix and go through our redaction. Bolt's own info chatter is demoted to debug.
 */
export function toBoltLogger(logger: Logger, level: LogLevel = LogLevel.INFO): BoltLogger {
  let current = level;
  const text = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : typeof p === 'string' ? p : safe(p))).join(' ');
  const at =
    (min: LogLevel, write: (m: string) => void) =>
    (...parts: unknown[]) => {
      if (ORDER[min] >= ORDER[current]) write(text(parts));
    };
  return {
    debug: at(LogLevel.DEBUG, (m) => logger.debug(m)),
    info: at(LogLevel.INFO, (m) => logger.debug(m)),
    warn: at(LogLevel.WARN, (m) => logger.warn(m)),
    error: at(LogLevel.ERROR, (m) => logger.error(m)),
    setLevel: (next) => {
      current = next;
    },
    getLevel: () => current,
    setName: () => {},
  };
}

function safe(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
