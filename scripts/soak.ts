/**
 * npm run soak: the long load run of issue 9, against the fakes on 127.0.0.1 and the real
 * assistant over knowledge/. 1,000 signed Slack events (200 in flight, re-deliveries included),
 * 1,000 Discord messages through the fake gateway (200 awaiting their answer, re-dispatches
 * included) and 1,000 web chat questions (200 at a time). Prints p50/p99 of acknowledgement and
 * answer, counts, and memory before and after; exits 1 when an event went unacknowledged within
 * 3 s, unanswered or answered twice, or memory did not come back near its level.
 *
 * Run with --expose-gc (the npm script does) so memory is measured after a collection.
 */
import { createAssistant } from '../src/core/index.js';
import { FakeDiscord } from '../test/discord/fake-discord.js';
import { startBot } from '../test/discord/helpers.js';
import { ARTICLE_KNOWLEDGE } from '../test/fixtures/knowledge.js';
import { startWeb } from '../test/web/helpers.js';
import { discordLoad, slackLoad, webLoad, type LoadResult } from '../test/reliability/helpers/load.js';
import { SlackRig } from '../test/reliability/helpers/slack.js';

const TOTAL = Number(process.env.SOAK_TOTAL ?? 1000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 200);
const UNLIMITED = { rateLimit: { perUserPerMinute: 0, perChannelPerMinute: 0 } };
/** Memory may grow by this much over the whole run and still count as "back near its level". */
const MEMORY_SLACK_MB = 64;

function heapMb(): { heap: number; rss: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heap: Math.round(m.heapUsed / 1048576), rss: Math.round(m.rss / 1048576) };
}

function line(name: string, r: LoadResult, seconds: number): string {
  return [
    name.padEnd(8),
    `sent ${r.sent}`,
    `distinct ${r.distinct}`,
    `ack p50 ${r.ack.p50} ms p99 ${r.ack.p99} ms max ${r.ack.max} ms`,
    `answer p50 ${r.answer.p50} ms p99 ${r.answer.p99} ms max ${r.answer.max} ms`,
    `unanswered ${r.unanswered}`,
    `doubled ${r.doubled}`,
    `bad acks ${r.badAcks}`,
    `acks > 3 s ${r.slowAcks}`,
    `${(r.distinct / seconds).toFixed(0)} questions/s`,
  ].join(' | ');
}

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, (performance.now() - started) / 1000];
}

async function main(): Promise<number> {
  const out = (s: string) => process.stdout.write(s + '\n');
  out(
    `sanad soak ${new Date().toISOString()} node ${process.version} total ${TOTAL} concurrency ${CONCURRENCY} gc ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'on' : 'off (run with --expose-gc)'}`,
  );
  const assistant = await createAssistant({ knowledgeDir: ARTICLE_KNOWLEDGE, cacheDir: null });
  await assistant.ask('warm-up');
  const before = heapMb();
  out(`memory before: heap ${before.heap} MB, rss ${before.rss} MB`);
  const results: [string, LoadResult][] = [];

  {
    // The bot runs in its own process, as in production, so the load generator and the fake
    // Slack (this process) do not take its event loop; SOAK_SLACK=inline runs it in-process.
    const inline = process.env.SOAK_SLACK === 'inline';
    const rig = inline ? await SlackRig.start({ assistant, settings: UNLIMITED }) : await SlackRig.startChild({ settings: UNLIMITED });
    const [r, s] = await timed(() =>
      slackLoad(rig, { total: TOTAL, concurrency: CONCURRENCY, redeliverEvery: 10, channels: 20, users: 200, timeoutMs: 120_000 }),
    );
    const errors = [...rig.logs, ...rig.childLogs()].filter((l) => / ERROR /.test(l)).length;
    await rig.close();
    out(line('slack', r, s) + ` | errors logged ${errors}`);
    results.push(['slack', { ...r, badAcks: r.badAcks + errors }]);
  }
  {
    const fake = await FakeDiscord.start();
    const bot = await startBot(fake, { assistant, settings: { ...UNLIMITED, placement: 'channel' } });
    const [r, s] = await timed(() =>
      discordLoad(fake, bot, { total: TOTAL, concurrency: CONCURRENCY, redeliverEvery: 10, channels: 20, users: 200, timeoutMs: 120_000 }),
    );
    const errors = bot.logs.filter((l) => / ERROR /.test(l)).length;
    await bot.stop();
    await fake.close();
    out(line('discord', r, s) + ` | errors logged ${errors} (ack = first visible reply; a gateway dispatch has no ack)`);
    results.push(['discord', { ...r, badAcks: r.badAcks + errors }]);
  }
  {
    const web = await startWeb({ assistant });
    const [r, s] = await timed(() => webLoad(web.url, { total: TOTAL, concurrency: CONCURRENCY }));
    await web.stop();
    out(line('web', r, s) + ' | (ack = answer: the HTTP response carries it)');
    results.push(['web', r]);
  }

  await new Promise((r) => setTimeout(r, 500));
  const after = heapMb();
  out(
    `memory after:  heap ${after.heap} MB, rss ${after.rss} MB (heap ${after.heap - before.heap >= 0 ? '+' : ''}${after.heap - before.heap} MB)`,
  );
  await assistant.close();

  const problems = results.flatMap(([name, r]) => [
    ...(r.unanswered ? [`${name}: ${r.unanswered} unanswered`] : []),
    ...(r.doubled ? [`${name}: ${r.doubled} answered twice`] : []),
    ...(r.badAcks ? [`${name}: ${r.badAcks} bad acks or errors`] : []),
    ...(r.slowAcks ? [`${name}: ${r.slowAcks} acks over 3 s`] : []),
  ]);
  if (after.heap - before.heap > MEMORY_SLACK_MB) problems.push(`heap grew by ${after.heap - before.heap} MB`);
  out(
    problems.length
      ? `FAIL: ${problems.join('; ')}`
      : 'OK: every event acknowledged within 3 s, one answer per distinct question, no error, memory back near its level',
  );
  return problems.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
