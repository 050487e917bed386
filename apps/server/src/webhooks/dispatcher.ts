import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { Catalog } from '../catalog/catalog.js';
import { newId } from '../catalog/keys.js';
import type { DeliveryRow, WebhookRow } from '../catalog/rows.js';
import type { WebhookOptions } from '../config.js';
import type { ServerMetrics } from '../metrics.js';
import type { SimulationManager } from '../sim/manager.js';
import type { WorkerMessage } from '../sim/protocol.js';
import { signWebhook } from './signing.js';
import { guardedLookup, isPrivateAddress } from './ssrf.js';

/** One item of a delivery: a ledger event, a status change or an intervention update of a simulation. */
export interface WebhookEvent {
  /** Ledger event type (FAULT_INJECTED, ...), `simulation.status`, `intervention.updated` or `webhook.test`. */
  readonly type: string;
  readonly simulationId: string | null;
  readonly data: unknown;
}

interface Batch {
  readonly webhook: WebhookRow;
  readonly events: WebhookEvent[];
  timer: NodeJS.Timeout | null;
}

const nowIso = (): string => new Date().toISOString();

/**
 * Delivers events to each account's webhooks: gathered into batches, signed (Standard Webhooks), retried with
 * exponential backoff, every attempt written to the delivery log. Outgoing connections never reach private
 * addresses unless allow-listed.
 */
export class WebhookDispatcher {
  private readonly batches = new Map<string, Batch>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private webhooksByAccount: Map<string, WebhookRow[]> | null = null;
  private readonly accountOfSim = new Map<string, string | null>();
  private stopped = false;

  constructor(
    private readonly catalog: Catalog,
    private readonly options: WebhookOptions,
    private readonly metrics: ServerMetrics,
    private readonly log: FastifyBaseLogger,
    manager: SimulationManager,
  ) {
    manager.listen((simId, message) => this.receive(simId, message));
  }

  /** Call after webhooks are added or removed. */
  invalidate(): void {
    this.webhooksByAccount = null;
  }

  /** Sends one test event now and resolves with the first attempt's delivery row. */
  async test(webhook: WebhookRow): Promise<DeliveryRow> {
    return this.deliver(webhook, [
      { type: 'webhook.test', simulationId: null, data: { message: 'Test delivery from Doppel' } },
    ]);
  }

