import { describe, expect, it } from 'vitest';
import { Outbox } from '../src/sim/outbox.js';
import type { SimInfo, WorkerMessage, WorkerPost } from '../src/sim/protocol.js';

const info = { status: 'running', now: 0, headSeq: 0 } as SimInfo;

/** The canonical text of a record (`encodeLedgerEvent`), as the ledger writer hands it over. */
function text(seq: number): string {
  return `[${seq},${seq},"a","E",null,null,null,"sim"]`;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('worker outbox', () => {
  it('sends a turn of messages as one post, ledger batches joined', async () => {
    const sent: WorkerPost[] = [];
    const outbox = new Outbox((post) => sent.push(post));
    outbox.post({ type: 'ledger', firstSeq: 1, texts: [text(1)] });
    outbox.post({ type: 'ledger', firstSeq: 2, texts: [text(2), text(3)] });
    outbox.post({ type: 'reply', id: 1, ok: true, value: 'a', info: null });
    outbox.post({ type: 'reply', id: 2, ok: true, value: 'b', info: null });
    expect(sent).toEqual([]);
    await nextTurn();
    const messages = sent[0] as WorkerMessage[];
    expect(messages.map((message) => message.type)).toEqual(['ledger', 'reply', 'reply']);
    expect(messages[0]).toEqual({ type: 'ledger', firstSeq: 1, texts: [text(1), text(2), text(3)] });
    outbox.post({ type: 'reply', id: 3, ok: true, value: 'c', info: null });
    await nextTurn();
    expect(sent[1]).toMatchObject({ type: 'reply', id: 3 });
  });

  it('sends heartbeats at once, with everything queued before them', () => {
    const sent: WorkerPost[] = [];
    const outbox = new Outbox((post) => sent.push(post));
    outbox.post({ type: 'reply', id: 1, ok: true, value: 'a', info: null });
    outbox.post({ type: 'heartbeat', info });
    expect(sent).toHaveLength(1);
    expect((sent[0] as WorkerMessage[]).map((message) => message.type)).toEqual(['reply', 'heartbeat']);
  });
});
