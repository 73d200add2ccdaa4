/**
 * Section 6: replicas. 1, then 2, real `sanad start` processes sharing one PostgreSQL schema
 * behind a small round-robin proxy (loopback), against the fake Slack: signed app_mention
 * events, 200 in flight. Events per second (acknowledged), p50/p99 of Slack's ack, and how many
 * were answered (each exactly once). Needs PostgreSQL (SANAD_TEST_DATABASE_URL, default the local one).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { summarise, type Timing } from './lib/stats.js';
import { table } from './lib/table.js';
import type { SectionOptions, SectionResult } from './sections.js';

const IN_FLIGHT = 200;
const NO_LIMIT = { defaults: { rateLimit: { perUserPerMinute: 1_000_000, perChannelPerMinute: 1_000_000 } } };

interface ReplicaRow {
  replicas: number;
  events: number;
  inFlight: number;
  eventsPerSecond: number;
  ack: Timing;
  answered: number;
  duplicates: number;
  secondsToAllAnswered: number;
}

/** Forwards each request to the next port in turn: a load balancer in a few lines. */
async function roundRobin(ports: number[]): Promise<{ port: number; close(): Promise<void> }> {
  let next = 0;
  const server: Server = createServer((req, res) => {
    const port = ports[next++ % ports.length]!;
    const upstream = request({ host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

async function measure(count: number, events: number, log: (line: string) => void): Promise<ReplicaRow> {
  const { FakeSlack } = await import('../test/slack/helpers/fake-slack.js');
  const { dropSchema, testSchema } = await import('../test/state/pg-env.js');
  const { answersIn, deliver, mention, startReplicas, stopReplicas } = await import('../test/replicas/helpers/replicas.js');
  const fake = await new FakeSlack().start();
  const schema = testSchema();
  const replicas = await startReplicas(count, schema, fake, NO_LIMIT);
  const proxy = await roundRobin(replicas.map((r) => r.port));
  const front = { child: replicas[0]!.child, port: proxy.port };
  try {
    log(`replicas: ${count} replica(s), ${events} events, ${IN_FLIGHT} in flight`);
    const sent = Array.from({ length: events }, (_, i) =>
      mention(fake, 'من هو سفير فرنسا لدى الأمم المتحدة؟', { channel: `C${(i % 50) + 1}`, user: `U${i}` }),
    );
    const acks: number[] = [];
    let cursor = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let i = cursor++; i < sent.length; i = cursor++) {
          const t0 = performance.now();
          const status = await deliver(front, sent[i]!.event, sent[i]!.eventId);
          if (status === 200) acks.push(performance.now() - t0);
        }
      }),
    );
    const ackedMs = performance.now() - started;
    const done = () => sent.every((m, i) => answersIn(fake, m.ts, `C${(i % 50) + 1}`).length > 0);
    for (const deadline = Date.now() + 120_000; !done() && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
    const allMs = performance.now() - started;
    const perThread = sent.map((m, i) => fake.botMessages().filter((b) => b.channel === `C${(i % 50) + 1}` && b.thread_ts === m.ts).length);
    return {
      replicas: count,
      events,
      inFlight: IN_FLIGHT,
      eventsPerSecond: (acks.length / ackedMs) * 1000,
      ack: summarise(acks),
      answered: perThread.filter((n) => n > 0).length,
      duplicates: perThread.filter((n) => n > 1).length,
      secondsToAllAnswered: allMs / 1000,
    };
  } finally {
    await proxy.close();
    await stopReplicas(replicas);
    await fake.close();
    await dropSchema(schema).catch(() => undefined);
  }
}

export async function runReplicas(options: SectionOptions): Promise<SectionResult> {
  const { SKIP_PG, PG_UNREACHABLE } = await import('../test/state/pg-env.js');
  if (SKIP_PG || PG_UNREACHABLE) {
    return {
      text: `\n6. Replicas: skipped, no PostgreSQL (${PG_UNREACHABLE ?? 'unreachable'}); set SANAD_TEST_DATABASE_URL.`,
      data: { skipped: PG_UNREACHABLE },
    };
  }
  const events = options.quick ? 400 : 1000;
  const rows: ReplicaRow[] = [];
  for (const count of [1, 2]) rows.push(await measure(count, events, options.log));
  const text = table(
    '6. Replicas on one PostgreSQL behind a round-robin proxy: Slack events, 200 in flight',
    ['replicas', 'events', 'events/s', 'ack p50 ms', 'ack p99 ms', 'answered', 'doubled', 's to all answered'],
    rows.map((r) => [r.replicas, r.events, r.eventsPerSecond, r.ack.p50, r.ack.p99, r.answered, r.duplicates, r.secondsToAllAnswered]),
    [
      'Each replica is a real `sanad start` (own process, extractive answers over the repo knowledge); the fake Slack, the proxy and the sender share the bench process.',
      'events/s: signed app_mention events acknowledged per second through the proxy; ack: time to HTTP 200; all on one machine, so replicas share its cores.',
    ],
  );
  return { text, data: { inFlight: IN_FLIGHT, rows } };
}
