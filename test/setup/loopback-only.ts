/**
 * Refuses every outgoing connection that is not to loopback, for the whole test run: nothing a
 * test does can reach slack.com, discord.com or api.openai.com, and a test that tries fails.
 */
import net from 'node:net';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;

function target(args: unknown[]): string | undefined {
  const [first] = args;
  if (typeof first === 'object' && first !== null) {
    const options = first as { host?: string; path?: string };
    if (options.path) return 'localhost'; // a Unix socket stays on this machine
    return options.host ?? 'localhost';
  }
  if (typeof first === 'number') return typeof args[1] === 'string' ? args[1] : 'localhost';
  if (typeof first === 'string' && !/^\d+$/.test(first)) return 'localhost'; // Unix socket path
  return 'localhost';
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(this: net.Socket, ...args: unknown[]) {
  const normalized = Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  const host = target(normalized);
  if (host && !LOOPBACK.test(host)) {
    throw new Error(`test setup: refused a connection to ${host}; tests may only reach 127.0.0.1`);
  }
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
