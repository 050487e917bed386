import type { FastifyBaseLogger } from 'fastify';
import { ledgerEventJson, ledgerTextEventType } from '@doppel/twin';
import { type Catalog, type DeliveryRow, newId, type WebhookRow } from '@doppel/catalog';
import type { WebhookOptions } from '../config.js';
import type { ServerMetrics } from '../metrics.js';
import type { SimulationManager } from '../sim/manager.js';
import type { WorkerMessage } from '../sim/protocol.js';
import { systemClock, type Clock } from './clock.js';
import { DeliveryLoop } from './delivery-loop.js';
import { deliveryId, WebhookOutbox, type DeliveryStream, type NewDelivery } from './outbox.js';
import { isSuccess, sendWebhook } from './sender.js';

/** One item of a delivery: a ledger event, a status change or an intervention update of a simulation. */
export interface WebhookEvent {
  /** Ledger event type (FAULT_INJECTED, ...), `simulation.status`, `intervention.updated` or `webhook.test`. */
  readonly type: string;
  readonly simulationId: string | null;
  readonly data: unknown;
}

/** How far a webhook's streams of one simulation are queued (in memory; written with each batch). */
interface Cursor {
  seq: number;
  notified: number;
}

/** A ledger event of a delivery, already in its wire form: the `WebhookEvent` as JSON text. */
interface LedgerItem {
  readonly seq: number;
  readonly json: string;
}

/** Events of one simulation for one webhook, gathered for a short while before they are queued durably. */
interface Batch {
  readonly simId: string;
  readonly webhook: WebhookRow;
  /** Ledger seqs (from, to] are covered: the events among them that the webhook wants are `ledger`. */
  from: number;
  to: number;
  readonly ledger: LedgerItem[];
  readonly notices: WebhookEvent[];
  timer: NodeJS.Timeout | null;
}

const keyOf = (simId: string, webhookId: string): string => `${simId} ${webhookId}`;

/**
 * Turns each simulation's ledger and lifecycle changes into webhook deliveries, at least once each: events are
 * gathered briefly, then queued in the simulation's outbox together with the webhook's high-water mark, and the
 * delivery loop sends and retries them from there. Ledger seqs at or below the mark are never queued again, so a
 * simulation re-executed after a restart or a reload sends nothing twice; lifecycle notices replayed by a
 * re-execution are not news and are not sent.
 */
export class WebhookDispatcher {
  private readonly outboxes = new Map<string, WebhookOutbox>();
  private readonly cursors = new Map<string, Cursor>();
  private readonly batches = new Map<string, Batch>();
  /** Every webhook of the server, by account and by id: read from the catalog at start and after each change. */
  private webhooksByAccount = new Map<string, WebhookRow[]>();
  private webhooksById = new Map<string, WebhookRow>();
  private readonly loop: DeliveryLoop;
  private stopped = false;

  constructor(
    private readonly catalog: Catalog,
    private readonly options: WebhookOptions,
    metrics: ServerMetrics,
    private readonly log: FastifyBaseLogger,
    private readonly manager: SimulationManager,
    private readonly clock: Clock = systemClock,
  ) {
    this.loop = new DeliveryLoop({
      options,
      clock,
      metrics,
      log,
      catalog,
      outboxes: this.outboxes,
      webhook: (id) => this.webhook(id),
      outbox: (simId) => this.outboxFor(simId),
    });
    manager.listen((simId, message) => this.receive(simId, message));
    manager.onDelete((simId) => this.forget(simId));
  }

  /** Reads the webhooks and picks up every outbox with deliveries still to make (once, after construction). */
  async start(): Promise<void> {
    await this.reload();
    await this.resume();
  }

  /** Call after webhooks are added or removed. */
  async reload(): Promise<void> {
    const byAccount = new Map<string, WebhookRow[]>();
    const byId = new Map<string, WebhookRow>();
    for (const row of await this.catalog.allWebhooks()) {
      const list = byAccount.get(row.account_id) ?? [];
      list.push(row);
      byAccount.set(row.account_id, list);
      byId.set(row.id, row);
    }
    this.webhooksByAccount = byAccount;
    this.webhooksById = byId;
  }

  /** Sends one test event now (a single attempt, not kept for retries) and logs it. */
  async test(webhook: WebhookRow): Promise<DeliveryRow> {
    const id = newId('msg');
    const created = new Date(this.clock.now()).toISOString();
    const events: WebhookEvent[] = [
      { type: 'webhook.test', simulationId: null, data: { message: 'Test delivery from Doppel' } },
    ];
    const body = JSON.stringify({ id, webhookId: webhook.id, simulationId: null, createdAt: created, events });
    const outcome = await sendWebhook(webhook, id, body, Math.floor(this.clock.now() / 1000), this.options);
    const row: DeliveryRow = {
      id,
      webhook_id: webhook.id,
      simulation_id: null,
      event_count: events.length,
      status: isSuccess(outcome) ? 'delivered' : 'failed',
      attempts: 1,
      last_status_code: outcome.status,
      last_error: outcome.error,
      next_attempt_at: null,
      created_at: created,
      updated_at: new Date(this.clock.now()).toISOString(),
    };
    await this.catalog.upsertDelivery(row);
    return row;
  }

