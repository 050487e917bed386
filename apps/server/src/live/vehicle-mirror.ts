import type { TwinLiveLink, TwinLiveLinkState, TwinLiveVehicle, TwinTelemetry } from '@doppel/twin/contracts';

/** How far ahead the twin predicts a mirrored vehicle, s. */
export const PREDICTION_HORIZON_S = 3;
/** A vehicle that sends every 100 ms and has been silent for ten periods is stale. */
export const STALE_AFTER_MS = 1_000;

interface Mirrored {
  telemetry: TwinTelemetry;
  latencyMs: number;
  driftM: number | null;
  accepted: number;
  refused: number;
}

export type MirrorOutcome =
  | { readonly ok: true; readonly latencyMs: number; readonly view: TwinLiveVehicle }
  | { readonly ok: false; readonly reason: 'out_of_order'; readonly lastTs: number };

/**
 * Where a vehicle is expected `dt` seconds after a measurement: along its heading at constant acceleration, stopping
 * at standstill rather than reversing (a braking vehicle stops).
 */
export function predict(t: TwinTelemetry, dt: number): { x_m: number; y_m: number; speed_mps: number } {
  const a = t.accel_mps2;
  const tStop = a < 0 ? t.speed_mps / -a : Infinity;
  const moving = Math.min(dt, tStop);
  const distance = t.speed_mps * moving + 0.5 * a * moving * moving;
  const h = (t.heading_deg * Math.PI) / 180;
  return {
    x_m: t.x_m + distance * Math.cos(h),
    y_m: t.y_m + distance * Math.sin(h),
    speed_mps: Math.max(0, t.speed_mps + a * moving),
  };
}

/** A broker URL as it may be shown: scheme, host and port, without user or password. */
function brokerName(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'the configured broker';
  }
}

/**
 * The live mirror of the physical fleet: each vehicle's last measurement (origin `live`), refused when it is not
 * newer than the one mirrored (so a late or replayed message never moves the twin back), the sync latency of each
 * sample, the twin's prediction a few seconds ahead, and the drift between the prediction for a sample's instant
 * (from the sample before) and the sample itself. A vehicle silent for longer than STALE_AFTER_MS is stale.
 */
export class VehicleMirror {
  private readonly vehicles = new Map<string, Mirrored>();
  private linkState: TwinLiveLink = { mqtt: 'off', broker: null, since: null };

  constructor(private readonly now: () => number = Date.now) {}

  /** How the mirror is fed over MQTT (off until a live sync says otherwise). */
  get link(): TwinLiveLink {
    return this.linkState;
  }

  /** The MQTT live sync's link to `broker` changed (the broker's credentials, if any, are never kept). */
  setLink(state: TwinLiveLinkState, broker: string): void {
    if (state === this.linkState.mqtt) return;
    this.linkState = { mqtt: state, broker: brokerName(broker), since: new Date(this.now()).toISOString() };
  }

  /** Mirrors a validated sample of `vehicleId`, or refuses it when it is not newer than the last one. */
  accept(vehicleId: string, telemetry: TwinTelemetry): MirrorOutcome {
    const current = this.vehicles.get(vehicleId);
    if (current !== undefined && telemetry.ts <= current.telemetry.ts) {
      current.refused += 1;
      return { ok: false, reason: 'out_of_order', lastTs: current.telemetry.ts };
    }
    let driftM: number | null = null;
    if (current !== undefined) {
      const expected = predict(current.telemetry, (telemetry.ts - current.telemetry.ts) / 1000);
      driftM = Math.hypot(telemetry.x_m - expected.x_m, telemetry.y_m - expected.y_m);
    }
    const latencyMs = Math.max(0, this.now() - telemetry.ts);
    if (current === undefined) {
      this.vehicles.set(vehicleId, { telemetry, latencyMs, driftM, accepted: 1, refused: 0 });
    } else {
      current.telemetry = telemetry;
      current.latencyMs = latencyMs;
      current.driftM = driftM;
      current.accepted += 1;
    }
    return { ok: true, latencyMs, view: this.view(vehicleId) as TwinLiveVehicle };
  }

  /** Counts a malformed message of a known vehicle. */
  refuse(vehicleId: string): void {
    const current = this.vehicles.get(vehicleId);
    if (current !== undefined) current.refused += 1;
  }

  has(vehicleId: string): boolean {
    return this.vehicles.has(vehicleId);
  }

  view(vehicleId: string): TwinLiveVehicle | null {
    const m = this.vehicles.get(vehicleId);
    if (m === undefined) return null;
    const t = m.telemetry;
    const age = Math.max(0, this.now() - t.ts);
    return {
      vehicle_id: vehicleId,
      origin: 'live',
      status: age > STALE_AFTER_MS ? 'stale' : 'live',
      ts: t.ts,
      age_ms: age,
      stale_after_ms: STALE_AFTER_MS,
      sync_latency_ms: m.latencyMs,
      measured: {
        x_m: t.x_m,
        y_m: t.y_m,
        heading_deg: t.heading_deg,
        speed_mps: t.speed_mps,
        accel_mps2: t.accel_mps2,
      },
      predicted: { horizon_s: PREDICTION_HORIZON_S, ...predict(t, PREDICTION_HORIZON_S) },
      drift_m: m.driftM,
      accepted: m.accepted,
      refused: m.refused,
    };
  }

  /** The mirrored vehicles among `ids` (those that sent something), in the order given. */
  views(ids: readonly string[]): TwinLiveVehicle[] {
    return ids.map((id) => this.view(id)).filter((v): v is TwinLiveVehicle => v !== null);
  }

  /** Counts of live and stale vehicles, for /metrics. */
  counts(): { live: number; stale: number } {
    const now = this.now();
    let stale = 0;
    for (const m of this.vehicles.values()) if (now - m.telemetry.ts > STALE_AFTER_MS) stale += 1;
    return { live: this.vehicles.size - stale, stale };
  }
}
