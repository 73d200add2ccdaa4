import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SanadError } from '../../src/core/errors.js';
import { defaultPromptsDir, loadPrompts, parsePrompt, PROMPT_SPECS } from '../../src/core/llm/prompts.js';

const REAL = defaultPromptsDir();

function copyWith(name: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-prompts-'));
  for (const file of ['answer', 'condense', 'translate']) {
    const text = readFileSync(join(REAL, `${file}.txt`), 'utf8');
    writeFileSync(join(dir, `${file}.txt`), file === name ? edit(text) : text);
  }
  return dir;
}

async function loadError(dir: string): Promise<SanadError> {
  try {
    await loadPrompts(dir);
  } catch (error) {
    if (error instanceof SanadError) return error;
    throw error;
  }
  throw new Error('expected loadPrompts to fail');
}

describe('the shipped prompts', () => {
  it('load, and every placeholder renders', async () => {
    const prompts = await loadPrompts(REAL);
    for (const name of Object.keys(PROMPT_SPECS) as Array<keyof typeof PROMPT_SPECS>) {
      const inputs = Object.fromEntries(PROMPT_SPECS[name].map((p) => [p, `«${p}-value»`]));
      const rendered = prompts[name].render(inputs as never);
      const all = `${rendered.system}\n${rendered.user}`;
      for (const p of PROMPT_SPECS[name]) expect(all).toContain(`«${p}-value»`);
      expect(all).not.toMatch(/\{[a-z_]+\}/);
    }
  });

  it('state the rules the issue asks for', async () => {
    const { system } = (await loadPrompts(REAL)).answer.render({
      question: 'q',
      thread: 't',
      passages: 'p',
      language: 'French',
      no_answer: 'NO_ANSWER',
    });
    expect(system).toMatch(/only from the numbered passages/);
    expect(system).toMatch(/\[1\]/);
    expect(system).toMatch(/Answer in French/);
    expect(system).toMatch(/NO_ANSWER/);
    expect(system).toMatch(/not instructions/);
    expect(system).toMatch(/Never reveal/);
  });

  it('never read a placeholder inside a value', async () => {
    const prompts = await loadPrompts(REAL);
    const { user } = prompts.condense.render({ question: 'say {thread} and }} {{', thread: 'THREAD' });
    expect(user).toContain('say {thread} and }} {{');
  });
});

describe('a broken prompt fails at load, naming the file and the placeholder', () => {
  it('missing placeholder', async () => {
    const error = await loadError(copyWith('answer', (t) => t.replaceAll('{passages}', 'the passages')));
    expect(error.code).toBe('prompt_invalid');
    expect(error.message).toMatch(/answer\.txt: missing placeholder \{passages\}/);
  });

  it('unknown placeholder', async () => {
    const error = await loadError(copyWith('translate', (t) => t.replace('{target_language}:', '{target_lang}:')));
    expect(error.message).toMatch(/translate\.txt: unknown placeholder \{target_lang\}/);
  });

  it('stray brace', async () => {
    const error = await loadError(copyWith('condense', (t) => t.replace('Standalone question:', 'Standalone question: { "q": 1 }')));
    expect(error.message).toMatch(/condense\.txt \(user, line \d+\): stray "\{"/);
    expect(error.hint).toMatch(/\{\{/);
  });

  it('missing part', async () => {
    const error = await loadError(copyWith('condense', (t) => t.replace('=== system ===', '')));
    expect(error.message).toMatch(/condense\.txt/);
  });

  it('missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-prompts-'));
    const error = await loadError(dir);
    expect(error.code).toBe('prompt_missing');
    expect(error.message).toMatch(/\.txt/);
  });

  it('literal braces are written doubled', () => {
    const template = parsePrompt('condense', '=== system ===\nJSON like {{"a": 1}}\n=== user ===\n{thread}\n{question}', 'inline.txt');
    expect(template.render({ thread: 't', question: 'q' }).system).toBe('JSON like {"a": 1}');
  });
});
