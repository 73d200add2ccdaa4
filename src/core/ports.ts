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
  return withoutUrlCredentials(out)
    .replace(/\b(xox[abposr]-|xapp-)[A-Za-z0-9-]+/g, '$1[redacted]')
    .replace(/\bsk-[A-Za-z0-9_-]{8,}/g, 'sk-[redacted]');
}

/**
 * One log line stays one line: a newline or other control character (from a file name, a
 * question, a library's message) is written as an escape, so nobody can forge a line.
 */
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point here
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** `http://user:password@host/` → `http://[redacted]@host/`, wherever a URL appears in `text`. */
export function withoutUrlCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi, '$1[redacted]@');
}

/**
 * Registers the password inside a URL (`OPENAI_BASE_URL=http://admin:pw@host/`), so it is caught
 * even where a library prints it apart from its URL. (User names are not secret enough to
 * blank out of every line; inside a URL they are redacted with the password.)
 */
export function registerUrlSecrets(url: string | undefined): void {
  if (!url) return;
  try {
    const { password } = new URL(url);
    registerSecret(password);
    registerSecret(safeDecode(password));
  } catch {
    // Not a URL: nothing inside it to register.
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** JSON-lines-ish logger to stderr, so stdout stays clean for `sanad ask --json`. */
export function createLogger(options: { level?: LogLevel; prefix?: string; write?: (line: string) => void } = {}): Logger {
  const level = options.level ?? 'info';
  const write = options.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const prefix = options.prefix ?? 'sanad';
  const log = (at: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[at] < ORDER[level]) return;
    const extra = fields && Object.keys(fields).length > 0 ? ' ' + safeJson(fields) : '';
    write(escapeControls(redact(`${new Date().toISOString()} ${at.toUpperCase()} [${prefix}] ${message}${extra}`)));
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
