/**
 * At most `perHost` requests at once to one host, whatever source or item asks: a news site
 * serving a feed and its hundred articles sees two connections from sanad, never a burst.
 */
export class HostLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(readonly perHost = 2) {}

  async run<T>(url: string, task: () => Promise<T>): Promise<T> {
    const host = hostOf(url);
    await this.acquire(host);
    try {
      return await task();
    } finally {
      this.release(host);
    }
  }

  private acquire(host: string): Promise<void> {
    const n = this.active.get(host) ?? 0;
    if (n < this.perHost) {
      this.active.set(host, n + 1);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const queue = this.waiting.get(host) ?? [];
      queue.push(resolve);
      this.waiting.set(host, queue);
    });
  }

  private release(host: string): void {
    const next = this.waiting.get(host)?.shift();
    if (next) return next(); // the slot passes straight to the next in line
    const n = (this.active.get(host) ?? 1) - 1;
    if (n === 0) this.active.delete(host);
    else this.active.set(host, n);
    if (this.waiting.get(host)?.length === 0) this.waiting.delete(host);
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return url;
  }
}
