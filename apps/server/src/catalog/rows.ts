/** Row shapes of the catalog tables (snake_case as stored). */
export type SimulationStatusValue = 'ready' | 'running' | 'paused' | 'breakpoint' | 'finished' | 'failed';

export interface SimulationRow {
  readonly id: string;
  readonly account_id: string;
  readonly name: string;
  readonly pack: string;
  readonly example: string | null;
  readonly scenario_json: string;
  readonly seed: number;
  readonly parent_id: string | null;
  readonly fork_time: number | null;
  readonly status: SimulationStatusValue;
  readonly sim_time: number;
  readonly duration_s: number;
  readonly start_iso: string;
  readonly timezone: string;
  readonly head_seq: number;
  readonly head_hash: string | null;
  readonly speed: number | null;
  readonly error: string | null;
  readonly intervention_log: string;
  readonly created_at: string;
}

export interface VehicleRow {
  readonly id: string;
  readonly account_id: string;
  readonly physical_vehicle_id: string;
  readonly model_type: string;
  readonly simulation_id: string | null;
  readonly asset_id: string | null;
  readonly created_at: string;
}

export interface WebhookRow {
  readonly id: string;
  readonly account_id: string;
  readonly url: string;
  /** Comma-separated ledger event types or lifecycle names; `*` for all. */
  readonly event_types: string;
  readonly simulation_id: string | null;
  readonly secret: string;
  readonly created_at: string;
}

/** The delivery log: one row per delivery (its latest attempt); the simulation's outbox holds the body. */
export interface DeliveryRow {
  readonly id: string;
  readonly webhook_id: string;
  /** Null for test deliveries, which belong to no simulation. */
  readonly simulation_id: string | null;
  readonly event_count: number;
  readonly status: 'pending' | 'delivered' | 'retrying' | 'failed';
  readonly attempts: number;
  readonly last_status_code: number | null;
  readonly last_error: string | null;
  /** ISO time of the next attempt while pending or retrying. */
  readonly next_attempt_at: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

export type DeliveryStatusValue = DeliveryRow['status'];
