import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { deliveryId, WebhookOutbox, type NewDelivery } from '../src/webhooks/outbox.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function outboxPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'doppel-outbox-'));
  dirs.push(dir);
  return join(dir, 'sim_a.webhooks.sqlite');
}

const ledger = (outbox: WebhookOutbox, from: number, to: number): NewDelivery => ({
  id: deliveryId('sim_a', 'wh_1', outbox.timeline, 'ledger', from, to),
  stream: 'ledger',
  from,
  to,
  eventCount: to - from + 1,
  body: `{"from":${from},"to":${to}}`,
});
const outcome = (status: 'delivered' | 'retrying' | 'failed', attempts: number, next: number | null = null) => ({
  status,
  attempts,
  nextAttemptAt: next,
  statusCode: status === 'delivered' ? 204 : 503,
  error: null,
  updatedAt: '2026-01-05T08:00:00.000Z',
});

describe('webhook outbox', () => {
  it('names deliveries by simulation, webhook, stream, timeline and range', () => {
    expect(deliveryId('sim_a', 'wh_1', 0, 'ledger', 1, 47)).toBe('msg_sim_a_wh_1_1-47');
    expect(deliveryId('sim_a', 'wh_1', 0, 'notice', 3, 4)).toBe('msg_sim_a_wh_1_n3-4');
    expect(deliveryId('sim_a', 'wh_1', 2, 'ledger', 48, 60)).toBe('msg_sim_a_wh_1_r2_48-60');
    // Distinct inputs never share an id (the receiver's deduplication key).
    fc.assert(
      fc.property(
        fc.tuple(fc.nat(3), fc.constantFrom('ledger' as const, 'notice' as const), fc.nat(1000), fc.nat(1000)),
        fc.tuple(fc.nat(3), fc.constantFrom('ledger' as const, 'notice' as const), fc.nat(1000), fc.nat(1000)),
        (a, b) => {
          const same = a.every((value, i) => value === b[i]);
          expect(deliveryId('sim_a', 'wh_1', ...a) === deliveryId('sim_a', 'wh_1', ...b)).toBe(same);
        },
      ),
    );
  });

  it('keeps marks, pending deliveries and their schedule across a reopen; delivered counts only what is contiguous', () => {
    const path = outboxPath();
    const first = new WebhookOutbox('sim_a', path);
    const a = ledger(first, 1, 10);
    const b = ledger(first, 11, 20);
    first.enqueue('wh_1', { enqueuedSeq: 20, notified: 0 }, [a, b], 1_000, '2026-01-05T08:00:00.000Z');
    first.record(b.id, outcome('delivered', 1));
    expect(first.subscription('wh_1')).toMatchObject({ enqueued_seq: 20, delivered_seq: 0 });
    first.record(a.id, outcome('retrying', 1, 6_000));
    first.close();

    const second = new WebhookOutbox('sim_a', path);
    expect(second.nextDue(new Set())).toBe(6_000);
    expect(second.due(5_999, 10, new Set())).toEqual([]);
    expect(second.due(6_000, 10, new Set()).map((row) => [row.id, row.attempts, row.body])).toEqual([
      [a.id, 1, a.body],
    ]);
    expect(second.due(6_000, 10, new Set([a.id]))).toEqual([]);
    second.record(a.id, outcome('delivered', 2));
    expect(second.subscription('wh_1')).toMatchObject({ enqueued_seq: 20, delivered_seq: 20 });
    expect(second.nextDue(new Set())).toBeNull();
    // Queuing again what is already there changes nothing (the id is the key).
    second.enqueue('wh_1', { enqueuedSeq: 20, notified: 0 }, [a], 9_000, '2026-01-05T09:00:00.000Z');
    expect(second.delivery(a.id)).toMatchObject({ status: 'delivered', attempts: 2, next_attempt_at: null });
    second.close();
  });

  it('starts a new timeline at a rewind, and redelivers failed deliveries under their ids', () => {
    const outbox = new WebhookOutbox('sim_a', outboxPath());
    const old = ledger(outbox, 1, 30);
    outbox.enqueue('wh_1', { enqueuedSeq: 30, notified: 0 }, [old], 0, '2026-01-05T08:00:00.000Z');
    outbox.record(old.id, outcome('failed', 8));
    outbox.rewind(12);
    expect(outbox.timeline).toBe(1);
    expect(outbox.subscription('wh_1')).toMatchObject({ enqueued_seq: 12, delivered_seq: 0 });
    const fresh = ledger(outbox, 13, 25);
    expect(fresh.id).toBe('msg_sim_a_wh_1_r1_13-25');
    outbox.enqueue('wh_1', { enqueuedSeq: 25, notified: 0 }, [fresh], 0, '2026-01-05T08:00:00.000Z');
    outbox.record(fresh.id, outcome('delivered', 1));
    expect(outbox.subscription('wh_1')).toMatchObject({ enqueued_seq: 25, delivered_seq: 25 });

    const [again] = outbox.redeliver([old.id], 50_000, '2026-01-06T08:00:00.000Z');
    expect(again).toMatchObject({
      id: old.id,
      body: old.body,
      status: 'pending',
      attempts: 0,
      next_attempt_at: 50_000,
    });
    expect(outbox.due(50_000, 10, new Set()).map((row) => row.id)).toEqual([old.id]);
    outbox.close();
  });
});
