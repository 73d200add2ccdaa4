/**
 * Answering while a big folder is re-indexed, in its own process:
 *   node --import tsx bench/child/reindex-job.ts --knowledge DIR --cache DIR
 * Starts sanad on the folder (from its snapshot when the cache holds one), watching it; then
 * rewrites every file (one word changed in each, so every paragraph is re-indexed) and, until
 * the watcher's refresh has swapped the new index in, keeps asking questions one after another
 * and has a separate process POST a Slack-style event every 50 ms to a local HTTP server that
 * acks at once, as Bolt does before answering. Prints one JSON line: the latencies.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import { createAssistant, createLogger } from '../../src/core/index.js';
import { summarise } from '../lib/stats.js';

const args = process.argv.slice(2);
const opt = (name: string): string => {
  const i = args.indexOf(name);
  if (i < 0 || !args[i + 1]) throw new Error(`${name} is required`);
  return args[i + 1]!;
};
const dir = opt('--knowledge');
/** Until its stdin closes: a POST every 50 ms, each timed to its 200 (1e9 when it failed); then [sent at, ms] pairs as JSON. */
const CLIENT = `
const http = require('node:http');
const port = Number(process.argv[1]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
const times = [];
let open = true;
process.stdin.on('end', () => (open = false)).resume();
function post() {
  if (!open) return process.stdout.write(JSON.stringify(times));
  const sent = Date.now();
  const t0 = performance.now();
  const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/slack/events', agent }, (res) => {
    res.resume();
    res.on('end', () => times.push([sent, performance.now() - t0]));
  });
  // A failed request is counted as never acked.
  req.on('error', () => times.push([sent, 1e9]));
  req.end('{"type":"event_callback","event":{"type":"app_mention","text":"hi"}}');
  setTimeout(post, 50);
}
post();
`;
/** Every file of the folder with its title changed, so each of its paragraphs is re-indexed. */
const REWRITE = `
const fs = require('node:fs');
const path = require('node:path');
const dir = process.argv[1];
for (const file of fs.readdirSync(dir)) {
  const at = path.join(dir, file);
  fs.writeFileSync(at, fs.readFileSync(at, 'utf8').replace('وثيقة تجريبية', 'وثيقة تجريبية معدلة'));
}
`;
const QUESTIONS = ['ما هي عاصمة فرنسا؟', 'متى تأسست الأمم المتحدة؟', 'من هو مؤسس الدولة الأموية؟', 'أين تقع جبال الأطلس؟'];

const assistant = await createAssistant({
  knowledgeDir: dir,
  cacheDir: opt('--cache'),
  watch: true,
  logger: createLogger({ level: 'warn' }),
});
const paragraphs = assistant.index.size;
// The ack server: what Bolt's HTTP receiver does first with an event (read the body, answer 200).
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200).end());
});
server.keepAliveTimeout = 600_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as { port: number }).port;
// The client is another process, so a blocked event loop here shows in its timings.
const client = spawn(process.execPath, ['-e', CLIENT, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
const clientOut: Buffer[] = [];
client.stdout.on('data', (chunk: Buffer) => clientOut.push(chunk));

const idleFrom = Date.now();
const idle: number[] = [];
// Idle first, asked the same way for 5 s: the figures to hold the re-index's beside.
for (let i = 0; Date.now() - idleFrom < 5000; i++) {
  const t0 = performance.now();
  await assistant.ask(QUESTIONS[i % QUESTIONS.length]!);
  idle.push(performance.now() - t0);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
// Done when every document's new title is served: under load the watcher can refresh while the
// files are still being rewritten, and the first refresh then re-indexes only some of them.
const rewritten = (title: string) => title.replace('وثيقة تجريبية', 'وثيقة تجريبية معدلة');
const expected = new Map(assistant.documents().map((d) => [d.document, rewritten(d.title)]));
const allServed = () => assistant.documents().every((d) => expected.get(d.document) === d.title);
let updated = false;
let refreshes = 0;
const done = new Promise<void>((resolve) =>
  assistant.onChange(() => {
    refreshes++;
    if (!allServed()) return;
    updated = true;
    resolve();
  }),
);

// What held the event loop during the re-index: its longest delay, and garbage collection.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
const gcPauses: number[] = [];
const gcObserver = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push(entry.duration);
});
gcObserver.observe({ entryTypes: ['gc'] });
loopDelay.enable();
const reindexFrom = Date.now();
const started = performance.now();
// Rewritten by another process: 100 MB written from here would hold this event loop itself.
const writer = spawn(process.execPath, ['-e', REWRITE, dir], { stdio: 'inherit' });
await new Promise((resolve) => writer.on('close', resolve));
const queries: number[] = [];
let n = 0;
while (!updated) {
  const t0 = performance.now();
  await assistant.ask(QUESTIONS[n++ % QUESTIONS.length]!);
  queries.push(performance.now() - t0);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
await done;
const reindexMs = performance.now() - started;
loopDelay.disable();
gcObserver.disconnect();
const gc = { count: gcPauses.length, maxMs: Math.max(0, ...gcPauses), totalMs: gcPauses.reduce((a, b) => a + b, 0) };
client.stdin.end();
await new Promise((resolve) => client.on('close', resolve));
server.close();
const acks = JSON.parse(Buffer.concat(clientOut).toString('utf8')) as [number, number][];
const acksBetween = (from: number, to: number) => acks.filter(([sent]) => sent >= from && sent < to).map(([, ms]) => ms);
await assistant.close();
process.stdout.write(
  JSON.stringify({
    paragraphs,
    reindexMs,
    refreshes,
    idle: summarise(idle),
    query: summarise(queries),
    idleAck: summarise(acksBetween(idleFrom, reindexFrom)),
    ack: summarise(acksBetween(reindexFrom, reindexFrom + reindexMs)),
    loopDelayMaxMs: loopDelay.max / 1e6,
    loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    gc,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  }) + '\n',
);
