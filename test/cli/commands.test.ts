/**
 * The `sanad` command as a first-time user meets it: each test runs the real command (bin →
 * dist) in a clean environment and checks what it prints and its exit code.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack, TOKENS } from '../slack/helpers/fake-slack.js';
import { ensureBuilt, sanad as spawnSanad } from '../reliability/helpers/child.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/sanad.js');
const RLM = '\u200F';
const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);

beforeAll(() => ensureBuilt());

/** Runs the real command with a clean environment (no tokens, no keys), stdout and stdin piped. */
function sanad(args: string[], options: { input?: string; env?: Record<string, string>; cwd?: string } = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    input: options.input,
    encoding: 'utf8',
    // The article fixture, not the repository's knowledge/ (a --knowledge flag still wins).
    env: {
      PATH: process.env.PATH ?? '',
      SANAD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sanad-cli-data-')),
      SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE,
      ...options.env,
    },
    cwd: options.cwd ?? ROOT,
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-cli-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** A config file with one Slack channel that has a briefing. */
const BRIEFING_CONFIG = 'channels:\n  - platform: slack\n    id: C0NEWS\n    briefing: { cron: "0 8 * * *" }\n';

describe('sanad briefing --date (item 1)', () => {
  const config = () => join(folder({ 'sanad.config.yaml': BRIEFING_CONFIG }), 'sanad.config.yaml');

  it.each([
    ['2026-13-01', 'there is no month 13'],
    ['2026-12-32', 'December 2026 has 31 days'],
    ['2026-00-10', 'there is no month 0'],
    ['2026-12-00', 'there is no day 0'],
    ['2026-02-30', 'February 2026 has 28 days'],
  ])('%s gets the usage message, exit 2', (day, why) => {
    const { code, stderr } = sanad(['briefing', '--channel', 'C0NEWS', '--date', day], { env: { SANAD_CONFIG: config() } });
    expect(code).toBe(2);
    expect(stderr).toContain(`sanad: --date must be a real day as YYYY-MM-DD (got "${day}": ${why}).`);
    expect(stderr).not.toContain('unexpected error');
    noStack(stderr);
  });

  it('prints the briefing of a real day', () => {
    const { code, stdout } = sanad(['briefing', '--channel', 'C0NEWS', '--date', '2026-12-31'], { env: { SANAD_CONFIG: config() } });
    expect(code).toBe(0);
    expect(stdout).toContain('2026-12-31');
  });
});

describe('a mistyped option (item 2)', () => {
  it('names the option and suggests the closest, in one balanced line', () => {
    const { code, stderr } = sanad(['ask', '--jsn', 'x']);
    expect(code).toBe(2);
    const [first] = stderr.split('\n');
    expect(first).toBe('sanad: unknown option --jsn for sanad ask (did you mean --json?).');
    expect((stderr.match(/'/g) ?? []).length % 2).toBe(0);
    expect(stderr).not.toContain('To specify a positional argument');
  });
});

describe('sanad index (item 3)', () => {
  it('gives one paragraph count, the one citations use, and says how repeats are folded', () => {
    const { code, stdout } = sanad(['index']);
    expect(code).toBe(0);
    const total = /indexed 1 document\(s\), (\d+) paragraphs/.exec(stdout)?.[1];
    const document = /france-counterterrorism\.ar\.txt: .*, (\d+) paragraphs/.exec(stdout)?.[1];
    expect(total).toBe('35');
    expect(document).toBe(total);
    expect(stdout).toContain('1 repeats an earlier one: indexed and cited once, at the first place');
    // ¶35 is cited: the count is the one citations go up to.
    const last = JSON.parse(sanad(['ask', '--json', 'ما هي جهود فرنسا لتعزيز قدرات شركائها على محاربة الإرهاب؟']).stdout) as {
      retrieved: { paragraph: number }[];
    };
    expect(Math.max(...last.retrieved.map((r) => r.paragraph))).toBeLessThanOrEqual(Number(total));
  });
});

describe('sanad chat commands (item 4)', () => {
  it('lists its commands on /help, and never sends an unknown /command as a question', () => {
    const { code, stdout } = sanad(['chat'], { input: '/help\n/foo bar\n/quit\n' });
    expect(code).toBe(0);
    const replies = stdout
      .split('›')
      .slice(1)
      .map((part) => part.trim());
    expect(replies[0]).toMatch(/^Commands:\n\s+\/help .*\n\s+\/new .*\n\s+\/quit /);
    expect(replies[1]).toMatch(/^unknown command \/foo\. Commands:/);
    // Nothing was answered: no decline, no sources, no timing line.
    expect(stdout).not.toMatch(/لم أجد|extractive|المصادر/);
  });
});

describe('sanad ask --jsonl (item 5)', () => {
  it('writes one line per input line, an error object for a blank one', () => {
    const questions = ['من هو سفير فرنسا لدى الأمم المتحدة؟', '', '   ', 'أين سينظم مؤتمر متابعة نتائج مؤتمر باريس؟'];
    const { code, stdout } = sanad(['ask', '--jsonl'], { input: questions.join('\n') + '\n' });
    expect(code).toBe(0);
    const lines = stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(questions.length);
    expect(lines[0]!.question).toBe(questions[0]);
    expect(lines[1]).toEqual({ line: 2, error: { code: 'empty_question', message: 'Line 2 is empty: there is no question to answer.' } });
    expect(lines[2]).toMatchObject({ line: 3, error: { code: 'empty_question' } });
    expect(lines[3]!.question).toBe(questions[3]);
    expect(lines[3]!.answer).toContain('أستراليا');
  });
});

describe('bidi marks (item 6)', () => {
  it('writes no U+200F when stdout is not a terminal', () => {
    const { code, stdout } = sanad(['ask', 'من هو سفير فرنسا لدى الأمم المتحدة؟']);
    expect(code).toBe(0);
    expect(stdout).toContain('ديلاتر');
    expect(stdout).not.toContain(RLM);
  });
});

describe('eval without the benchmark files (item 7)', () => {
  it('says what is missing and how to run eval on another file', () => {
    const { code, stderr } = sanad(['eval', '../shared/bench/article-qa.json'], { cwd: folder({ 'README.md': 'a fresh clone' }) });
    expect(code).toBe(1);
    expect(stderr).toContain(
      'The QA file ../shared/bench/article-qa.json does not exist (the benchmark sets live in ../shared/bench/, beside the repository, not in it).',
    );
    expect(stderr).toContain('Run eval on your own file: npx sanad eval path/to/qa.json');
    expect(stderr).toContain('"questions": [{');
    expect(stderr).not.toContain('ENOENT');
    noStack(stderr);
  });
});

describe('posting a briefing with only the bot token (item 8)', () => {
  let slack: FakeSlack | undefined;
  afterEach(async () => {
    await slack?.close();
    slack = undefined;
  });

  it('posts: SLACK_APP_TOKEN and SLACK_SIGNING_SECRET are for receiving, not posting', async () => {
    slack = await new FakeSlack().start();
    const dir = folder({ 'sanad.config.yaml': BRIEFING_CONFIG });
    const child = spawnSanad(
      ['briefing', '--channel', 'C0NEWS', '--post', '--date', '2026-12-01'],
      {
        SLACK_BOT_TOKEN: TOKENS.bot,
        SLACK_API_URL: slack.apiUrl,
        SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE,
        SANAD_DATA_DIR: join(dir, 'data'),
      },
      dir,
    );
    const { code } = await child.exited;
    expect(child.stderr()).not.toContain('neither SLACK_APP_TOKEN');
    expect(child.stdout()).toContain('Posted the briefing slack:C0NEWS:2026-12-01.');
    expect(code).toBe(0);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
  });

  it('still tells sanad start that it cannot receive messages with the bot token alone', async () => {
    const dir = folder({});
    const child = spawnSanad(
      ['start'],
      { SLACK_BOT_TOKEN: TOKENS.bot, PORT: '0', SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE, SANAD_DATA_DIR: join(dir, 'data') },
      dir,
    );
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 20_000);
    const { code } = await child.exited;
    clearTimeout(timer);
    expect(code).toBe(1);
    expect(child.stderr()).toContain(
      'neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP events) is, so the bot cannot receive messages',
    );
    expect(child.stderr()).toContain('sanad briefing --post needs only SLACK_BOT_TOKEN');
  });
});

describe('cross-language questions offline (item 17, the CLI side)', () => {
  it('answers the user plainly and gives the administrator the setting on stderr', () => {
    const { code, stdout, stderr } = sanad(['ask', 'Who is the French ambassador to the United Nations?']);
    expect(code).toBe(0);
    expect(stdout).toContain('The documents are in Arabic');
    expect(stdout).not.toMatch(/OPENAI_/);
    expect(stderr).toContain('OPENAI_API_KEY');
    expect(stderr).toContain('OPENAI_BASE_URL');
  });
});
