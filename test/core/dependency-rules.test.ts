import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE = resolve(ROOT, 'test/fixtures/dependency-rules');
const DEPCRUISE = resolve(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

/** Runs `npm run lint`'s import check, with the repository's rules, over a tree: its exit code and "rule: from → to" lines. */
async function cruise(cwd: string): Promise<{ code: number; violations: string[] }> {
  const run = promisify(execFile)(process.execPath, [DEPCRUISE, 'src', '--config', resolve(ROOT, '.dependency-cruiser.cjs')], {
    cwd,
    maxBuffer: 64 << 20,
  });
  const { code, stdout } = await run.then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  const violations = [...stdout.matchAll(/^\s*error ([\w-]+): (\S+) → ?\s*(\S+)/gm)].map((m) => `${m[1]}: ${m[2]} → ${m[3]}`);
  return { code, violations: violations.sort() };
}

describe('import rules (.dependency-cruiser.cjs, run by npm run lint)', () => {
  it('fail on a cycle, an SDK or an adapter in the core, and an adapter reaching past an index.ts', async () => {
    const { code, violations } = await cruise(FIXTURE);
    expect(code).not.toBe(0);
    expect(violations).toEqual([
      'adapters-through-public-surface: src/adapters/web/server.ts → src/core/limits.ts',
      'core-depends-on-nothing-outside: src/core/model.ts → src/adapters/slack/index.ts',
      expect.stringMatching(/^core-no-sdk: src\/core\/model\.ts → \S*node_modules\/openai\//),
      'no-circular: src/eval/a.ts → src/eval/b.ts',
    ]);
  });
});
