/**
 * `/ask` and the buttons under an answer, with two replicas behind one Request URL. Slack sends a
 * slash command or a click once, to one replica (it never retries them: an unanswered one shows
 * the person an error), so neither needs a claim: one delivery, one answer. What must hold is that
 * the replica receiving the click need not be the one that answered: the button's value carries
 * the question and the cited paragraphs, and the vote goes to the shared feedback table.
 */
import pg from 'pg';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BOT, FakeSlack } from '../slack/helpers/fake-slack.js';
import { signedHeaders } from '../slack/helpers/sign.js';
import { buttons } from '../slack/helpers/testbed.js';
import { ensureBuilt } from '../reliability/helpers/child.js';
import { QUESTIONS } from '../reliability/helpers/load.js';
import { until } from '../reliability/helpers/stats.js';
import { PG_URL, SKIP_PG, dropSchema, testSchema } from '../state/pg-env.js';
import { SIGNING_SECRET, answersIn, deliver, mention, startReplicas, stopReplicas, type Replica } from './helpers/replicas.js';

beforeAll(() => ensureBuilt(), 120_000);

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

let seq = 0;
async function postForm(replica: Replica, fields: Record<string, string>): Promise<number> {
  const body = new URLSearchParams(fields).toString();
  const response = await fetch(`http://127.0.0.1:${replica.port}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...signedHeaders(SIGNING_SECRET, body) },
    body,
  });
  await response.text();
  return response.status;
}

/** `/ask` as Slack sends it; returns the response_url's name. */
async function ask(fake: FakeSlack, replica: Replica, text: string): Promise<string> {
  const name = `ask${++seq}`;
  const status = await postForm(replica, {
    team_id: BOT.team,
    channel_id: 'C1',
    user_id: 'U1',
    command: '/ask',
    text,
    api_app_id: 'A1',
    response_url: fake.responseUrl(name),
    trigger_id: `trigger-${name}`,
  });
  expect(status).toBe(200);
  return name;
}

/** A click on a button of a message in C1, as a block_actions interaction; returns the response_url's name. */
async function click(
  fake: FakeSlack,
  replica: Replica,
  button: { action_id: string; value?: string },
  message: { ts: string; text?: string },
): Promise<string> {
  const name = `click${++seq}`;
  const payload = {
    type: 'block_actions',
    user: { id: 'U7', username: 'ana', team_id: BOT.team },
    api_app_id: 'A1',
    container: { type: 'message', message_ts: message.ts, channel_id: 'C1', is_ephemeral: false },
    trigger_id: `trigger-${name}`,
    team: { id: BOT.team, domain: 'test' },
    channel: { id: 'C1', name: 'general' },
    message: { type: 'message', ts: message.ts, text: message.text, user: BOT.userId, bot_id: BOT.botId },
    response_url: fake.responseUrl(name),
    actions: [{ type: 'button', action_id: button.action_id, block_id: 'b', value: button.value, action_ts: String(Date.now() / 1000) }],
  };
  expect(await postForm(replica, { payload: JSON.stringify(payload) })).toBe(200);
  return name;
}

describe.skipIf(SKIP_PG)('Slack /ask and buttons across replicas', () => {
  it('/ask is answered once by the replica it reached; a vote reaching the other replica is kept in the shared feedback', async () => {
    const fake = await new FakeSlack().start();
    cleanups.push(() => fake.close());
    const schema = testSchema();
    cleanups.push(() => dropSchema(schema));
    const replicas = await startReplicas(2, schema, fake);
    cleanups.push(() => stopReplicas(replicas));
    const responsesTo = (name: string) => fake.responses.filter((r) => r.path.endsWith(`/${name}`));

    // /ask to each replica: one private answer each, on its own response_url.
    const names = [await ask(fake, replicas[0]!, QUESTIONS[0]!), await ask(fake, replicas[1]!, QUESTIONS[1]!)];
    expect(await until(() => names.every((n) => responsesTo(n).length > 0), 60_000)).toBe(true);

    // An answer in a thread from replica 0; its 👍 clicked through replica 1, which never saw the answer.
    const m = mention(fake, QUESTIONS[0]!);
    expect(await deliver(replicas[0]!, m.event, m.eventId)).toBe(200);
    expect(await until(() => answersIn(fake, m.ts).length > 0, 60_000)).toBe(true);
    const answer = answersIn(fake, m.ts).at(-1)!;
    const up = buttons({ blocks: answer.blocks as unknown[] }).find((b) => b.action_id === 'sanad_vote_up');
    expect(up).toBeDefined();
    const thanks = await click(fake, replicas[1]!, up!, answer);
    expect(await until(() => responsesTo(thanks).length > 0, 30_000)).toBe(true);
    expect(responsesTo(thanks)[0]!.body).toMatchObject({ response_type: 'ephemeral', text: 'شكرًا على تقييمك.' });

    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ vote: string; user_id: string; question: string; answer: string }>(
        `SELECT vote, user_id, question, answer FROM "${schema}".feedback`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ vote: 'up', user_id: 'U7', question: QUESTIONS[0] });
      expect(rows[0]!.answer.length).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
    // Every interaction answered exactly once: the slash commands (ephemeral answer) and the click (thanks).
    for (const name of [...names, thanks]) expect(responsesTo(name), name).toHaveLength(1);
  }, 180_000);
});
