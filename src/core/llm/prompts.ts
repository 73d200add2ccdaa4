import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SanadError } from '../errors.js';

/**
 * Prompts are text files in `prompts/`, one per task, each with a `=== system ===` and a
 * `=== user ===` part. `{name}` is a placeholder, `{{` and `}}` are literal braces. Every file
 * is checked and rendered with dummy inputs at load, so a broken prompt fails at start with a
 * message naming the file and the placeholder, not on the first question.
 */

export const PROMPT_SPECS = {
  answer: ['question', 'thread', 'passages', 'language', 'no_answer'],
  condense: ['question', 'thread'],
  translate: ['question', 'source_language', 'target_language'],
} as const satisfies Record<string, readonly string[]>;

export type PromptName = keyof typeof PROMPT_SPECS;
export type PromptInputs<N extends PromptName> = Record<(typeof PROMPT_SPECS)[N][number], string>;

export interface ChatPrompt {
  system: string;
  user: string;
}

export interface PromptTemplate<N extends PromptName = PromptName> {
  name: N;
  file: string;
  render(inputs: PromptInputs<N>): ChatPrompt;
}

export type Prompts = { [N in PromptName]: PromptTemplate<N> };

type Token = { literal: string } | { placeholder: string };

function tokenize(template: string, file: string, part: string): Token[] {
  const tokens: Token[] = [];
  const re = /\{\{|\}\}|\{([a-z_][a-z0-9_]*)\}|[{}]/g;
  let last = 0;
  for (const m of template.matchAll(re)) {
    const index = m.index ?? 0;
    if (index > last) tokens.push({ literal: template.slice(last, index) });
    if (m[0] === '{{') tokens.push({ literal: '{' });
    else if (m[0] === '}}') tokens.push({ literal: '}' });
    else if (m[1]) tokens.push({ placeholder: m[1] });
    else {
      const line = template.slice(0, index).split('\n').length;
      throw new SanadError('prompt_invalid', `${file} (${part}, line ${line}): stray "${m[0]}"`, {
        hint: 'Write {name} for a placeholder and {{ or }} for a literal brace.',
      });
    }
    last = index + m[0].length;
  }
  if (last < template.length) tokens.push({ literal: template.slice(last) });
  return tokens;
}

/** Splits a prompt file into its system and user parts. */
function splitParts(text: string, file: string): ChatPrompt {
  const parts: Record<string, string[]> = {};
  let current: string | null = null;
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    const header = /^===\s*(system|user)\s*===\s*$/.exec(line);
    if (header?.[1]) {
      current = header[1];
      if (parts[current]) throw new SanadError('prompt_invalid', `${file}: two "=== ${current} ===" parts`);
      parts[current] = [];
    } else if (current) parts[current]?.push(line);
    else if (line.trim() !== '' && !line.startsWith('#')) {
      throw new SanadError('prompt_invalid', `${file}: text before the first "=== system ===" or "=== user ===" line`, {
        hint: 'Start the file with "=== system ===", then the system prompt, then "=== user ===" and the user prompt. Lines starting with # before them are comments.',
      });
    }
  }
  const system = parts.system?.join('\n').trim();
  const user = parts.user?.join('\n').trim();
  if (!system) throw new SanadError('prompt_invalid', `${file}: missing or empty "=== system ===" part`);
  if (!user) throw new SanadError('prompt_invalid', `${file}: missing or empty "=== user ===" part`);
  return { system, user };
}

/** Builds and checks one template from a file's text; throws SanadError('prompt_invalid'). */
export function parsePrompt<N extends PromptName>(name: N, text: string, file: string): PromptTemplate<N> {
  const required: readonly string[] = PROMPT_SPECS[name];
  const { system, user } = splitParts(text, file);
  const parts = { system: tokenize(system, file, 'system'), user: tokenize(user, file, 'user') };
  const used = new Set<string>();
  for (const tokens of Object.values(parts)) for (const t of tokens) if ('placeholder' in t) used.add(t.placeholder);
  for (const placeholder of used) {
    if (!required.includes(placeholder)) {
      throw new SanadError('prompt_invalid', `${file}: unknown placeholder {${placeholder}}`, {
        hint: `${name} prompts may use ${required.map((r) => `{${r}}`).join(', ')}; write {{ and }} for literal braces.`,
      });
    }
  }
  for (const placeholder of required) {
    if (!used.has(placeholder)) {
      throw new SanadError('prompt_invalid', `${file}: missing placeholder {${placeholder}}`, {
        hint: `${name} prompts must use ${required.map((r) => `{${r}}`).join(', ')}.`,
      });
    }
  }
  const fill = (tokens: Token[], inputs: Record<string, string>) =>
    tokens.map((t) => ('literal' in t ? t.literal : (inputs[t.placeholder] ?? '')).toString()).join('');
  const template: PromptTemplate<N> = {
    name,
    file,
    render(inputs) {
      const values = inputs as Record<string, string>;
      for (const r of required) {
        if (typeof values[r] !== 'string') throw new SanadError('prompt_input', `${file}: no value for {${r}}`);
      }
      // One pass over pre-split tokens: text inside a value is never read as a placeholder.
      return { system: fill(parts.system, values), user: fill(parts.user, values) };
    },
  };
  // Rendered once with dummy inputs, as LangChain's checkValidTemplate does.
  const dummy = Object.fromEntries(required.map((r) => [r, `<${r}>`])) as PromptInputs<N>;
  const rendered = template.render(dummy);
  for (const r of required) {
    if (!rendered.system.includes(`<${r}>`) && !rendered.user.includes(`<${r}>`)) {
      throw new SanadError('prompt_invalid', `${file}: placeholder {${r}} does not render`);
    }
  }
  return template;
}

/** Reads `answer.txt`, `condense.txt` and `translate.txt` from `dir` and checks each. */
export async function loadPrompts(dir: string): Promise<Prompts> {
  const load = async <N extends PromptName>(name: N): Promise<PromptTemplate<N>> => {
    const file = join(dir, `${name}.txt`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      throw new SanadError('prompt_missing', `cannot read prompt ${file}`, {
        hint: `Restore ${name}.txt in the prompts folder (it ships with sanad).`,
        cause,
      });
    }
    return parsePrompt(name, text, file);
  };
  const [answer, condense, translate] = await Promise.all([load('answer'), load('condense'), load('translate')]);
  return { answer, condense, translate };
}

/** The `prompts/` folder shipped with sanad: found upward from this file (src or dist). */
export function defaultPromptsDir(): string {
  let dir = import.meta.dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'prompts', 'answer.txt'))) return join(dir, 'prompts');
    dir = dirname(dir);
  }
  return join(process.cwd(), 'prompts');
}
