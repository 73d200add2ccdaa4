import { afterEach } from 'vitest';
import type { Child } from './child.js';

/**
 * The processes and cleanups of one test file: after each test, a child still running is killed
 * -9 (a failed test must not leave a `sanad` behind), then the cleanups run, last first.
 */
export function processJanitor(): { children: Child[]; cleanups: (() => Promise<unknown> | unknown)[] } {
  const children: Child[] = [];
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });
  return { children, cleanups };
}
