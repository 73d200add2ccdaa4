/** The logger port: four levels, `silent`, and `child(prefix)` so adapters log as [sanad:slack]. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(prefix: string): Logger;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** Values that must never reach a log line, whatever a caller passes in. */
const secrets = new Set<string>();
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) secrets.add(value);
}
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out.replace(/\b(xox[abposr]-|xapp-)[A-Za-z0-9-]+/g, '$1[redacted]').replace(/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-[redacted]');
}

/** JSON-lines-ish logger to stderr, so stdout stays clean for `sanad ask --json`. */
export function createLogger(
  options: { level?: LogLevel; prefix?: string; write?: (line: string) => void } = {},
): Logger {
  const level = options.level ?? 'info';
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const prefix = options.prefix ?? 'sanad';
  const log = (at: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[at] < ORDER[level]) return;
    const extra = fields && Object.keys(fields).length > 0 ? ' ' + safeJson(fields) : '';
    write(redact(`${new Date().toISOString()} ${at.toUpperCase()} [${prefix}] ${message}${extra}`));
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    child: (child) => createLogger({ level, write, prefix: `${prefix}:${child}` }),
  };
}

function safeJson(fields: Record<string, unknown>): string {
  try {
    return JSON.stringify(fields, (_key, value: unknown) =>
      value instanceof Error ? { name: value.name, message: value.message } : value,
    );
  } catch {
    return '[unserialisable fields]';
  }
}

export const silentLogger: Logger = createLogger({ level: 'silent' });
