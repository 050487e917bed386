import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one server instance (own registry, so several apps can live in one process). */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'doppel_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly liveSimulations = new Gauge({
    name: 'doppel_live_simulations',
    help: 'Simulations with a running worker',
    registers: [this.registry],
  });
  readonly ledgerEvents = new Counter({
    name: 'doppel_ledger_events_total',
    help: 'Ledger events received from simulation workers',
    registers: [this.registry],
  });
  readonly failedSimulations = new Counter({
    name: 'doppel_failed_simulations_total',
    help: 'Simulations stopped and marked failed (errors, hangs, memory, event budget)',
    registers: [this.registry],
  });
  readonly wsClients = new Gauge({
    name: 'doppel_websocket_clients',
    help: 'Open WebSocket stream connections',
    registers: [this.registry],
  });
  readonly wsGaps = new Counter({
    name: 'doppel_websocket_gaps_total',
    help: 'Gap notices sent to slow WebSocket clients',
    registers: [this.registry],
  });
  readonly webhookDeliveries = new Counter({
    name: 'doppel_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'doppel_' });
  }
}
