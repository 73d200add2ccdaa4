/** The web adapter does transport only: no chat SDK, no reaching into retrieval or answering. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const WEB = resolve(import.meta.dirname, '../../src/adapters/web');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|js|html|css)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('web adapter boundary', () => {
  const sources = files(WEB).map((file) => ({ file, text: readFileSync(file, 'utf8') }));

  it('has sources to check', () => {
    expect(sources.length).toBeGreaterThan(4);
  });

  it.each([
    ['a chat SDK', /from ['"](@slack\/|discord\.js)/],
    ['retrieval or answering internals', /from ['"][./]*core\/(retrieve|index|answer|llm|knowledge)\//],
    ['express or another web framework', /from ['"](express|fastify|koa|hono)['"]/],
    ['console output', /console\.(log|info|warn|error)\(/],
  ])('imports no %s', (_name, pattern) => {
    for (const { file, text } of sources) expect(text, file).not.toMatch(pattern);
  });

  it('page script loads nothing from another host', () => {
    for (const { file, text } of sources.filter((s) => s.file.includes('/public/'))) {
      expect(text, file).not.toMatch(/https?:\/\//);
    }
  });
});
