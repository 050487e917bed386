import type { FastifyBaseLogger } from 'fastify';
import type { Catalog, DeliveryRow, WebhookRow } from '@doppel/catalog';
import type { WebhookOptions } from '../config.js';
import { ServerError, ServerErrorCode } from '../errors.js';
import type { ServerMetrics } from '../metrics.js';
import type { Clock } from './clock.js';
import type { NewDelivery, OutboxDelivery, OutboxStatus, WebhookOutbox } from './outbox.js';
import { isSuccess, sendWebhook } from './sender.js';

export interface DeliveryLoopDeps {
  readonly options: WebhookOptions;
  readonly clock: Clock;
  readonly metrics: ServerMetrics;
  readonly log: FastifyBaseLogger;
  readonly catalog: Catalog;
  /** The open outboxes, by simulation id (owned by the dispatcher). */
  readonly outboxes: ReadonlyMap<string, WebhookOutbox>;
  readonly webhook: (id: string) => WebhookRow | null;
  readonly outbox: (simId: string) => WebhookOutbox;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Sends what the outboxes hold when it falls due: the first attempt at once, then after each delay of the retry
 * schedule (measured on the injected clock), at most `maxInFlight` at a time. Each outcome is written to the
 * outbox before the next attempt is planned, and mirrored to the catalog's delivery log for the API. After the
 * last attempt a delivery is failed until redelivered.
 */
export class DeliveryLoop {
  private readonly inFlight = new Map<string, Promise<void>>();
  private cancelTimer: (() => void) | null = null;
  private timerAt: number | null = null;
  private pumpQueued = false;
  private stopped = false;

  constructor(private readonly deps: DeliveryLoopDeps) {}

  /** New deliveries were queued in an outbox: they are logged as pending and their first attempt starts. */
  queued(outbox: WebhookOutbox, deliveries: readonly NewDelivery[]): void {
    for (const item of deliveries) {
      const row = outbox.delivery(item.id);
      if (row !== null) this.mirror(outbox.simId, row);
    }
    if (deliveries.length > 0) this.wake();
  }

