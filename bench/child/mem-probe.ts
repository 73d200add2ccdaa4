/**
 * Where a cold index's memory goes, in its own process:
 *   node --expose-gc --import tsx bench/child/mem-probe.ts DIR
 * Builds DIR's index with an empty data folder, sampling process.memoryUsage() every 250 ms with
 * the stage it was in, and prints about 40 samples and the peak RSS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAssistant } from '../../src/core/index.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: mem-probe.ts DIR');
const cache = mkdtempSync(path.join(os.tmpdir(), 'sanad-mem-probe-'));
const t0 = performance.now();
const samples: string[] = [];
let stage = 'start';
const mb = (n: number) => (n / 1048576).toFixed(0);
const timer = setInterval(() => {
  const m = process.memoryUsage();
  samples.push(
    `${((performance.now() - t0) / 1000).toFixed(1)}s ${stage} rss ${mb(m.rss)} heap ${mb(m.heapUsed)} arrayBuffers ${mb(m.arrayBuffers)} external ${mb(m.external)}`,
  );
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
process.stdout.write(samples.filter((_, i) => i % step === 0 || i === samples.length - 1).join('\n') + '\n');
process.stdout.write(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`);
await assistant.close();
rmSync(cache, { recursive: true, force: true });
