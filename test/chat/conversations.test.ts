import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAssistant } from '../../src/core/index.js';
import { readChatSet, runChatEval, type ChatReport } from '../../src/eval/chat.js';

/**
 * The chat conversations of test/fixtures/chat (90 conversations, 195 turns in Gulf, Levantine,
 * Egyptian, Maghrebi, MSA and typos, over the article and a team handbook), asked turn by turn
 * with the bot's own answers as history. The floors sit just under what the offline reader
 * reached when they were written down: a change that loses ground here loses it in chat.
 */
const FIXTURES = resolve(import.meta.dirname, '../fixtures/chat');
const file = JSON.parse(readFileSync(join(FIXTURES, 'conversations.json'), 'utf8')) as { conversations: unknown[] };
let report: ChatReport;

beforeAll(async () => {
  const assistant = await createAssistant({ knowledgeDir: join(FIXTURES, 'knowledge'), cacheDir: null });
  report = await runChatEval(assistant, readChatSet('conversations.json', file));
  await assistant.close();
});

describe('the chat conversations of the fixtures', () => {
  it('covers the four dialects and MSA with at least 40 conversations', () => {
    expect(file.conversations.length).toBeGreaterThanOrEqual(40);
    expect(Object.keys(report.byDialect)).toEqual(expect.arrayContaining(['gulf', 'levantine', 'egyptian', 'maghrebi', 'msa']));
  });

  it('gets the capability reply for every "what can you do?"', () => {
    expect(report.overall.helpTurns).toBeGreaterThan(0);
    expect(report.overall.helpReplies).toBe(1);
  });

  it('answers, declines and keeps answers short at least as well as when written down', () => {
    const o = report.overall;
    // Measured 0.805, 0.774 and 0.097 on 2026-12-02 (npx sanad eval test/fixtures/chat/conversations.json --knowledge test/fixtures/chat/knowledge).
    expect(o.answerAccuracy).toBeGreaterThanOrEqual(0.78);
    expect(o.accuracyShort).toBe(o.answerAccuracy);
    expect(o.unanswerableDeclined).toBeGreaterThanOrEqual(0.74);
    expect(o.answeredWrongly).toBeLessThanOrEqual(0.12);
  });
});

describe('sanad eval on a chat file', () => {
  const conversations = {
    about: 'two conversations',
    conversations: [
      {
        id: 'k1',
        dialect: 'gulf',
        turns: [
          {
            question: 'وش اسم المؤتمر اللي صار في باريس عن تمويل الإرهاب؟',
            expect: 'answer',
            answers: ['لا لتمويل الإرهاب'],
            evidence: ['مؤتمر دولي في باريس'],
          },
          { question: 'متى انعقد؟', expect: 'answer', answers: ['25 و26 أبريل'], evidence: ['مؤتمر دولي في باريس'] },
        ],
      },
      {
        id: 'k2',
        dialect: 'levantine',
        turns: [
          { question: 'شو بتقدر تعمل؟', expect: 'help' },
          { question: 'متى انتهت عملية سيرفال؟', expect: 'decline' },
        ],
      },
    ],
  };

  it('asks each conversation in order with its history and reports per dialect', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-chat-eval-'));
    writeFileSync(join(dir, 'chat.json'), JSON.stringify(conversations));
    const result = spawnSync(
      process.execPath,
      [
        resolve(import.meta.dirname, '../../bin/sanad.js'),
        'eval',
        join(dir, 'chat.json'),
        '--knowledge',
        join(FIXTURES, 'knowledge'),
        '--json',
      ],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', SANAD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sanad-chat-data-')) },
        timeout: 60_000,
      },
    );
    expect(result.status, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as ChatReport;
    expect(out.overall).toMatchObject({
      turns: 4,
      answerTurns: 2,
      declineTurns: 1,
      helpTurns: 1,
      answerAccuracy: 1,
      firstCitationCorrect: 1,
      unanswerableDeclined: 1,
      helpReplies: 1,
      answeredWrongly: 0,
      wronglyDeclined: 0,
    });
    expect(Object.keys(out.byDialect).sort()).toEqual(['gulf', 'levantine']);
    expect(out.rows.map((r) => `${r.conversation}#${r.turn}`)).toEqual(['k1#1', 'k1#2', 'k2#1', 'k2#2']);
  });

  it('says which turn of which conversation is malformed', () => {
    const bad = { conversations: [{ id: 'x', turns: [{ question: 'متى؟', expect: 'maybe' }] }] };
    expect(() => readChatSet('bad.json', bad)).toThrow(/conversation x, turn 1 needs a "question" and "expect"/);
  });
});
