import type { IncomingMessage, RequestListener } from 'node:http';

/** Slack's replay window: a signed request is valid for five minutes either side of now. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/**
 * Why `X-Slack-Request-Timestamp` is unacceptable, or null when it is fine. Bolt already rejects
 * stale requests but accepts any timestamp from the future, which lets a captured signature be
 * replayed later; this closes the other side of the window.
 */
export function timestampProblem(header: string | string[] | undefined, nowMs: number): string | null {
  if (typeof header !== 'string' || !/^\d{1,12}$/.test(header)) return 'missing or malformed x-slack-request-timestamp';
  const skew = Number(header) - Math.floor(nowMs / 1000);
  if (skew > MAX_CLOCK_SKEW_SECONDS) return `x-slack-request-timestamp is ${skew}s in the future`;
  if (skew < -MAX_CLOCK_SKEW_SECONDS) return `x-slack-request-timestamp is ${-skew}s old`;
  return null;
}

/**
 * Wraps Bolt's request listener: a POST to an events endpoint whose timestamp is outside the
 * window gets 401 before Bolt reads it, and every events POST is answered on a connection that
 * then closes. Everything else passes through untouched.
 */
export function guardTimestamps(
  inner: RequestListener,
  options: { endpoints: readonly string[]; now: () => number; onReject: (reason: string, req: IncomingMessage) => void },
): RequestListener {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'POST' && options.endpoints.includes(path)) {
      const problem = timestampProblem(req.headers['x-slack-request-timestamp'], options.now());
      if (problem) {
        options.onReject(problem, req);
        req.resume();
        res.writeHead(401);
        res.end();
        return;
      }
    }
    // Each event is its own delivery: close the connection after the ack. Under a burst (200
    // events at once) acks on reused keep-alive connections were measured to lag up to 3.5 s,
    // against under 1 s for all of them with a connection per event (docs/reliability.md).
    if (req.method === 'POST' && options.endpoints.includes(path)) res.setHeader('connection', 'close');
    inner(req, res);
  };
}
