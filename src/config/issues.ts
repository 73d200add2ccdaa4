import type { z } from 'zod';
import { closestName } from '../core/text/closest.js';

/**
 * A zod issue of the config file turned into a sentence a person can act on: where, what was
 * found, what is allowed (with the nearest allowed key for a misspelt one).
 */
const ALLOWED_KEYS: Record<string, string[]> = {
  root: ['sources', 'retentionDays', 'briefingGraceHours', 'defaults', 'channels'],
  defaults: ['respond', 'collections', 'language', 'placement', 'rateLimit', 'allowBots', 'briefing'],
  channel: ['platform', 'id', 'name', 'respond', 'collections', 'language', 'placement', 'rateLimit', 'allowBots', 'briefing'],
  briefing: ['cron', 'timezone', 'collections', 'whenQuiet', 'language'],
  rateLimit: ['perUserPerMinute', 'perChannelPerMinute'],
  source: ['url', 'kind', 'name', 'every', 'collection', 'keep', 'allowPrivate'],
};

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || '(top level)';
}

export function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const at = formatPath(issue.path);
  const input = valueAt(data, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(issue.path);
      return issue.keys
        .map((key) => {
          const near = closestName(key, allowed);
          const where = formatPath([...issue.path, key]);
          return `${where}: unknown key${near ? ` (did you mean "${near}"?)` : ''}; allowed here: ${allowed.join(', ')}`;
        })
        .join('\n  - ');
    }
    case 'invalid_value':
      if (input === undefined) return `${at}: required (one of ${issue.values.map(String).join(', ')})`;
      return `${at}: must be one of ${issue.values.map(String).join(', ')} (got ${show(input)})`;
    case 'invalid_type':
      if (input === undefined) return `${at}: required (${expected(issue.expected)})`;
      if (issue.message && !issue.message.startsWith('Invalid input')) return `${at}: ${issue.message} (got ${show(input)})`;
      return `${at}: must be ${expected(issue.expected)} (got ${show(input)})`;
    case 'too_small':
      if (issue.origin === 'array') return `${at}: must list at least ${issue.minimum} name${Number(issue.minimum) === 1 ? '' : 's'}`;
      if (issue.origin === 'string') return `${at}: must not be empty`;
      return `${at}: must be at least ${issue.minimum} (got ${show(input)})`;
    case 'too_big':
      return `${at}: must be at most ${issue.maximum} (got ${show(input)})`;
    default:
      return `${at}: ${issue.message}`;
  }
}

function expected(type: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    int: 'a whole number',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping of keys to values',
  };
  return names[type] ?? type;
}

function allowedKeysAt(path: readonly PropertyKey[]): string[] {
  const last = path[path.length - 1];
  if (path.length === 0) return ALLOWED_KEYS.root!;
  if (last === 'defaults') return ALLOWED_KEYS.defaults!;
  if (last === 'briefing') return ALLOWED_KEYS.briefing!;
  if (last === 'rateLimit') return ALLOWED_KEYS.rateLimit!;
  if (typeof last === 'number' && path[0] === 'channels') return ALLOWED_KEYS.channel!;
  if (typeof last === 'number' && path[0] === 'sources') return ALLOWED_KEYS.source!;
  return [];
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let value = data;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}