  /** Queues deliveries of a webhook again (its failed ones, or those named), keeping their ids and bodies. */
  redeliver(webhook: WebhookRow, ids?: readonly string[]): Promise<DeliveryRow[]> {
    this.flushAll();
    return this.loop.redeliver(webhook, ids);
  }

  /**
   * Graceful stop: gathered events are queued (durably), attempts on the wire get a bounded wait, and the outboxes
   * are closed. Whatever is still pending goes out after the next start, under the same ids.
   */
  async stop(timeoutMs = 5_000): Promise<void> {
    this.flushAll();
    this.stopped = true;
    await this.loop.stop(timeoutMs);
    for (const outbox of this.outboxes.values()) outbox.close();
    this.outboxes.clear();
  }

  /** After a start: every outbox with deliveries still to make is opened and its schedule picked up. */
  private async resume(): Promise<void> {
    for (const simId of this.manager.simulationsWithOutbox()) {
      if ((await this.catalog.simulation(simId)) === null) continue;
      try {
        const outbox = this.outboxFor(simId);
        if (outbox.nextDue(new Set()) === null) {
          outbox.close();
          this.outboxes.delete(simId);
        }
      } catch (error) {
        this.log.warn({ err: error, simId }, 'webhook outbox could not be opened');
      }
    }
    this.loop.wake();
  }

  private receive(simId: string, message: WorkerMessage): void {
    if (this.stopped) return;
    if (message.type === 'ledger') return this.receiveLedger(simId, message.firstSeq, message.texts);
    if (message.type === 'rewind') return this.receiveRewind(simId, message.seq);
    if (message.type !== 'status' && message.type !== 'intervention') return;
    // Status changes and intervention updates of a re-execution replay what was already announced.
    if (this.manager.isRestoring(simId)) return;
    const event: WebhookEvent =
      message.type === 'status'
        ? {
            type: 'simulation.status',
            simulationId: simId,
            data: {
              status: message.info.status,
              previous: message.previous,
              simTime: message.info.now,
              error: message.info.error,
            },
          }
        : { type: 'intervention.updated', simulationId: simId, data: message.record };
    for (const webhook of this.hooksFor(simId)) {
      if (!wants(webhook, event.type)) continue;
      const batch = this.batchFor(simId, webhook, this.cursorOf(simId, webhook.id, null));
      batch.notices.push(event);
      this.checkFull(batch);
    }
  }

  /**
   * Queues the records (canonical texts from seq `first` on) for every webhook of the simulation. A record a webhook
   * wants goes into its body as the writer's text spliced into the wire form, never parsed or serialised again.
   */
  private receiveLedger(simId: string, first: number, texts: readonly string[]): void {
    if (texts.length === 0) return;
    const hooks = this.hooksFor(simId);
    if (hooks.length === 0) return;
    const last = first + texts.length - 1;
    const types: (string | undefined)[] = [];
    const items: (LedgerItem | undefined)[] = [];
    const item = (index: number): LedgerItem =>
      (items[index] ??= {
        seq: first + index,
        json: `{"type":${JSON.stringify(types[index])},"simulationId":${JSON.stringify(simId)},"data":${ledgerEventJson(texts[index])}}`,
      });
    for (const webhook of hooks) {
      const cursor = this.cursorOf(simId, webhook.id, first);
      if (last <= cursor.seq) continue;
      const batch = this.batchFor(simId, webhook, cursor);
      for (let index = Math.max(0, cursor.seq + 1 - first); index < texts.length; index++) {
        const type = (types[index] ??= ledgerTextEventType(texts[index]));
        if (wants(webhook, type)) batch.ledger.push(item(index));
      }
      cursor.seq = last;
      batch.to = last;
      this.checkFull(batch);
    }
  }

  private receiveRewind(simId: string, seq: number): void {
    const hooks = this.hooksFor(simId);
    if (hooks.length === 0 && !this.outboxes.has(simId)) return;
    // What was gathered belongs to the timeline that is left behind: queued under its ids first.
    for (const batch of [...this.batches.values()]) if (batch.simId === simId) this.flush(batch);
    try {
      this.outboxFor(simId).rewind(seq);
    } catch (error) {
      this.log.warn({ err: error, simId }, 'webhook outbox write failed');
    }
    for (const [key, cursor] of this.cursors) {
      if (key.startsWith(`${simId} `)) cursor.seq = Math.min(cursor.seq, seq);
    }
  }

  /**
   * Where a webhook stands in a simulation: from memory, else from the outbox, else (a webhook new to this
   * simulation) the simulation's present: the first seq of a live batch, or the head it had before a reload.
   */
  private cursorOf(simId: string, webhookId: string, firstSeq: number | null): Cursor {
    const key = keyOf(simId, webhookId);
    let cursor = this.cursors.get(key);
    if (cursor !== undefined) return cursor;
    const stored = this.outboxFor(simId).subscription(webhookId);
    if (stored !== null) {
      cursor = { seq: stored.enqueued_seq, notified: stored.notified };
    } else {
      const head = this.manager.storedHead(simId);
      const live = firstSeq !== null && !this.manager.isRestoring(simId);
      cursor = { seq: live ? firstSeq - 1 : head, notified: 0 };
    }
    this.cursors.set(key, cursor);
    return cursor;
  }

