/**
 * Offline answering latency on a built index, in its own process:
 *   node --import tsx bench/child/ask-job.ts --knowledge DIR --cache DIR --arcd FILE [--questions N]
 * Starts sanad on the folder (from its index snapshot when the cache holds one), asks N ARCD
 * questions (spread over the whole set, the same every run) one after another after a warm-up,
 * and prints one JSON line: { paragraphs, startMs, warmMs, ask: Timing, search: Timing, declined, maxRssMB }.
 * `ask` is the whole offline answer (retrieval, reading, the reply); `search` the index alone.
 */
import { createAssistant, createLogger } from '../../src/core/index.js';
import { summarise } from '../lib/stats.js';
import { readArcd } from '../synthetic.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const required = (name: string): string => opt(name) ?? (process.stderr.write(`${name} is required\n`), process.exit(2));
const WARM_UP = 20;
const count = Number(opt('--questions') ?? 300);
const all = readArcd(required('--arcd')).questions;
const step = Math.max(1, Math.floor(all.length / (count + WARM_UP)));
const questions = all.filter((_, i) => i % step === 0).map((q) => q.question);

const started = performance.now();
const assistant = await createAssistant({
  knowledgeDir: required('--knowledge'),
  cacheDir: required('--cache'),
  logger: createLogger({ level: 'warn' }),
});
const startMs = performance.now() - started;
// Answers are exact from the start; on a big index the fast scan's int8 copy is made right after,
// in slices between questions. Asked back to back, questions would leave it one slice each: the
// figures are of the bot once it is made (warmMs after it is ready), as a deployed bot is seconds on.
await assistant.index.prepareSearch();
const warmMs = performance.now() - started - startMs;
const asks: number[] = [];
const searches: number[] = [];
let declined = 0;
for (const [i, question] of questions.slice(0, count + WARM_UP).entries()) {
  const t0 = performance.now();
  const answer = await assistant.ask(question);
  const t1 = performance.now();
  await assistant.index.search(question, 'ar');
  const t2 = performance.now();
  if (i < WARM_UP) continue;
  asks.push(t1 - t0);
  searches.push(t2 - t1);
  if (answer.abstained) declined++;
}
const maxRssMB = process.resourceUsage().maxRSS / 1024;
const paragraphs = assistant.index.size;
await assistant.close();
process.stdout.write(
  JSON.stringify({ paragraphs, startMs, warmMs, ask: summarise(asks), search: summarise(searches), declined, maxRssMB }) + '\n',
);
