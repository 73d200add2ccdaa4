import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `mkdir -p` one level at a time. Node's own recursive mkdir spins forever (at 90 % CPU) under
 * /proc, where mkdir answers ENOENT for a parent that exists; here each level is created once
 * and the first failure is thrown with its code (ENOENT, EACCES, ENOTDIR, EROFS…).
 */
export function makeDirectory(path: string): void {
  const target = resolve(path);
  const missing: string[] = [];
  let at = target;
  for (;;) {
    const kind = kindOf(at);
    if (kind === 'directory') break;
    if (kind === 'other') throw Object.assign(new Error(`${at} is not a folder`), { code: 'ENOTDIR' });
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const dir of missing) {
    try {
      mkdirSync(dir);
    } catch (error) {
      // Another process may have made it in between.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || kindOf(dir) !== 'directory') throw error;
    }
  }
}

function kindOf(path: string): 'directory' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'directory' : 'other';
  } catch {
    return 'missing';
  }
}
