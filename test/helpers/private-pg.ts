/**
 * A PostgreSQL 15 server of the test's own, in a temporary folder, on a free loopback port with
 * its socket in that folder: a test may stop and start it (a real restart) without touching the
 * machine's shared server at 127.0.0.1:5432 that other tests use. initdb refuses root, so as
 * root the server runs as the `postgres` user.
 */
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const PG_BIN = process.env.SANAD_TEST_PG_BIN?.trim() || '/usr/lib/postgresql/15/bin';

/** Why a private server cannot be made here, or null when it can. */
export const PRIVATE_PG_MISSING: string | null = ['initdb', 'pg_ctl', 'postgres'].every((b) => existsSync(join(PG_BIN, b)))
  ? null
  : `no PostgreSQL binaries in ${PG_BIN} (initdb, pg_ctl, postgres)`;
/** Skip the private-server tests: only outside CI, and never silently. */
export const SKIP_PRIVATE_PG = PRIVATE_PG_MISSING !== null && process.env.CI !== 'true';
if (PRIVATE_PG_MISSING !== null) {
  if (SKIP_PRIVATE_PG) console.warn(`\n  PostgreSQL restart tests SKIPPED: ${PRIVATE_PG_MISSING}. Set SANAD_TEST_PG_BIN to run it.\n`);
  else console.error(`\n  The PostgreSQL restart tests MUST run under CI=true, and ${PRIVATE_PG_MISSING}.\n`);
}

/** A loopback port nothing listens on (at the time of asking). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Whether `port` on loopback can be listened on now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free port below the kernel's ephemeral range (32768 and up on Linux): while the server is
 * stopped, no `listen(0)` of another test and no outgoing connection can take its port, so it
 * starts again on the same one.
 */
async function serverPort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free loopback port between 20000 and 32000 for the private PostgreSQL');
}

export class PrivatePostgres {
  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  /** initdb in a new temporary folder, then starts the server. */
  static async create(): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-private-pg-'));
    if (process.getuid?.() === 0) {
      const { uid, gid } = owner();
      chownSync(dir, uid, gid);
    }
    chmodSync(dir, 0o700);
    const server = new PrivatePostgres(dir, await serverPort());
    await server.run('initdb', ['-D', server.data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
    await server.start();
    return server;
  }

  /** Starts the server and waits until it accepts connections (loopback and its own socket only). */
  start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50`;
    return this.run('pg_ctl', ['-D', this.data, '-l', join(this.dir, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);
  }

  /** Stops it as an operator's restart does: `pg_ctl stop -m fast` (sessions ended, a clean shutdown). */
  stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    return this.run('pg_ctl', ['-D', this.data, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  /** Stops the server if it runs and removes its folder. */
  destroy(): void {
    spawnSync(...this.command('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']), { encoding: 'utf8' });
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs a server program (asynchronously: the test keeps sending while the server stops). */
  private async run(binary: string, args: string[]): Promise<void> {
    const [file, argv] = this.command(binary, args);
    try {
      await execFileAsync(file, argv, { encoding: 'utf8', timeout: 120_000 });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`${binary} ${args.join(' ')} failed: ${(error as Error).message}\n${stdout ?? ''}\n${stderr ?? ''}`);
    }
  }

  /** The command line, as the `postgres` user when the tests run as root. */
  private command(binary: string, args: string[]): [string, string[]] {
    const path = join(PG_BIN, binary);
    return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
  }
}

function owner(): { uid: number; gid: number } {
  const result = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const group = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (result.status !== 0 || group.status !== 0)
    throw new Error('running as root, and there is no `postgres` user to run the private PostgreSQL as');
  return { uid: Number(result.stdout.trim()), gid: Number(group.stdout.trim()) };
}
