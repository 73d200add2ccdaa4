import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';

const BIN = resolve(import.meta.dirname, '../../bin/sanad.js');

/** Runs the real command as a user would, with a clean environment (no tokens, no keys). */
function sanad(args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
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
    cwd: resolve(import.meta.dirname, '../..'),
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function folder(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-cli-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

describe('sanad ask --json (the contract other tools rely on)', () => {
  it('prints one JSON object with the documented shape', () => {
    const { code, stdout } = sanad(['ask', '--json', 'من هو سفير فرنسا لدى الأمم المتحدة؟']);
    expect(code).toBe(0);
    const answer = JSON.parse(stdout);
    expect(Object.keys(answer)).toEqual(
      expect.arrayContaining(['question', 'answer', 'abstained', 'language', 'mode', 'citations', 'retrieved', 'timings']),
    );
    expect(answer).toMatchObject({ question: 'من هو سفير فرنسا لدى الأمم المتحدة؟', abstained: false, language: 'ar', mode: 'extractive' });
    expect(answer.answer).toContain('ديلاتر');
    const [citation] = answer.citations;
    expect(Object.keys(citation)).toEqual(
      expect.arrayContaining(['n', 'document', 'title', 'paragraph', 'section', 'text', 'quote', 'score']),
    );
    expect(citation.paragraph).toBe(2);
    expect(citation.text).toContain(citation.quote);
    expect(answer.retrieved.length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(answer.retrieved[0])).toEqual(
      expect.arrayContaining(['document', 'title', 'paragraph', 'section', 'text', 'score']),
    );
    expect(answer.timings).toEqual({ retrieveMs: expect.any(Number), answerMs: expect.any(Number), totalMs: expect.any(Number) });
  });

  it('prints a readable answer with its sources without --json', () => {
    const { code, stdout } = sanad(['ask', 'ما اسم العملية العسكرية الفرنسية في مالي عام 2013؟']);
    expect(code).toBe(0);
    expect(stdout).toContain('سيرفال');
    expect(stdout).toMatch(/\[1\] .*¶20 · منطقة الساحل/);
  });
});

describe('sanad ask --jsonl', () => {
  it('answers each stdin line in order, one JSON object a line', () => {
    const questions = [
      'من هو سفير فرنسا لدى الأمم المتحدة؟',
      '',
      'من فاز بكأس العالم لكرة القدم عام 2018؟',
      'أين سينظم مؤتمر متابعة نتائج مؤتمر باريس؟',
    ];
    const { code, stdout } = sanad(['ask', '--jsonl'], { input: questions.join('\n') + '\n' });
    expect(code).toBe(0);
    const lines = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    // One line out per line in: the blank one is an error object in its place.
    expect(lines.map((l) => l.question ?? null)).toEqual([questions[0], null, questions[2], questions[3]]);
    expect(lines[1].error.code).toBe('empty_question');
    expect(lines[2].abstained).toBe(true);
    expect(lines[3].answer).toContain('أستراليا');
  });
});

describe('sanad chat', () => {
  it('answers every piped line in order, with the thread as the conversation', () => {
    const { code, stdout } = sanad(['chat'], { input: 'ما هي عملية شمال؟\nومتى حدث ذلك؟\n/new\nشكرا\n/quit\nمن هو سفير فرنسا؟\n' });
    expect(code).toBe(0);
    const answers = stdout
      .split('›')
      .slice(1)
      .map((part) => part.trim())
      .filter(Boolean);
    expect(answers).toHaveLength(4);
    expect(answers[0]).toContain('عملية شمال');
    expect(answers[1]).toContain('2014');
    expect(answers[2]).toContain('(new thread)');
    expect(answers[3]).toContain('على الرحب والسعة');
    expect(stdout).not.toContain('ديلاتر');
  });
});

describe('bad input: a clear message and a non-zero exit, never a stack trace', () => {
  const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);

  it('an empty question', () => {
    const { code, stderr } = sanad(['ask', '   ']);
    expect(code).toBe(2);
    expect(stderr).toContain('The question is empty');
    noStack(stderr);
  });

  it('a missing knowledge folder', () => {
    const { code, stderr } = sanad(['ask', 'سؤال', '--knowledge', '/nonexistent/folder']);
    expect(code).toBe(1);
    expect(stderr).toContain('does not exist');
    expect(stderr).toContain('--knowledge');
    noStack(stderr);
  });

  it('an empty knowledge folder', () => {
    const { code, stderr } = sanad(['ask', 'سؤال', '--knowledge', folder({})]);
    expect(code).toBe(1);
    expect(stderr).toContain('no usable documents');
    noStack(stderr);
  });

  it('a folder whose only files are not text or not UTF-8', () => {
    const dir = folder({
      'image.txt': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]),
      'latin1.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0xe0]),
    });
    const { code, stderr } = sanad(['ask', 'سؤال', '--knowledge', dir]);
    expect(code).toBe(1);
    expect(stderr).toContain('image.txt is not a text file');
    expect(stderr).toContain('latin1.txt is not valid UTF-8');
    noStack(stderr);
  });

  it('skips a bad file next to good ones, with a warning', () => {
    const dir = folder({
      'good.txt': 'Title\nThe committee meets every Tuesday at ten in the main hall of the building.\n',
      'bad.txt': Buffer.from([0xff, 0xfe, 0x00, 0x00]),
    });
    const { code, stdout, stderr } = sanad(['ask', '--json', 'When does the committee meet?', '--knowledge', dir]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout).answer).toContain('Tuesday');
    expect(stderr).toContain('skipped knowledge file bad.txt');
  });

  it('an unknown command and a bad configuration', () => {
    expect(sanad(['frobnicate']).code).toBe(2);
    const bad = sanad(['ask', 'سؤال'], { env: { PORT: 'eighty' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('PORT must be a port number');
    noStack(bad.stderr);
  });
});

describe('sanad eval and index', () => {
  it('reports retrieval and answer figures on a QA file', () => {
    const qa = folder({
      'qa.json': JSON.stringify({
        questions: [
          {
            id: 'a',
            lang: 'ar',
            question: 'من هو سفير فرنسا لدى الأمم المتحدة؟',
            evidence: ['فرنسوا ديلاتر'],
            answers: ['ديلاتر'],
            answerable: true,
          },
          { id: 'b', lang: 'ar', question: 'من فاز بكأس العالم لكرة القدم عام 2018؟', evidence: [], answers: [], answerable: false },
        ],
      }),
    });
    const { code, stdout } = sanad(['eval', join(qa, 'qa.json'), '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.overall).toMatchObject({
      questions: 2,
      answerable: 1,
      hitAt1: 1,
      firstHoldsAnswer: 1,
      answerAccuracy: 1,
      unanswerableDeclined: 1,
      answerableWronglyDeclined: 0,
    });
    expect(report.byLanguage.ar.questions).toBe(2);
  });

  it('says what is wrong with a QA file', () => {
    const { code, stderr } = sanad(['eval', '/nonexistent/qa.json']);
    expect(code).toBe(1);
    expect(stderr).toContain('The QA file /nonexistent/qa.json does not exist.');
  });

  it('indexes the knowledge and lists what it holds', () => {
    const { code, stdout } = sanad(['index']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/indexed 1 document\(s\), 35 paragraphs \(1 repeats an earlier one/);
    expect(stdout).toContain('2019-02-03');
  });
});
