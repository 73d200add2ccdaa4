import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = resolve(import.meta.dirname, '../../src/core');
const FORBIDDEN = [
  /from ['"]@slack\//,
  /from ['"]discord\.js['"]/,
  /from ['"]@discordjs\//,
  /from ['"][./]+\/(adapters|app|cli|readers|fetch)\//,
  /from ['"]better-sqlite3['"]/,
  // File readers and their libraries live outside the core, behind the DocumentReader port.
  /from ['"](unpdf|linkedom|mammoth|jszip|@mozilla\/readability)['"]/,
];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('architecture', () => {
  it('the core imports no chat SDK, no adapter, no database driver and no file reader', () => {
    const offenders = files(CORE).flatMap((file) => {
      const source = readFileSync(file, 'utf8');
      return FORBIDDEN.filter((re) => re.test(source)).map((re) => `${file}: ${re}`);
    });
    expect(offenders).toEqual([]);
  });

  it('the core has no console.log', () => {
    const offenders = files(CORE).filter((file) => /console\.log\(/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