  /** Looks at the outboxes again: due deliveries go out now, the next one gets a timer. */
  wake(): void {
    if (this.stopped || this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  async redeliver(webhook: WebhookRow, ids?: readonly string[]): Promise<DeliveryRow[]> {
    const { catalog } = this.deps;
    const rows: DeliveryRow[] = [];
    if (ids === undefined) rows.push(...(await catalog.deliveries(webhook.id, 100_000, 'failed')));
    else {
      for (const [index, id] of ids.entries()) {
        const row = await catalog.delivery(webhook.id, id);
        if (row === null) throw refusal(index, id, 'no such delivery of this webhook');
        rows.push(row);
      }
    }
    const bySim = new Map<string, string[]>();
    for (const [index, row] of rows.entries()) {
      // Test deliveries and those of deleted simulations have no outbox: nothing is kept to send again.
      if (row.simulation_id === null || (await catalog.simulation(row.simulation_id)) === null) {
        if (ids !== undefined)
          throw refusal(index, row.id, 'this delivery is no longer kept (test or deleted simulation)');
        continue;
      }
      const list = bySim.get(row.simulation_id) ?? [];
      list.push(row.id);
      bySim.set(row.simulation_id, list);
    }
    const now = this.deps.clock.now();
    const result: DeliveryRow[] = [];
    for (const [simId, list] of bySim) {
      for (const row of this.deps.outbox(simId).redeliver(list, now, iso(now))) result.push(this.mirror(simId, row));
    }
    this.wake();
    return result;
  }

  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    await Promise.race([
      Promise.allSettled([...this.inFlight.values()]),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }

  private pump(): void {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    const busy = new Set(this.inFlight.keys());
    for (const outbox of this.deps.outboxes.values()) {
      const room = this.deps.options.maxInFlight - this.inFlight.size;
      if (room <= 0) break;
      let due: OutboxDelivery[];
      try {
        due = outbox.due(now, room, busy);
      } catch (error) {
        this.deps.log.warn({ err: error, simId: outbox.simId }, 'webhook outbox read failed');
        continue;
      }
      for (const row of due) {
        const attempt = this.attempt(outbox, row).finally(() => {
          this.inFlight.delete(row.id);
          this.wake();
        });
        this.inFlight.set(row.id, attempt);
      }
    }
    this.arm();
  }

  /** A timer on the clock for the earliest delivery not on the wire. */
  private arm(): void {
    const busy = new Set(this.inFlight.keys());
    let next: number | null = null;
    for (const outbox of this.deps.outboxes.values()) {
      try {
        const due = outbox.nextDue(busy);
        if (due !== null && (next === null || due < next)) next = due;
      } catch {
        // A closed or failing outbox is looked at again on the next wake.
      }
    }
    // Full, or something due that had no room: the end of an attempt wakes the loop.
    if (this.inFlight.size >= this.deps.options.maxInFlight) next = null;
    else if (next !== null && next <= this.deps.clock.now()) {
      // Only an outbox that could not be read leaves this: look again in a while, not in a spin.
      if (this.inFlight.size === 0) setTimeout(() => this.wake(), 1_000).unref();
      next = null;
    }
    if (next === this.timerAt) return;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.timerAt = next;
    if (next === null) return;
    this.cancelTimer = this.deps.clock.schedule(() => {
      this.cancelTimer = null;
      this.timerAt = null;
      this.pump();
    }, next - this.deps.clock.now());
  }

  private async attempt(outbox: WebhookOutbox, row: OutboxDelivery): Promise<void> {
    const { clock, options } = this.deps;
    const webhook = this.deps.webhook(row.webhook_id);
    if (webhook === null) {
      outbox.drop(row.webhook_id);
      return;
    }
    const outcome = await sendWebhook(webhook, row.id, row.body, Math.floor(clock.now() / 1000), options);
    const attempts = row.attempts + 1;
    const schedule = options.retryScheduleMs;
    const ok = isSuccess(outcome);
    const last = attempts >= schedule.length || outcome.refused;
    const status: OutboxStatus = ok ? 'delivered' : last ? 'failed' : 'retrying';
    const now = clock.now();
    this.deps.metrics.webhookDeliveries.inc({ outcome: status });
    try {
      const updated = outbox.record(row.id, {
        status,
        attempts,
        nextAttemptAt: ok || last ? null : now + schedule[attempts],
        statusCode: outcome.status,
        error: outcome.error,
        updatedAt: iso(now),
      });
      if (updated !== null) this.mirror(outbox.simId, updated);
    } catch (error) {
      // The outcome is lost, not the delivery: it is attempted again (same id) after the next start.
      this.deps.log.warn({ err: error, simId: outbox.simId }, 'webhook outbox write failed');
    }
  }

  /** Writes a delivery's state to the catalog's log (what GET …/deliveries lists). */
  private mirror(simId: string, row: OutboxDelivery): DeliveryRow {
    const logged: DeliveryRow = {
      id: row.id,
      webhook_id: row.webhook_id,
      simulation_id: simId,
      event_count: row.event_count,
      status: row.status,
      attempts: row.attempts,
      last_status_code: row.last_status_code,
      last_error: row.last_error,
      next_attempt_at: row.next_attempt_at === null ? null : iso(row.next_attempt_at),
      created_at: row.created_at,
      updated_at: row.updated_at,
    };
    this.deps.catalog.upsertDelivery(logged).catch((error: unknown) => {
      // A webhook removed meanwhile: its log went with it.
      this.deps.log.debug({ err: error }, 'webhook delivery log write skipped');
    });
    return logged;
  }
}

function refusal(index: number, id: string, message: string): ServerError {
  return new ServerError(ServerErrorCode.Validation, `Delivery ${id} cannot be redelivered: ${message}`, {
    issues: [{ path: `body.deliveryIds[${index}]`, message, found: id }],
  });
}
