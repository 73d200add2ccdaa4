/** Runs a child process and times it: to its first stdout byte, and to its exit. */
import { spawn } from 'node:child_process';

export interface ChildRun {
  code: number | null;
  firstOutputMs: number | null;
  exitMs: number;
  stdout: string;
  stderr: string;
}

export function runChild(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; stderr?: 'pipe' | 'inherit'; timeoutMs?: number } = {},
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstOutputMs: number | null = null;
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', options.stderr ?? 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      firstOutputMs ??= performance.now() - started;
      out.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        firstOutputMs,
        exitMs: performance.now() - started,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** The node flags that run a TypeScript file through tsx. */
export function tsxArgs(file: string, args: string[] = []): string[] {
  return ['--import', import.meta.resolve('tsx'), file, ...args];
}
