import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sanad } from '../reliability/helpers/child.js';
import { ARTICLE_KNOWLEDGE } from '../fixtures/knowledge.js';

/** `sanad start` as a child process; at most 20 s, then it is killed. */
async function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = sanad(
    ['start'],
    { SANAD_KNOWLEDGE_DIR: ARTICLE_KNOWLEDGE, SANAD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sanad-start-data-')), ...env },
    mkdtempSync(join(tmpdir(), 'sanad-start-')),
  );
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 20_000);
  const { code } = await child.exited;
  clearTimeout(timer);
  return { code, stdout: child.stdout(), stderr: child.stderr() };
}

let busy: Server | undefined;
afterEach(() => new Promise<void>((r) => (busy ? busy.close(() => r()) : r())));

describe('sanad start', () => {
  it('stops with a clear message, not a hang, when its port is taken', async () => {
    busy = createServer(() => {});
    await new Promise<void>((r) => busy!.listen(0, '127.0.0.1', r));
    const port = (busy.address() as AddressInfo).port;
    const { code, stderr } = await start({ PORT: String(port) });
    expect(code).toBe(1);
    expect(stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(stderr).toContain('PORT=0');
    expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it('says there is nothing to run when the web chat is off and no platform is configured', async () => {
    const { code, stderr } = await start({ SANAD_WEB: 'off' });
    expect(code).toBe(1);
    expect(stderr).toContain('nothing to run');
  });
});
