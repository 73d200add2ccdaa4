/**
 * PostgreSQL out of reach when a replica starts: `sanad start` stops with exit code 1 and a message
 * naming the address (never the password) and DATABASE_URL, before it listens for anything. It
 * does not start degraded: without the shared state it would answer what the other replicas
 * answer too. Two ways to be out of reach: nothing listens on the port (refused at once), and a
 * server that accepts the connection and never answers (the 3 s connection timeout).
 */
import { createServer, type Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../slack/helpers/fake-slack.js';
import { ensureBuilt, sanad } from '../reliability/helpers/child.js';
import { freePort } from '../helpers/private-pg.js';
import { replicaEnv } from './helpers/replicas.js';

beforeAll(() => ensureBuilt(), 120_000);

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

/** A server that takes connections and says nothing: a database host that hangs. */
async function silentServer(): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return (server.address() as { port: number }).port;
}

async function startAgainst(port: number, fake: FakeSlack) {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-unreachable-'));
  const url = `postgres://sanad:pw-secret-UNREACHABLE@127.0.0.1:${port}/sanad`;
  const child = sanad(['start'], replicaEnv(dir, 'sanad', fake.apiUrl, { DATABASE_URL: url }), dir);
  cleanups.push(() => {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    return child.exited;
  });
  // Bounded: a replica that hangs instead of stopping fails here, not at the suite's timeout.
  const exit = await Promise.race([child.exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 60_000))]);
  return { exit, output: child.stdout() + child.stderr() };
}

describe('a replica whose PostgreSQL is out of reach at start', () => {
  it.each([
    ['nothing listens on the port', () => freePort()],
    ['the server accepts and never answers', () => silentServer()],
  ])(
    '%s: stops with exit code 1 and a message naming the database, not its password',
    async (_, portOf) => {
      const fake = await new FakeSlack().start();
      cleanups.push(() => fake.close());
      const port = await portOf();
      const { exit, output } = await startAgainst(port, fake);

      expect(exit, output).toEqual({ code: 1, signal: null });
      expect(output).toContain(`The PostgreSQL database at 127.0.0.1:${port}/sanad cannot be used`);
      expect(output).toContain('DATABASE_URL');
      expect(output).not.toContain('pw-secret-UNREACHABLE');
      // It never started answering: no web chat, no Slack endpoint.
      expect(output).not.toMatch(/sanad web chat: http/);
    },
    90_000,
  );
});
