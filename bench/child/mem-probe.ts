/**
 * Where a cold index's memory goes, in its own process:
 *   node --expose-gc --import tsx bench/child/mem-probe.ts DIR
 * Builds DIR's index with an empty data folder, sampling process.memoryUsage() every 250 ms with
 * the stage it was in and the peak RSS so far, and prints about 40 samples, every sample where the
 * peak rose by 20 MB or more (a synchronous step the timer could not interrupt shows as one jump),
 * and the peak RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAssistant } from '../../src/core/index.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: mem-probe.ts DIR');
const cache = mkdtempSync(path.join(os.tmpdir(), 'sanad-mem-probe-'));
const t0 = performance.now();
const samples: { line: string; peak: number }[] = [];
let stage = 'start';
const mb = (n: number) => (n / 1048576).toFixed(0);
const timer = setInterval(() => {
  const m = process.memoryUsage();
  const peak = process.resourceUsage().maxRSS * 1024;
  const at = ((performance.now() - t0) / 1000).toFixed(1);
  const line = `${at}s ${stage} rss ${mb(m.rss)} peak ${mb(peak)} heap ${mb(m.heapUsed)} arrayBuffers ${mb(m.arrayBuffers)} external ${mb(m.external)}`;
  samples.push({ line, peak });
}, 250);
const assistant = await createAssistant({
  knowledgeDir: dir,
  cacheDir: cache,
  onProgress: (done, total) => (stage = `embedded ${done}/${total}`),
});
stage = 'built';
(globalThis as { gc?: () => void }).gc?.();
await new Promise((resolve) => setTimeout(resolve, 600));
clearInterval(timer);
const step = Math.max(1, Math.floor(samples.length / 40));
const rose = (i: number) => i > 0 && samples[i]!.peak - samples[i - 1]!.peak >= 20 * 1048576;
const shown = samples.filter((_, i) => i % step === 0 || i === samples.length - 1 || rose(i) || rose(i + 1));
process.stdout.write(shown.map((s) => s.line).join('\n') + '\n');
process.stdout.write(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`);
await assistant.close();
rmSync(cache, { recursive: true, force: true });
