import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/sanad.js');

function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, 'start'], {
      cwd: mkdtempSync(join(tmpdir(), 'sanad-start-')),
      env: { PATH: process.env.PATH ?? '', SANAD_KNOWLEDGE_DIR: resolve(import.meta.dirname, '../../knowledge'), SANAD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sanad-start-data-')), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
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
