import { Counter, Gauge, Histogram, Registry, Summary, collectDefaultMetrics } from 'prom-client';

/** Request and sync latencies: a millisecond to a few seconds. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

// Every metric of an instance lives in that instance's registry: these say it once.
function counter<L extends string = never>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
): Counter<L> {
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function gauge<L extends string = never>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[] = [],
): Gauge<L> {
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

function histogram<L extends string = never>(
  registry: Registry,
  name: string,
  help: string,
  buckets: number[],
  labelNames: readonly L[] = [],
): Histogram<L> {
  return new Histogram({ name, help, buckets, labelNames, registers: [registry] });
}

/** The seed's SLO targets: simulation real-time factor at least 1.0x, scenario accuracy above 95%. */
export const FLEET_SLO = { realtimeFactor: 1, scenarioAccuracy: 0.95 } as const;

/** Prometheus metrics of one server instance (own registry, so several apps can live in one process). */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly httpDuration = histogram(
    this.registry,
    'doppel_http_request_duration_seconds',
    'HTTP request duration by route and status',
    LATENCY_BUCKETS,
    ['method', 'route', 'status'],
  );
  readonly liveSimulations = gauge(this.registry, 'doppel_live_simulations', 'Simulations with a running worker');
  readonly ledgerEvents = counter(
    this.registry,
    'doppel_ledger_events_total',
    'Ledger events received from simulation workers',
  );
  readonly failedSimulations = counter(
    this.registry,
    'doppel_failed_simulations_total',
    'Simulations stopped and marked failed (errors, hangs, memory, event budget)',
  );
  readonly wsClients = gauge(this.registry, 'doppel_websocket_clients', 'Open WebSocket stream connections');
  readonly wsGaps = counter(this.registry, 'doppel_websocket_gaps_total', 'Gap notices sent to slow WebSocket clients');
  readonly liveSyncLatency = histogram(
    this.registry,
    'doppel_live_sync_latency_seconds',
    'MQTT live sync: the telemetry message timestamp to the measurement visible through the API',
    LATENCY_BUCKETS,
  );
  readonly liveMessages = counter(
    this.registry,
    'doppel_live_messages_total',
    'MQTT telemetry messages by result: accepted, or the reason they were refused',
    ['result'],
  );
  readonly fleetSyncLatency = new Summary({
    name: 'doppel_fleet_sync_latency_seconds',
    help: "Live fleet mirror: a physical vehicle's telemetry timestamp to its state mirrored (p50, p99 over 60 s)",
    labelNames: ['transport'] as const,
    percentiles: [0.5, 0.99],
    maxAgeSeconds: 60,
    ageBuckets: 6,
    registers: [this.registry],
  });
  readonly fleetTelemetry = counter(
    this.registry,
    'doppel_fleet_telemetry_total',
    'Physical vehicle telemetry by transport (mqtt, http) and result: accepted, or why it was refused',
    ['transport', 'result'],
  );
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
  readonly webhookDeliveries = counter(
    this.registry,
    'doppel_webhook_deliveries_total',
    'Webhook delivery attempts by outcome',
    ['outcome'],
  );

  // Service-level objectives of the fleet twin (seed 001's table): each SLI with its target next to it, so a
  // dashboard or an alert compares the two without knowing the numbers.
  readonly sloTarget = gauge(
    this.registry,
    'doppel_slo_target',
    'Target of a service-level objective (the SLI of the same name must stay at or above it)',
    ['slo'],
  );
  readonly fleetRealtimeFactor = histogram(
    this.registry,
    'doppel_fleet_realtime_factor',
    'Simulated seconds per wall-clock second of a fleet run through the Twin API (SLO: at least 1)',
    [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000],
    ['scenario_type'],
  );
  readonly fleetRealtimeFactorLast = gauge(
    this.registry,
    'doppel_fleet_realtime_factor_last',
    'Real-time factor of the last fleet run through the Twin API, by scenario type',
    ['scenario_type'],
  );
  readonly fleetScenarioAccuracy = histogram(
    this.registry,
    'doppel_fleet_scenario_accuracy',
    'Accuracy of a fleet case against its analytic reference, 1 - |simulated - analytic| / analytic (SLO: at least 0.95)',
    [0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999, 1],
    ['scenario_type', 'reference'],
  );
  readonly fleetScenarioAccuracyLast = gauge(
    this.registry,
    'doppel_fleet_scenario_accuracy_last',
    'Accuracy against its analytic reference of the last fleet case that has one, by scenario type and reference',
    ['scenario_type', 'reference'],
  );
  readonly fleetRuns = counter(
    this.registry,
    'doppel_fleet_runs_total',
    'Fleet runs through the Twin API by scenario type and verdict',
    ['scenario_type', 'verdict'],
  );

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
