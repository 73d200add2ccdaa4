import { describe, expect, it } from 'vitest';
import { trackInFlight } from '../../src/app/in-flight.js';
import type { Answer, Assistant } from '../../src/core/types.js';

function slowAssistant(release: Promise<void>): Assistant {
  const answer = { answer: 'ok' } as Answer;
  return {
    ask: async () => (await release, answer),
    async *askStream() {
      yield { type: 'delta', text: 'o' };
      await release;
      yield { type: 'final', answer };
    },
    paragraph: () => null,
  };
}

describe('trackInFlight', () => {
  it('counts answers in flight, streamed or not, and resolves idle() after the last one', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const tracked = trackInFlight(slowAssistant(gate));
    await tracked.idle();
    const asked = tracked.ask('q');
    const streamed = (async () => {
      for await (const _event of tracked.askStream('q')) void _event;
    })();
    await new Promise((r) => setTimeout(r, 10));
    expect(tracked.inFlight).toBe(2);
    let idle = false;
    const waiting = tracked.idle().then(() => (idle = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(idle).toBe(false);
    release();
    await Promise.all([asked, streamed, waiting]);
    expect(tracked.inFlight).toBe(0);
    expect(idle).toBe(true);
  });

  it('counts a failed answer as finished', async () => {
    const tracked = trackInFlight({ ...slowAssistant(Promise.resolve()), ask: async () => Promise.reject(new Error('boom')) });
    await expect(tracked.ask('q')).rejects.toThrow('boom');
    expect(tracked.inFlight).toBe(0);
  });
});
