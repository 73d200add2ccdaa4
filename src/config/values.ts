import { SanadError } from '../core/errors.js';

/** The environment as sanad reads it. */
export type Env = Record<string, string | undefined>;

export function invalid(name: string, problem: string, hint: string): SanadError {
  return new SanadError('config_invalid', `${name} ${problem}`, { hint });
}

/** A variable's trimmed value; blank is unset. */
export function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/**
 * An explicit value (given in code: a test, an embedding program) beats the variable. Errors
 * name where the value came from and the other source, so either can be fixed.
 */
export function pick<T>(
  explicit: T | undefined,
  env: Env,
  name: string,
  option: string,
): { value: T | string | undefined; source: string } {
  if (explicit !== undefined) return { value: explicit, source: `${option} (given explicitly; it takes the place of ${name})` };
  return { value: value(env, name), source: name };
}

/** An http(s) URL, or undefined when unset. */
export function httpUrl(raw: string | undefined, source: string, name: string): string | undefined {
  if (raw === undefined) return undefined;
  try {
    const parsed = new URL(raw);
    if (!/^https?:$/.test(parsed.protocol)) throw new Error('protocol');
    return raw;
  } catch {
    throw invalid(source, `must be an http(s) URL, got "${raw}"`, `Set ${name} to a full URL such as http://127.0.0.1:8080/ or remove it.`);
  }
}

export const DEFAULT_PORT = 3000;

/** The one PORT rule: a whole number from 0 to 65535, 0 picking a free port. */
export function resolvePort(env: Env, explicit?: number): number {
  const { value: raw, source } = pick(explicit, env, 'PORT', 'port');
  if (raw === undefined) return DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw invalid(
      source,
      `must be a port number between 0 and 65535 (0 picks a free one), got "${raw}"`,
      `Set PORT=${DEFAULT_PORT} or another free port.`,
    );
  }
  return port;
}

export const DEFAULT_HOST = '127.0.0.1';

export function resolveHost(env: Env, explicit?: string): string {
  return explicit ?? value(env, 'HOST') ?? DEFAULT_HOST;
}
