import { Counter, Gauge, Histogram, Registry, Summary, collectDefaultMetrics } from 'prom-client';

/** The seed's SLO targets: simulation real-time factor at least 1.0x, scenario accuracy above 95%. */
export const FLEET_SLO = { realtimeFactor: 1, scenarioAccuracy: 0.95 } as const;

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
  readonly liveSyncLatency = new Histogram({
    name: 'doppel_live_sync_latency_seconds',
    help: 'MQTT live sync: the telemetry message timestamp to the measurement visible through the API',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly liveMessages = new Counter({
    name: 'doppel_live_messages_total',
    help: 'MQTT telemetry messages by result: accepted, or the reason they were refused',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly fleetSyncLatency = new Summary({
    name: 'doppel_fleet_sync_latency_seconds',
    help: "Live fleet mirror: a physical vehicle's telemetry timestamp to its state mirrored (p50, p99 over 60 s)",
    labelNames: ['transport'] as const,
    percentiles: [0.5, 0.99],
    maxAgeSeconds: 60,
    ageBuckets: 6,
    registers: [this.registry],
  });
  readonly fleetTelemetry = new Counter({
    name: 'doppel_fleet_telemetry_total',
    help: 'Physical vehicle telemetry by transport (mqtt, http) and result: accepted, or why it was refused',
    labelNames: ['transport', 'result'] as const,
    registers: [this.registry],
  });
  /** Mirrored vehicles live and stale, read from the mirror when scraped. */
  fleetCounts: () => { live: number; stale: number } = () => ({ live: 0, stale: 0 });
  readonly fleetVehicles = new Gauge({
    name: 'doppel_fleet_mirrored_vehicles',
    help: 'Physical vehicles mirrored by the twin: live, or stale (silent for longer than a second)',
    labelNames: ['status'] as const,
    registers: [this.registry],
    collect: () => {
      const counts = this.fleetCounts();
      this.fleetVehicles.set({ status: 'live' }, counts.live);
      this.fleetVehicles.set({ status: 'stale' }, counts.stale);
    },
  });
  readonly webhookDeliveries = new Counter({
    name: 'doppel_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  // Service-level objectives of the fleet twin (seed 001's table): each SLI with its target next to it, so a
  // dashboard or an alert compares the two without knowing the numbers.
  readonly sloTarget = new Gauge({
    name: 'doppel_slo_target',
    help: 'Target of a service-level objective (the SLI of the same name must stay at or above it)',
    labelNames: ['slo'] as const,
    registers: [this.registry],
  });
  readonly fleetRealtimeFactor = new Histogram({
    name: 'doppel_fleet_realtime_factor',
    help: 'Simulated seconds per wall-clock second of a fleet run through the Twin API (SLO: at least 1)',
    labelNames: ['scenario_type'] as const,
    buckets: [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000],
    registers: [this.registry],
  });
  readonly fleetRealtimeFactorLast = new Gauge({
    name: 'doppel_fleet_realtime_factor_last',
    help: 'Real-time factor of the last fleet run through the Twin API, by scenario type',
    labelNames: ['scenario_type'] as const,
    registers: [this.registry],
  });
  readonly fleetScenarioAccuracy = new Histogram({
    name: 'doppel_fleet_scenario_accuracy',
    help: 'Accuracy of a fleet case against its analytic reference, 1 - |simulated - analytic| / analytic (SLO: at least 0.95)',
    labelNames: ['scenario_type', 'reference'] as const,
    buckets: [0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1],
    registers: [this.registry],
  });
  readonly fleetScenarioAccuracyLast = new Gauge({
    name: 'doppel_fleet_scenario_accuracy_last',
    help: 'Accuracy against its analytic reference of the last fleet case that has one, by scenario type and reference',
    labelNames: ['scenario_type', 'reference'] as const,
    registers: [this.registry],
  });
  readonly fleetRuns = new Counter({
    name: 'doppel_fleet_runs_total',
    help: 'Fleet runs through the Twin API by scenario type and verdict',
    labelNames: ['scenario_type', 'verdict'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'doppel_' });
    this.sloTarget.set({ slo: 'fleet_realtime_factor' }, FLEET_SLO.realtimeFactor);
    this.sloTarget.set({ slo: 'fleet_scenario_accuracy' }, FLEET_SLO.scenarioAccuracy);
  }

  /** Records a fleet run: its real-time factor and every case's accuracy against an analytic reference. */
  observeFleetRun(run: {
    scenarioType: string;
    verdict: string | null;
    simSeconds: number;
    wallSeconds: number;
    accuracies: readonly { reference: string; accuracy: number }[];
  }): void {
    const type = { scenario_type: run.scenarioType };
    if (run.simSeconds > 0 && run.wallSeconds > 0) {
      const factor = run.simSeconds / run.wallSeconds;
      this.fleetRealtimeFactor.observe(type, factor);
      this.fleetRealtimeFactorLast.set(type, factor);
    }
    for (const { reference, accuracy } of run.accuracies) {
      this.fleetScenarioAccuracy.observe({ ...type, reference }, accuracy);
      this.fleetScenarioAccuracyLast.set({ ...type, reference }, accuracy);
    }
    this.fleetRuns.inc({ ...type, verdict: run.verdict ?? 'none' });
  }
}
