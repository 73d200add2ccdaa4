/**
 * A big index's fast search (the vectors' int8 copy) is prepared as soon as the index serves,
 * at start and after a re-index: made only at the first question, it was not ready for the
 * first questions, and a bot asked back to back (each question its own event-loop turn) got
 * one 8 ms slice of it a question.
 */
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAssistant, type SanadAssistant } from '../../src/core/index.js';
import { Bm25Index } from '../../src/core/index/bm25.js';
import { VectorRows } from '../../src/core/index/vector-rows.js';

const open: SanadAssistant[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const a of open.splice(0)) await a.close();
});

function note(dir: string, name: string, text: string, minutesAgo = 1): void {
  const at = join(dir, name);
  writeFileSync(at, text);
  const when = new Date(Date.now() - minutesAgo * 60_000);
  utimesSync(at, when, when);
}

describe('the fast search is prepared when an index starts serving', () => {
  it('at start, before any question, and again for the index a re-index swaps in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-prepare-'));
    note(dir, 'rooms.md', '# Rooms\n\nRoom 4 is booked for the quarterly meeting on Tuesday.\n');
    /** The row count of the vectors each preparation was started for, when it was started. */
    const prepared: number[] = [];
    const real = VectorRows.prototype.prepareCompactScan;
    vi.spyOn(VectorRows.prototype, 'prepareCompactScan').mockImplementation(function (this: VectorRows) {
      prepared.push(this.size);
      return real.call(this);
    });
    const assistant = await createAssistant({ knowledgeDir: dir, cacheDir: null });
    open.push(assistant);
    expect(prepared).toHaveLength(1);
    expect(prepared[0]).toBeGreaterThan(0);

    note(dir, 'kitchen.md', '# Kitchen\n\nThe kitchen is cleaned every Friday afternoon.\n', 0);
    const change = await assistant.refresh();
    expect(change.added).toEqual(['kitchen.md']);
    // Again, for the vectors that now hold the new file's rows too, still before any question.
    expect(prepared).toHaveLength(2);
    expect(prepared[1]).toBeGreaterThan(prepared[0]!);
    // then every posting's skip blocks and bound, which a term's first question would make
    await assistant.index.prepareSearch();
    const bm25 = (assistant.index as unknown as { parts: { bm25: Bm25Index } }).parts.bm25;
    expect(bm25.unsummarised()).toBe(0);
  });
});
