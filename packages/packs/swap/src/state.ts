import { z } from 'zod';

/** Asset state schemas (what the ledger folds into and the UI reads). Field names follow seed 000 §2.1. */

export const CHARGER_STATES = ['idle', 'charging', 'faulted', 'offline', 'reserve'] as const;
export type ChargerState = (typeof CHARGER_STATES)[number];
export const FAULT_TYPES = ['connector_lock_failure', 'charger_offline', 'slow_charging'] as const;
export type FaultType = (typeof FAULT_TYPES)[number];
export const STATION_STATUSES = ['open', 'outage', 'maintenance'] as const;
export type StationStatus = (typeof STATION_STATUSES)[number];

/** SoC bands of the batteries resting in a station's slots (not on a charger), highest first. */
/** Band keys sort as text in ascending SoC order (and never look like array indices, which canonical JSON dislikes). */
export const SOC_BANDS = ['soc_0_20', 'soc_20_50', 'soc_50_80', 'soc_80_90', 'soc_90_100'] as const;

/**
 * One charger of a station. `fault_type` is left out when there is none (compact ledger). The battery on a charger
 * is recorded by the battery's `location` (`station/charger`), not here, so the list changes only when a charger's
 * state does; `battery` is still accepted for ledgers written before.
 */
export const chargerStateSchema = z.strictObject({
  battery: z.string().optional(),
  fault_type: z.enum(FAULT_TYPES).optional(),
  id: z.string(),
  state: z.enum(CHARGER_STATES),
});
export type ChargerSnapshot = z.infer<typeof chargerStateSchema>;

export const inventorySchema = z.strictObject({
  /** Every battery physically at the station (slots, chargers, in a bay being swapped in). */
  total: z.number().int(),
  /** Batteries a rider can be given now (SoC >= min_swap_soc, not end-of-life, not on a charger). */
  charged: z.number().int(),
  /** Batteries on a charger. */
  charging: z.number().int(),
  /** Batteries not on a charger, by SoC band; empty bands are left out (a missing band counts 0). */
  bands: z.record(z.string(), z.number().int()),
});
export type Inventory = z.infer<typeof inventorySchema>;

export const stationStateSchema = z.strictObject({
  name: z.string(),
  lat: z.number(),
  lon: z.number(),
  status: z.enum(STATION_STATUSES),
  bays_total: z.number().int(),
  bays_available: z.number().int(),
  closed_bays: z.array(z.string()),
  queue_length: z.number().int(),
  grid_power_limit_kw: z.number(),
  power_draw_kw: z.number(),
  service_speed: z.number(),
  chargers: z.array(chargerStateSchema),
  inventory: inventorySchema,
});
export type StationState = z.infer<typeof stationStateSchema>;

export const HEALTH_STATUSES = ['good', 'degraded', 'end_of_life'] as const;
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export const batteryStateSchema = z.strictObject({
  /**
   * Written when the battery is at a station (charge start/finish, swap) or by an intervention. On a scooter its
   * SoC falls as it is ridden: the vehicle's battery_soc is the value on arrival; a charging battery's live SoC is
   * its asset KPI soc_now.
   */
  soc: z.number().min(0).max(1),
  cycle_count: z.number().int().min(0),
  /** State of health: usable energy = capacity_kwh x health. */
  health: z.number().min(0).max(1),
  health_status: z.enum(HEALTH_STATUSES),
  /** A station id (in a slot), a `<station>/<charger>` id (on a charger), or a vehicle id (on a scooter). */
  location: z.string(),
  capacity_kwh: z.number().positive(),
});
export type BatteryState = z.infer<typeof batteryStateSchema>;

/** `riding`: out in the city with no swap trip yet; later a trip's outcome stays until the next trip. */
export const VEHICLE_STATUSES = [
  'riding',
  'arriving',
  'waiting',
  'swapping',
  'travelling',
  'done',
  'abandoned',
  'cancelled',
] as const;
export type VehicleStatus = (typeof VEHICLE_STATUSES)[number];

export const vehicleStateSchema = z.strictObject({
  rider_patience_s: z.number().min(0),
  /** A station id, `in_transit:<from>-><to>`, or `field` before its first trip. */
  current_location: z.string(),
  urgency: z.enum(['low', 'normal', 'high']),
  battery_soc: z.number().min(0).max(1),
  /** The battery on the scooter. */
  battery: z.string(),
  status: z.enum(VEHICLE_STATUSES),
});
export type VehicleState = z.infer<typeof vehicleStateSchema>;
