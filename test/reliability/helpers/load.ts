/**
 * Load drivers shared by the load tests (small numbers) and `npm run soak` (large ones): each
 * sends questions through one adapter's real transport and measures the acknowledgement and the
 * answer of every question, and counts answers per distinct question.
 */
import type { FakeDiscord, FakeMessage } from '../../discord/fake-discord.js';
import type { RunningBot } from '../../discord/helpers.js';
import { figures, pool, until, type Figures } from './stats.js';
import type { StoredMessage } from '../../slack/helpers/fake-slack.js';
import { isProgress } from '../../slack/helpers/flatten.js';
import type { SlackRig } from './slack.js';

export const QUESTIONS = ['من هو سفير فرنسا لدى الأمم المتحدة؟', 'من فاز بكأس العالم لكرة القدم عام 2018؟'];

export interface LoadResult {
  sent: number;
  distinct: number;
  ack: Figures;
  answer: Figures;
  /** Distinct questions with no answer, and with more than one. */
  unanswered: number;
  doubled: number;
  /** Non-2xx acknowledgements. */
  badAcks: number;
  slowAcks: number;
}

/**
 * Slack: `total` signed event deliveries, `concurrency` in flight, of which every
 * `redeliverEvery`-th is a re-delivery (X-Slack-Retry-Num) of an earlier event.
 */
export async function slackLoad(
  rig: SlackRig,
  options: { total: number; concurrency: number; redeliverEvery: number; channels: number; users: number; timeoutMs: number },
): Promise<LoadResult> {
  interface Sent {
    eventId: string;
    ts: string;
    channel: string;
    user: string;
    at: number;
    answeredAt?: number;
  }
  const distinct: Sent[] = [];
  const acks: number[] = [];
  let badAcks = 0;
  let redelivered = 0;
  const tasks: (() => Promise<void>)[] = [];
  for (let i = 0; i < options.total; i++) {
    const redeliver = options.redeliverEvery > 0 && i % options.redeliverEvery === options.redeliverEvery - 1 && distinct.length > 0;
    if (redeliver) {
      redelivered++;
      const original = distinct[Math.floor(distinct.length / 2)]!; // one that is likely still in flight
      tasks.push(async () => {
        const d = await rig.mention(QUESTIONS[0]!, {
          channel: original.channel,
          user: original.user,
          eventId: original.eventId,
          ts: original.ts,
          retryNum: 1,
        });
        acks.push(d.ackMs);
        if (d.status !== 200) badAcks++;
      });
      continue;
    }
    const channel = `C${(i % options.channels) + 1}`;
    const user = `U${(i % options.users) + 1}`;
    const eventId = `EvLoad${i}`;
    const ts = rig.fake.nextTs();
    rig.fake.addUserMessage({ channel, ts, user, text: QUESTIONS[i % 2]! });
    const sent: Sent = { eventId, ts, channel, user, at: 0 };
    distinct.push(sent);
    tasks.push(async () => {
      sent.at = performance.now();
      const d = await rig.mention(QUESTIONS[i % 2]!, { channel, user, eventId, ts });
      acks.push(d.ackMs);
      if (d.status !== 200) badAcks++;
    });
  }
  const threads = new Map<string, StoredMessage[]>();
  const indexReplies = () => {
    threads.clear();
    for (const m of rig.fake.botMessages()) {
      if (!m.thread_ts) continue;
      const key = `${m.channel}|${m.thread_ts}`;
      threads.set(key, [...(threads.get(key) ?? []), m]);
    }
  };
  const watcher = watchAnswers(
    () => distinct.filter((s) => s.answeredAt === undefined),
    (s) => {
      const first = threads.get(`${s.channel}|${s.ts}`)?.[0];
      return !!first && !isProgress(first);
    },
    (s) => (s.answeredAt = performance.now()),
    indexReplies,
  );
  await pool(tasks, options.concurrency);
  await until(() => distinct.every((s) => s.answeredAt !== undefined), options.timeoutMs);
  watcher.stop();
  // Each re-delivery was turned away (and said so); one wrongly accepted would be answered twice.
  await until(() => rig.ignoredRedeliveries() >= redelivered, 10_000);
  indexReplies();
  const counts = distinct.map((s) => (threads.get(`${s.channel}|${s.ts}`) ?? []).length);
  return {
    sent: options.total,
    distinct: distinct.length,
    ack: figures(acks),
    answer: figures(distinct.filter((s) => s.answeredAt !== undefined).map((s) => s.answeredAt! - s.at)),
    unanswered: counts.filter((c) => c === 0).length,
    doubled: counts.filter((c) => c > 1).length,
    badAcks,
    slowAcks: acks.filter((ms) => ms > 3000).length,
  };
}

