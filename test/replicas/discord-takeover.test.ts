/**
 * A Discord replica killed -9 in the middle of an answer (the model has not answered yet): the
 * other replica, which received the same message from the gateway and found it leased, checks
 * again when the dead replica's lease runs out, takes it over and answers it. Exactly once: the
 * dead one never posted, and the survivor does not answer twice. Without the take-over the
 * message is never answered (remove `recheck` in src/core/leased-work.ts and this test fails).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../discord/fake-discord.js';
import { startFakeOpenAI, taskOf, userOf, type FakeOpenAI, type RecordedRequest } from '../llm/fake-openai.js';
import { ensureBuilt, type Child } from '../reliability/helpers/child.js';
import { QUESTIONS } from '../reliability/helpers/load.js';
import { until } from '../reliability/helpers/stats.js';
import { SKIP_PG, dropSchema, testSchema } from '../state/pg-env.js';
import { startDiscordReplica } from './helpers/replicas.js';

beforeAll(() => ensureBuilt(), 120_000);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** The model's answer, citing the passage that names the ambassador. */
function citedAnswer(request: RecordedRequest): string {
  const n = /\[(\d+)\] [^\n]*\n?[^[]*فرنسوا ديلاتر/.exec(userOf(request))?.[1] ?? '1';
  return `سفير فرنسا لدى الأمم المتحدة هو فرنسوا ديلاتر [${n}].`;
}

describe.skipIf(SKIP_PG)('a Discord replica dying mid-answer', () => {
  it('the other replica takes the message over after the lease and answers it once', async () => {
    const fake = await FakeDiscord.start();
    fake.multiSession = true;
    cleanups.push(() => fake.close());
    const llm: FakeOpenAI = await startFakeOpenAI();
    cleanups.push(() => llm.close());
    // The first answer never comes: its replica is still waiting when it is killed. Later ones do.
    let answers = 0;
    llm.chat = (request) => {
      if (taskOf(request) !== 'answer') return { kind: 'status', status: 400 };
      return ++answers === 1 ? { kind: 'hang' } : { kind: 'reply', text: citedAnswer(request) };
    };
    const schema = testSchema();
    cleanups.push(() => dropSchema(schema));
    const replicas: Child[] = [];
    cleanups.push(async () => {
      for (const r of replicas) if (r.process.exitCode === null && r.process.signalCode === null) r.process.kill('SIGKILL');
      await Promise.all(replicas.map((r) => r.exited));
    });
    // Each replica its own API key: the model server tells which one asked.
    for (const key of ['sk-test-replicaA-0123456789', 'sk-test-replicaB-0123456789']) {
      replicas.push(
        await startDiscordReplica(fake, schema, {
          SANAD_ANSWER_MODE: 'llm',
          OPENAI_BASE_URL: llm.url,
          OPENAI_API_KEY: key,
          SANAD_CHAT_MODEL: 'fake-chat',
          SANAD_LLM_DEADLINE_MS: '60000',
        }),
      );
    }

    const channel = fake.textChannel('general');
    fake.post({ channel, author: fake.user('alice'), content: `<@${fake.bot.id}> ${QUESTIONS[0]}`, mentions: [fake.bot] });
    const answerRequests = () => llm.chatRequests().filter((r) => taskOf(r) === 'answer');
    expect(await until(() => answerRequests().length === 1, 30_000)).toBe(true);
    const holderIndex = String(answerRequests()[0]!.headers.authorization).includes('replicaA') ? 0 : 1;
    const holder = replicas[holderIndex]!;
    const survivor = replicas[1 - holderIndex]!;
    holder.process.kill('SIGKILL');
    expect((await holder.exited).signal).toBe('SIGKILL');
    expect(fake.botMessages()).toHaveLength(0);

    // The lease (20 s, no longer renewed) runs out; the survivor checks again and answers.
    const replies = () => fake.botMessages();
    expect(await until(() => replies().length > 0, 60_000)).toBe(true);
    expect(answerRequests()).toHaveLength(2);
    expect(String(answerRequests()[1]!.headers.authorization)).toContain(1 - holderIndex === 0 ? 'replicaA' : 'replicaB');
    expect(JSON.stringify(replies()[0]!.embeds)).toContain('ديلاتر');
    expect(survivor.stderr()).toMatch(/taking over work whose holder stopped renewing its lease/);
    // Past another lease: the survivor marked it done, nothing answers it again.
    await new Promise((r) => setTimeout(r, 21_000));
    expect(replies()).toHaveLength(1);
    expect(answerRequests()).toHaveLength(2);
  }, 150_000);
});
