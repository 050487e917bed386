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
  it('sends a turn of messages as one post, ledger batches joined, after the journal is written', async () => {
    const events: string[] = [];
    const sent: WorkerPost[] = [];
    const outbox = new Outbox(
      (post) => {
        events.push('send');
        sent.push(post);
      },
      () => events.push('journal'),
      () => ({ code: 'X', message: 'x' }),
    );
    outbox.post({ type: 'ledger', firstSeq: 1, texts: [text(1)] });
    outbox.post({ type: 'ledger', firstSeq: 2, texts: [text(2), text(3)] });
    outbox.journalBeforeSending();
    outbox.post({ type: 'reply', id: 1, ok: true, value: 'a', info: null }, true);
    outbox.post({ type: 'reply', id: 2, ok: true, value: 'b', info: null });
    expect(sent).toEqual([]);
    await nextTurn();
    expect(events).toEqual(['journal', 'send']);
    const messages = sent[0] as WorkerMessage[];
    expect(messages.map((message) => message.type)).toEqual(['ledger', 'reply', 'reply']);
    expect(messages[0]).toEqual({ type: 'ledger', firstSeq: 1, texts: [text(1), text(2), text(3)] });
    // Nothing due: no journal write for a turn without interventions.
    outbox.post({ type: 'reply', id: 3, ok: true, value: 'c', info: null });
    await nextTurn();
    expect(events).toEqual(['journal', 'send', 'send']);
    expect(sent[1]).toMatchObject({ type: 'reply', id: 3 });
  });

  it('answers with an error every reply whose change the journal could not take', async () => {
    const sent: WorkerPost[] = [];
    const outbox = new Outbox(
      (post) => sent.push(post),
      () => {
        throw new Error('disk full');
      },
      (error) => ({ code: 'DOPPEL_ERR_INTERNAL', message: (error as Error).message }),
    );
    outbox.journalBeforeSending();
    outbox.post({ type: 'reply', id: 1, ok: true, value: 'a', info: null }, true);
    outbox.post({ type: 'reply', id: 2, ok: true, value: 'b', info: null });
    await nextTurn();
    expect(sent[0]).toEqual([
      { type: 'reply', id: 1, ok: false, error: { code: 'DOPPEL_ERR_INTERNAL', message: 'disk full' }, info: null },
      { type: 'reply', id: 2, ok: true, value: 'b', info: null },
    ]);
  });

  it('sends heartbeats at once, with everything queued before them', () => {
    const sent: WorkerPost[] = [];
    const outbox = new Outbox(
      (post) => sent.push(post),
      () => undefined,
      () => ({ code: 'X', message: 'x' }),
    );
    outbox.post({ type: 'reply', id: 1, ok: true, value: 'a', info: null });
    outbox.post({ type: 'heartbeat', info });
    expect(sent).toHaveLength(1);
    expect((sent[0] as WorkerMessage[]).map((message) => message.type)).toEqual(['reply', 'heartbeat']);
  });
});