/**
 * Discord: `total` messages mentioning the bot through the fake gateway, `concurrency` awaiting
 * their answer at once; every `redeliverEvery`-th is the gateway sending an earlier
 * MESSAGE_CREATE again (as a resume replay can). `bot` is stopped once all are answered: stopping
 * waits for the answers in flight, so a wrongly accepted re-dispatch is counted.
 */
export async function discordLoad(
  fake: FakeDiscord,
  bot: RunningBot,
  options: { total: number; concurrency: number; redeliverEvery: number; channels: number; users: number; timeoutMs: number },
): Promise<LoadResult> {
  interface Sent {
    message: FakeMessage | null;
    at: number;
    answeredAt?: number;
  }
  const distinct: Sent[] = [];
  const channels = Array.from({ length: options.channels }, (_, i) => fake.textChannel(`load-${i + 1}`));
  const users = Array.from({ length: options.users }, (_, i) => fake.user(`user-${i + 1}`));
  const replies = new Map<string, FakeMessage[]>();
  const indexReplies = () => {
    replies.clear();
    for (const m of fake.botMessages()) {
      const to = m.message_reference?.message_id;
      if (to) replies.set(to, [...(replies.get(to) ?? []), m]);
    }
  };
  const isAnswered = (s: Sent) => !!s.message && (replies.get(s.message.id) ?? []).some((m) => m.embeds.length > 0);
  const tasks: (() => Promise<void>)[] = [];
  for (let i = 0; i < options.total; i++) {
    const redeliver = options.redeliverEvery > 0 && i % options.redeliverEvery === options.redeliverEvery - 1;
    if (redeliver) {
      tasks.push(async () => {
        const earlier = distinct.filter((s) => s.message).at(-1);
        if (earlier?.message) fake.dispatch('MESSAGE_CREATE', { ...fake.wire(earlier.message), channel_type: 0 });
      });
      continue;
    }
    const sent: Sent = { message: null, at: 0 };
    distinct.push(sent);
    tasks.push(async () => {
      sent.at = performance.now();
      sent.message = fake.post({
        channel: channels[i % channels.length]!,
        author: users[i % users.length]!,
        content: `<@${fake.bot.id}> ${QUESTIONS[i % 2]}`,
        mentions: [fake.bot],
      });
      const deadline = Date.now() + options.timeoutMs;
      while (sent.answeredAt === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    });
  }
  const watcher = watchAnswers(
    () => distinct.filter((s) => s.answeredAt === undefined),
    (s) => isAnswered(s),
    (s) => (s.answeredAt = performance.now()),
    indexReplies,
  );
  await pool(tasks, options.concurrency);
  watcher.stop();
  // Stopping waits for the answers in flight: a wrongly accepted re-dispatch has been answered by then.
  await bot.stop();
  indexReplies();
  const counts = distinct.map((s) => (s.message ? (replies.get(s.message.id) ?? []).length : 0));
  const answered = distinct.filter((s) => s.answeredAt !== undefined).map((s) => s.answeredAt! - s.at);
  return {
    sent: options.total,
    distinct: distinct.length,
    // A gateway dispatch has no acknowledgement of its own; the first visible reply is the answer.
    ack: figures(answered),
    answer: figures(answered),
    unanswered: counts.filter((c) => c === 0).length,
    doubled: counts.filter((c) => c > 1).length,
    badAcks: 0,
    slowAcks: 0,
  };
}

/** Web chat: `total` POST /api/ask, `concurrency` at once; the response is the answer. */
export async function webLoad(
  url: string,
  options: { total: number; concurrency: number },
): Promise<LoadResult & { answers: Record<string, unknown>[] }> {
  const times: number[] = [];
  const answers: Record<string, unknown>[] = [];
  let badAcks = 0;
  await pool(
    Array.from({ length: options.total }, (_, i) => async () => {
      const started = performance.now();
      const response = await fetch(new URL('/api/ask', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ question: QUESTIONS[i % 2] }),
      });
      const body = (await response.json()) as Record<string, unknown>;
      times.push(performance.now() - started);
      if (response.status !== 200) badAcks++;
      else answers.push(body);
    }),
    options.concurrency,
  );
  return {
    sent: options.total,
    distinct: options.total,
    ack: figures(times),
    answer: figures(times),
    unanswered: options.total - answers.length,
    doubled: 0,
    badAcks,
    slowAcks: times.filter((ms) => ms > 3000).length,
    answers,
  };
}

/** Polls pending items until stopped, marking each the moment it is answered. */
function watchAnswers<T>(pending: () => T[], done: (item: T) => boolean, mark: (item: T) => void, before?: () => void): { stop(): void } {
  let stopped = false;
  void (async () => {
    while (!stopped) {
      before?.();
      for (const item of pending()) if (done(item)) mark(item);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return { stop: () => (stopped = true) };
}