  private batchFor(simId: string, webhook: WebhookRow, cursor: Cursor): Batch {
    const key = keyOf(simId, webhook.id);
    let batch = this.batches.get(key);
    if (batch === undefined) {
      batch = { simId, webhook, from: cursor.seq, to: cursor.seq, ledger: [], notices: [], timer: null };
      this.batches.set(key, batch);
      const pending = batch;
      batch.timer = setTimeout(() => this.flush(pending), this.options.batchWindowMs);
      batch.timer.unref();
    }
    return batch;
  }

  private checkFull(batch: Batch): void {
    if (batch.ledger.length + batch.notices.length >= this.options.maxBatch) this.flush(batch);
  }

  private flushAll(): void {
    for (const batch of [...this.batches.values()]) this.flush(batch);
  }

  /** Queues a batch in the outbox with the webhook's new marks, in one transaction, then wakes the sender. */
  private flush(batch: Batch): void {
    const key = keyOf(batch.simId, batch.webhook.id);
    if (batch.timer !== null) clearTimeout(batch.timer);
    if (this.batches.get(key) !== batch) return;
    this.batches.delete(key);
    const cursor = this.cursors.get(key);
    if (cursor === undefined) return;
    try {
      const outbox = this.outboxFor(batch.simId);
      const now = this.clock.now();
      const createdAt = new Date(now).toISOString();
      const deliveries: NewDelivery[] = [];
      /** `events`: each event as JSON text (ledger events arrive so; notices are serialised here, once). */
      const make = (stream: DeliveryStream, from: number, to: number, events: readonly string[]): void => {
        const id = deliveryId(batch.simId, batch.webhook.id, outbox.timeline, stream, from, to);
        const head = JSON.stringify({
          id,
          webhookId: batch.webhook.id,
          simulationId: batch.simId,
          stream,
          from,
          to,
          createdAt,
        });
        const body = `${head.slice(0, -1)},"events":[${events.join(',')}]}`;
        deliveries.push({ id, stream, from, to, eventCount: events.length, body });
      };
      // Ledger ranges cover every seq of the batch (those the webhook does not want included), split by size.
      let from = batch.from + 1;
      for (let i = 0; i < batch.ledger.length; i += this.options.maxBatch) {
        const chunk = batch.ledger.slice(i, i + this.options.maxBatch);
        const end = i + this.options.maxBatch >= batch.ledger.length;
        const to = end ? batch.to : chunk[chunk.length - 1].seq;
        make(
          'ledger',
          from,
          to,
          chunk.map((item) => item.json),
        );
        from = to + 1;
      }
      for (let i = 0; i < batch.notices.length; i += this.options.maxBatch) {
        const chunk = batch.notices.slice(i, i + this.options.maxBatch);
        make(
          'notice',
          cursor.notified + 1,
          cursor.notified + chunk.length,
          chunk.map((event) => JSON.stringify(event)),
        );
        cursor.notified += chunk.length;
      }
      outbox.enqueue(
        batch.webhook.id,
        { enqueuedSeq: cursor.seq, notified: cursor.notified },
        deliveries,
        now,
        createdAt,
      );
      this.loop.queued(outbox, deliveries);
    } catch (error) {
      // Not queued: the marks stay where the outbox has them, and a re-execution regenerates these events.
      this.cursors.delete(key);
      this.log.warn({ err: error, simId: batch.simId }, 'webhook outbox write failed');
    }
  }

  private outboxFor(simId: string): WebhookOutbox {
    let outbox = this.outboxes.get(simId);
    if (outbox === undefined) {
      outbox = new WebhookOutbox(simId, this.manager.webhookOutboxPath(simId));
      this.outboxes.set(simId, outbox);
    }
    return outbox;
  }

  private forget(simId: string): void {
    for (const [key, batch] of this.batches) {
      if (batch.simId !== simId) continue;
      if (batch.timer !== null) clearTimeout(batch.timer);
      this.batches.delete(key);
    }
    for (const key of [...this.cursors.keys()]) if (key.startsWith(`${simId} `)) this.cursors.delete(key);
    this.outboxes.get(simId)?.close();
    this.outboxes.delete(simId);
  }

  private webhook(id: string): WebhookRow | null {
    return this.webhooksById.get(id) ?? null;
  }

  /** The webhooks of a simulation's account that want its events (only loaded simulations send messages). */
  private hooksFor(simId: string): WebhookRow[] {
    const account = this.manager.accountOf(simId);
    if (account === null) return [];
    return (this.webhooksByAccount.get(account) ?? []).filter(
      (row) => row.simulation_id === null || row.simulation_id === simId,
    );
  }
}

function wants(webhook: WebhookRow, type: string): boolean {
  const wanted = webhook.event_types.split(',');
  return wanted.includes('*') || wanted.includes(type);
}
