/**
 * The hand-over of a re-index built in a worker thread (issue 18): the index's arrays cross by
 * transfer, none cloned (the vectors' WebAssembly memory cannot be transferred, and postMessage
 * cloned it whole on the main thread without a word).
 */
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { localEmbedder } from '../../src/core/index.js';
import { KnowledgeIndex } from '../../src/core/index/knowledge-index.js';
import { pack, type PackedState } from '../../src/core/index/worker-build.js';
import { parseDocument } from '../../src/core/knowledge/parse.js';

const depot = (v: string, i: number) =>
  `# Depot ${i}\n\nShipment ${i} of the ${v} run left depot ${i} and was signed for by clerk ${v}${i}.\n`;

describe("the worker's index crossing to the main thread", () => {
  it('moves every array by transfer, none cloned, the vectors included, and arrives intact', async () => {
    const text = Array.from({ length: 30 }, (_, i) => depot('amber', i)).join('\n');
    const doc = parseDocument({ document: 'depots.md', collection: '_root', text, hash: 'h' });
    const index = new KnowledgeIndex(localEmbedder());
    await index.build([doc]);
    const exported = index.exportState();
    const { state, transfer } = pack(exported);
    const arrays = (s: PackedState) => [
      s.rows,
      s.bm25.counts,
      s.bm25.postings,
      s.bm25.lengths,
      s.bm25.alive,
      s.vectors.data,
      s.vectors.owners,
    ];
    const before = arrays(state).map((a) => Array.from(a));
    expect(state.vectors.data.length).toBeGreaterThan(0);

    const { port1, port2 } = new MessageChannel();
    port1.postMessage(state, transfer);
    const received = receiveMessageOnPort(port2)!.message as PackedState;
    port1.close();
    // Transferred arrays are detached on the sending side; a cloned one would still be whole.
    expect(arrays(state).map((a) => a.byteLength)).toEqual(arrays(state).map(() => 0));
    expect(arrays(received).map((a) => Array.from(a))).toEqual(before);
    // The received vectors hold the index's vectors and no more (not the matrix's spare capacity).
    expect(received.vectors.data.buffer.byteLength).toBe(received.vectors.data.byteLength);
    // The index that built them still answers: its own memory was copied from, not taken.
    expect(await index.search('shipment depot clerk', 'en', { k: 3 })).toHaveLength(3);
  });
});
