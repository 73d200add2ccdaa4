/**
 * Two real `sanad start` processes with one Discord token (no sharding): the gateway sends every
 * message to both. Each claims the message's lease in the shared PostgreSQL before answering, so
 * one answers, and the other, looking again after the lease, finds it done. Without the claim,
 * both would (remove it and this test fails).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../discord/fake-discord.js';
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

describe.skipIf(SKIP_PG)('two Discord replicas on one PostgreSQL', () => {
  it('both receive every message; exactly one answers each', async () => {
    const fake = await FakeDiscord.start();
    fake.multiSession = true;
    cleanups.push(() => fake.close());
    const channel = fake.textChannel('general');
    const schema = testSchema();
    cleanups.push(() => dropSchema(schema));
    const replicas: Child[] = [];
    cleanups.push(async () => {
      for (const r of replicas) if (r.process.exitCode === null) r.process.kill('SIGTERM');
      await Promise.all(replicas.map((r) => r.exited));
    });
    // One after the other: the fake's gateway hands each its own session.
    for (let i = 0; i < 2; i++) replicas.push(await startDiscordReplica(fake, schema, { SANAD_LOG_LEVEL: 'warn' }));
    expect(fake.connections.filter((c) => c.opcodes.includes(2))).toHaveLength(2); // two IDENTIFYs, two sessions

    const alice = fake.user('alice');
    for (const question of QUESTIONS) {
      const before = fake.botMessages().length;
      const asked = fake.post({ channel, author: alice, content: `<@${fake.bot.id}> ${question}`, mentions: [fake.bot] });
      expect(await until(() => fake.botMessages().length > before, 30_000)).toBe(true);
      // Give the other replica time to answer too, if it were going to: it must not.
      await new Promise((r) => setTimeout(r, 1500));
      const replies = fake.botMessages().slice(before);
      expect(replies, `replies to ${asked.id}`).toHaveLength(1);
    }
    // The replica that did not answer looks again when each lease (20 s) would have run out: it
    // finds every message done and answers none of them.
    const answered = fake.botMessages().length;
    await new Promise((r) => setTimeout(r, 21_000));
    expect(fake.botMessages()).toHaveLength(answered);
  }, 120_000);
});
