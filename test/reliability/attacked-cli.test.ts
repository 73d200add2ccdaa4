/**
 * Issue 14, items 9-12, through the real command line (`node bin/sanad.js`, a child process):
 * a password in OPENAI_BASE_URL, an out-of-range deadline, a too-long question, a file name that
 * tries to forge a log line, a data folder under /proc, a HOST that does not exist.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MAX_QUESTION_CHARS } from '../../src/core/assistant.js';
import { ARTICLE, ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';
import { startFakeOpenAI, type FakeOpenAI } from '../llm/fake-openai.js';
import { ROOT, ensureBuilt, sanad } from './helpers/child.js';

const AMBASSADOR_Q = 'من هو سفير فرنسا لدى الأمم المتحدة؟';

beforeAll(() => ensureBuilt(), 120_000);
let fake: FakeOpenAI | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Runs `sanad …`; killed after 45 s so a hang fails the test instead of stalling the suite. */
async function run(args: string[], env: Record<string, string> = {}) {
  const child = sanad(
    args,
    { SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE, SANAD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sanad-attacked-')), ...env },
    mkdtempSync(join(tmpdir(), 'sanad-attacked-cwd-')),
  );
  const killer = setTimeout(() => child.process.kill('SIGKILL'), 45_000);
  const { code, signal } = await child.exited;
  clearTimeout(killer);
  return { code, signal, stdout: child.stdout(), stderr: child.stderr() };
}

describe('command line under attack', () => {
  it('never prints the password inside OPENAI_BASE_URL (item 9)', async () => {
    fake = await startFakeOpenAI();
    fake.embed = () => ({ kind: 'status', status: 500, message: 'embedding backend down' });
    const base = fake.url.replace('http://', 'http://admin:S3cretPassw0rd@');
    const result = await run(['ask', AMBASSADOR_Q], { OPENAI_BASE_URL: base, SANAD_EMBEDDER: 'openai', SANAD_ANSWER_MODE: 'extractive' });
    const printed = result.stdout + result.stderr;
    // The failure was reported, naming the server, so there was something to leak.
    expect(result.code).not.toBe(0);
    expect(printed).toContain(`127.0.0.1:${new URL(fake.url).port}`);
    expect(printed).not.toContain('S3cretPassw0rd');
    expect(printed).not.toContain('admin:');
  }, 60_000);

  it('refuses SANAD_LLM_DEADLINE_MS=99999999999 at start with a message naming it, not exit 70 (item 10)', async () => {
    const result = await run(['ask', AMBASSADOR_Q], { SANAD_LLM_DEADLINE_MS: '99999999999' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SANAD_LLM_DEADLINE_MS must be between 100 and 600000');
    expect(result.stderr).not.toContain('unexpected error');
  }, 60_000);

  it('exits non-zero after printing the refusal of a too-long question, with and without --json (item 11)', async () => {
    const long = 'سؤال '.repeat(Math.ceil((MAX_QUESTION_CHARS + 10) / 5));
    const plain = await run(['ask', long]);
    expect(plain.code).toBe(1);
    expect(plain.stdout).toMatch(/4[,٬]?000|4000/);
    const json = await run(['ask', '--json', long]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ abstained: true, citations: [] });
  }, 90_000);

  it('keeps one log line one line when a file name carries a newline (item 12)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-forge-'));
    copyFileSync(join(ARTICLE_KNOWLEDGE, ARTICLE), join(dir, ARTICLE));
    // Not UTF-8: its name is logged in the warning that skips it.
    writeFileSync(join(dir, 'x\n2026-01-01T00:00:00.000Z ERROR [sanad] FORGED line.txt'), Buffer.from([0xff, 0xfe, 0xfd, 0x80, 0x81]));
    const result = await run(['ask', AMBASSADOR_Q], { SANAD_KNOWLEDGE_DIR: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('FORGED');
    const lines = result.stderr.split('\n');
    expect(lines.filter((l) => l.startsWith('2026-01-01T00:00:00.000Z'))).toEqual([]);
    // And the same file alone: the error that no document is usable names it on one line too.
    const alone = mkdtempSync(join(tmpdir(), 'sanad-forge-'));
    writeFileSync(join(alone, 'y\nFORGED: all good.txt'), Buffer.from([0xff, 0xfe, 0xfd]));
    const failed = await run(['ask', AMBASSADOR_Q], { SANAD_KNOWLEDGE_DIR: alone });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('FORGED');
    expect(failed.stderr.split('\n').filter((l) => l.startsWith('FORGED'))).toEqual([]);
  }, 60_000);

  it('does not hang on SANAD_DATA_DIR under /proc: it answers, saying the folder cannot be made (item 12)', async () => {
    const result = await run(['ask', AMBASSADOR_Q], { SANAD_DATA_DIR: '/proc/sanad-nope/data' });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ديلاتر');
    expect(result.stderr).toMatch(/cannot be created/);
  }, 60_000);

  it('explains HOST=999.1.1.1 instead of "unexpected error: getaddrinfo ENOTFOUND" (item 12)', async () => {
    const result = await run(['start'], { HOST: '999.1.1.1', PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HOST=999.1.1.1 is not an address');
    expect(result.stderr).toContain('HOST=127.0.0.1');
    expect(result.stderr).not.toContain('unexpected error');
  }, 60_000);

  it('answers a --jsonl line made only of NUL characters with empty_question (item 12)', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'bin/sanad.js'), 'ask', '--jsonl'], {
      input: `\u0000\u0000\u0000\n${AMBASSADOR_Q}\n`,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '',
        SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE,
        SANAD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sanad-nul-')),
      },
      cwd: tmpdir(),
      timeout: 45_000,
    });
    const [first, second] = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, any>);
    expect(first).toMatchObject({ line: 1, error: { code: 'empty_question' } });
    expect(second!.answer).toContain('ديلاتر');
  }, 60_000);
});