  /** Sends pending batches and waits (bounded) for deliveries in flight: part of a graceful shutdown. */
  async stop(timeoutMs = 5_000): Promise<void> {
    for (const batch of this.batches.values()) this.flushBatch(batch);
    this.stopped = true;
    for (const timer of this.retries) clearTimeout(timer);
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private receive(simId: string, message: WorkerMessage): void {
    if (this.stopped) return;
    const events: WebhookEvent[] = [];
    if (message.type === 'ledger') {
      for (const record of message.records) events.push({ type: record.eventType, simulationId: simId, data: record });
    } else if (message.type === 'status') {
      events.push({
        type: 'simulation.status',
        simulationId: simId,
        data: {
          status: message.info.status,
          previous: message.previous,
          simTime: message.info.now,
          error: message.info.error,
        },
      });
    } else if (message.type === 'intervention') {
      events.push({ type: 'intervention.updated', simulationId: simId, data: message.record });
    }
    if (events.length === 0) return;
    const hooks = this.hooksFor(simId);
    for (const webhook of hooks) {
      const wanted = webhook.event_types.split(',');
      const all = wanted.includes('*');
      const matching = all ? events : events.filter((event) => wanted.includes(event.type));
      if (matching.length > 0) this.enqueue(webhook, matching);
    }
  }

  private hooksFor(simId: string): WebhookRow[] {
    let account = this.accountOfSim.get(simId);
    if (account === undefined) {
      account = this.catalog.simulation(simId)?.account_id ?? null;
      this.accountOfSim.set(simId, account);
    }
    if (account === null) return [];
    if (this.webhooksByAccount === null) {
      this.webhooksByAccount = new Map();
      for (const row of this.catalog.allWebhooks()) {
        const list = this.webhooksByAccount.get(row.account_id) ?? [];
        list.push(row);
        this.webhooksByAccount.set(row.account_id, list);
      }
    }
    return (this.webhooksByAccount.get(account) ?? []).filter(
      (row) => row.simulation_id === null || row.simulation_id === simId,
    );
  }

  private enqueue(webhook: WebhookRow, events: readonly WebhookEvent[]): void {
    let batch = this.batches.get(webhook.id);
    if (batch === undefined) {
      batch = { webhook, events: [], timer: null };
      this.batches.set(webhook.id, batch);
    }
    batch.events.push(...events);
    if (batch.events.length >= this.options.maxBatch) {
      this.flushBatch(batch);
      return;
    }
    const pending = batch;
    pending.timer ??= setTimeout(() => this.flushBatch(pending), this.options.batchWindowMs);
  }

  private flushBatch(batch: Batch): void {
    if (batch.timer !== null) clearTimeout(batch.timer);
    this.batches.delete(batch.webhook.id);
    for (let i = 0; i < batch.events.length; i += this.options.maxBatch) {
      void this.deliver(batch.webhook, batch.events.slice(i, i + this.options.maxBatch));
    }
  }

  private async deliver(webhook: WebhookRow, events: readonly WebhookEvent[]): Promise<DeliveryRow> {
    const id = newId('msg');
    const created = nowIso();
    const body = JSON.stringify({ id, webhookId: webhook.id, createdAt: created, events });
    const first = this.attempt(webhook, id, body, events.length, 1, created);
    this.inFlight.add(first);
    void first.finally(() => this.inFlight.delete(first));
    return first;
  }

  private async attempt(
    webhook: WebhookRow,
    id: string,
    body: string,
    count: number,
    attempt: number,
    created: string,
  ): Promise<DeliveryRow> {
    const outcome = await this.post(webhook, id, body);
    const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    const refused = outcome.refused;
    const last = attempt >= this.options.maxAttempts || refused;
    const row: DeliveryRow = {
      id,
      webhook_id: webhook.id,
      event_count: count,
      status: ok ? 'delivered' : last ? 'failed' : 'retrying',
      attempts: attempt,
      last_status_code: outcome.status,
      last_error: outcome.error,
      created_at: created,
      updated_at: nowIso(),
    };
    this.metrics.webhookDeliveries.inc({ outcome: row.status });
    try {
      if (this.catalog.ownedWebhook(webhook.account_id, webhook.id) !== null) this.catalog.upsertDelivery(row);
    } catch (error) {
      this.log.warn({ err: error }, 'webhook delivery log write failed');
    }
    if (!ok && !last && !this.stopped) {
      const delay = this.options.retryBaseMs * 2 ** (attempt - 1);
      const timer = setTimeout(() => {
        this.retries.delete(timer);
        const next = this.attempt(webhook, id, body, count, attempt + 1, created);
        this.inFlight.add(next);
        void next.finally(() => this.inFlight.delete(next));
      }, delay);
      timer.unref();
      this.retries.add(timer);
    }
    return row;
  }

  private post(
    webhook: WebhookRow,
    id: string,
    body: string,
  ): Promise<{ status: number | null; error: string | null; refused: boolean }> {
    const url = new URL(webhook.url);
    const timestamp = Math.floor(Date.now() / 1000);
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // Sockets skip the lookup for IP literals, so those are checked here.
    if (isIP(host) !== 0 && isPrivateAddress(host) && !this.options.allowHosts.includes(host)) {
      return Promise.resolve({
        status: null,
        error: `${host} is a private or loopback address; refused`,
        refused: true,
      });
    }
    return new Promise((resolve) => {
      const req = request(
        url,
        {
          method: 'POST',
          timeout: this.options.timeoutMs,
          lookup: guardedLookup(this.options.allowHosts, host),
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'Doppel-Webhooks/1',
            'webhook-id': id,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': signWebhook(webhook.secret, id, timestamp, body),
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? null, error: null, refused: false }));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timed out after ${this.options.timeoutMs} ms`)));
      req.on('error', (error: Error & { code?: string }) =>
        resolve({ status: null, error: error.message, refused: error.code === 'DOPPEL_ERR_WEBHOOK_URL_REFUSED' }),
      );
      req.end(body);
    });
  }
}
