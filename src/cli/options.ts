import { parseArgs } from 'node:util';
import { dayProblem } from '../briefing/time.js';
import { SanadError } from '../core/errors.js';
import { closestName } from '../core/text/closest.js';

/**
 * The command line, read one way for every command: which options each command takes, what a
 * value must look like, and a one-line error naming the option (with the closest known one)
 * instead of Node's `parseArgs` text.
 */

interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** What the value stands for in messages, e.g. DIR. */
  value?: string;
  /** Null when the value is fine, else why it is not (shown after the option's name). */
  check?: (value: string) => string | null;
}

/** Every option any command takes. */
export const OPTIONS = {
  knowledge: { type: 'string', value: 'DIR' },
  json: { type: 'boolean' },
  jsonl: { type: 'boolean' },
  channel: { type: 'string', value: 'ID' },
  date: { type: 'string', value: 'YYYY-MM-DD', check: dayOptionProblem },
  post: { type: 'boolean' },
  limit: { type: 'string', value: 'N', check: (v) => (/^[1-9]\d*$/.test(v) ? null : `must be a whole number above 0 (got "${v}")`) },
  corpus: { type: 'string', value: 'QA_FILE' },
  collection: { type: 'string', value: 'NAME' },
  'allow-private': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

/** Options every command takes. */
const COMMON: OptionName[] = ['knowledge', 'help'];

/** The commands and the options of each, besides the common ones. */
export const COMMANDS: Record<string, OptionName[]> = {
  ask: ['json', 'jsonl'],
  chat: [],
  index: [],
  add: ['collection', 'allow-private'],
  eval: ['json', 'corpus', 'limit'],
  sources: ['json'],
  start: [],
  briefing: ['channel', 'date', 'json', 'post'],
  discord: [],
  help: [],
};

export interface ParsedCommandLine {
  /** The command, or null when none was given. */
  command: string | null;
  positionals: string[];
  values: Partial<Record<OptionName, string | boolean>>;
}

/**
 * Reads argv. Throws a `usage` SanadError for an unknown command or option (suggesting the
 * closest), an option the command does not take, a missing or unwanted value, or a value that
 * fails its check (a date that is not a real day).
 */
export function parseCommandLine(argv: string[]): ParsedCommandLine {
  // Not strict: every token comes back, so the errors below can name the option themselves.
  const { tokens } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: false, tokens: true });
  const positionals = tokens.flatMap((t) => (t.kind === 'positional' ? [t.value] : []));
  const command = positionals[0] ?? null;
  if (command !== null && !(command in COMMANDS)) {
    const near = closestName(command, Object.keys(COMMANDS));
    throw new SanadError('usage', `unknown command "${command}"${near ? ` (did you mean "${near}"?)` : ''}.`, {
      hint: `Commands: ${Object.keys(COMMANDS)
        .filter((c) => c !== 'help')
        .join(', ')}. See sanad --help.`,
    });
  }
  const allowed = [...COMMON, ...(command ? COMMANDS[command]! : (Object.keys(OPTIONS) as OptionName[]))];
  const values: ParsedCommandLine['values'] = {};
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const name = token.name as OptionName;
    const spec: OptionSpec | undefined = OPTIONS[name];
    if (!spec || !allowed.includes(name)) throw unknownOption(token.rawName, command, allowed, !!spec);
    if (spec.type === 'boolean') {
      if (token.inlineValue)
        throw new SanadError('usage', `${token.rawName} takes no value (got "${token.value}").`, { hint: `Write ${token.rawName} alone.` });
      values[name] = true;
      continue;
    }
    const example = `${token.rawName} ${spec.value ?? 'VALUE'}`;
    if (token.value === undefined) throw new SanadError('usage', `${token.rawName} needs a value.`, { hint: `Write ${example}.` });
    // "--channel --json": the next option was taken as the value, which is never what was meant.
    if (!token.inlineValue && token.value.startsWith('-')) {
      throw new SanadError('usage', `${token.rawName} needs a value, but is followed by ${token.value}.`, {
        hint: `Write ${example} (or ${token.rawName}=${token.value} if the value really starts with a dash).`,
      });
    }
    const problem = spec.check?.(token.value);
    if (problem) throw new SanadError('usage', `${token.rawName} ${problem}.`, { hint: `Write ${example}.` });
    values[name] = token.value;
  }
  return { command, positionals: positionals.slice(1), values };
}

function unknownOption(raw: string, command: string | null, allowed: OptionName[], existsElsewhere: boolean): SanadError {
  const forCommand = command ? ` for sanad ${command}` : '';
  const names = allowed.map((n) => `--${n}`);
  if (existsElsewhere) {
    const takers = Object.entries(COMMANDS)
      .filter(([, opts]) => opts.includes(raw.replace(/^-+/, '') as OptionName))
      .map(([c]) => `sanad ${c}`);
    return new SanadError('usage', `${raw} is not an option${forCommand}; it belongs to ${takers.join(', ')}.`, {
      hint: `sanad ${command ?? ''} takes ${names.join(', ')}.`,
    });
  }
  const near = closestName(raw.replace(/^-+/, ''), allowed);
  return new SanadError('usage', `unknown option ${raw}${forCommand}${near ? ` (did you mean --${near}?)` : ''}.`, {
    hint: `${command ? `sanad ${command}` : 'sanad'} takes ${names.join(', ')}; see sanad --help.`,
  });
}

/**
 * The one check of a day given on the command line (`--date`): YYYY-MM-DD and a day that exists.
 * Null when fine; the same `dayProblem` the briefing command itself checks with.
 */
export function dayOptionProblem(value: string): string | null {
  const problem = dayProblem(value);
  return problem ? `must be a real day as YYYY-MM-DD (got "${value}": ${problem})` : null;
}
