import { z } from 'zod';

/**
 * The `swap:` section of a scenario. Every field has a default so a scenario states only what it changes;
 * the defaults describe a scooter battery-swap network (1.5 kWh packs, 2 kW slot chargers, ~90 s swaps).
 */

const range = (min: number, max: number) =>
  z
    .strictObject({ min: z.number().min(0), max: z.number().min(0) })
    .refine((r) => r.max >= r.min, { message: 'max must be >= min' })
    .prefault({ min, max });

const bbox = z
  .strictObject({
    lat_min: z.number().min(-90).max(90),
    lat_max: z.number().min(-90).max(90),
    lon_min: z.number().min(-180).max(180),
    lon_max: z.number().min(-180).max(180),
  })
  .refine((b) => b.lat_max > b.lat_min && b.lon_max > b.lon_min, { message: 'max must exceed min' });
export type Bbox = z.infer<typeof bbox>;

const urgency = z.enum(['low', 'normal', 'high']);
export type Urgency = z.infer<typeof urgency>;

/** Per-station equipment; also the shape of per-station overrides in an explicit station list. */
const equipment = {
  bays: z.number().int().min(0).max(64),
  chargers: z.number().int().min(0).max(256),
  reserve_chargers: z.number().int().min(0).max(256),
  charger_power_kw: z.number().positive(),
  grid_power_limit_kw: z.number().min(0),
  batteries: z.number().int().min(0).max(10_000),
  /** SoC of the station's batteries at t=0. */
  initial_soc: z.number().min(0).max(1),
  /** Scales this station's demand (1 = the network's base rate). */
  demand_weight: z.number().min(0),
};

const stationDefaults = z
  .strictObject({
    bays: equipment.bays.default(2),
    chargers: equipment.chargers.default(4),
    reserve_chargers: equipment.reserve_chargers.default(4),
    charger_power_kw: equipment.charger_power_kw.default(2),
    grid_power_limit_kw: equipment.grid_power_limit_kw.default(15),
    batteries: equipment.batteries.default(12),
    initial_soc: equipment.initial_soc.default(0.95),
  })
  .prefault({});

const explicitStation = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
  name: z.string().optional(),
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  bays: equipment.bays.optional(),
  chargers: equipment.chargers.optional(),
  reserve_chargers: equipment.reserve_chargers.optional(),
  charger_power_kw: equipment.charger_power_kw.optional(),
  grid_power_limit_kw: equipment.grid_power_limit_kw.optional(),
  batteries: equipment.batteries.optional(),
  initial_soc: equipment.initial_soc.optional(),
  demand_weight: equipment.demand_weight.optional(),
});
export type ExplicitStation = z.infer<typeof explicitStation>;

export const CITY_NAMES = ['paris', 'berlin', 'taipei', 'london', 'amsterdam'] as const;

const layout = z.strictObject({
  count: z.number().int().min(0).max(20_000),
  city: z.enum(CITY_NAMES).optional(),
  bbox: bbox.optional(),
  /** Lognormal sigma of per-station demand weights (0 = every station equally busy). */
  demand_spread: z.number().min(0).max(3).default(0.3),
  /** Extra demand near the centre of the area: weight multiplier at the centre, fading with distance. */
  centre_boost: z.number().min(0).max(20).default(0.8),
  /** The city is drawn from this seed, not the run's: replications with other seeds keep the same stations. */
  seed: z.number().int().min(0).default(1),
});

const HOURS = 24;
/** Weekday profile: a morning commute bump and an evening peak at 17-19 h. Mean 1. */
export const WEEKDAY_PROFILE: readonly number[] = [
  0.2, 0.1, 0.1, 0.1, 0.2, 0.4, 0.9, 1.5, 1.6, 1.1, 0.9, 1.0, 1.2, 1.1, 1.0, 1.1, 1.4, 2.0, 2.4, 1.9, 1.3, 0.9, 0.6,
  0.4,
];

const demand = z
  .strictObject({
    /** Riders per hour at a station of weight 1 when the profile is 1. */
    base_riders_per_hour: z.number().min(0).default(1.5),
    /** 24 hourly multipliers of the base rate, local time of day (hour 0 = midnight). */
    profile: z
      .array(z.number().min(0))
      .length(HOURS)
      .default([...WEEKDAY_PROFILE]),
  })
  .prefault({});

const riders = z
  .strictObject({
    arrival_soc: range(0.05, 0.35),
    patience_s: range(300, 1200),
    urgency_weights: z
      .strictObject({ low: z.number().min(0), normal: z.number().min(0), high: z.number().min(0) })
      .prefault({ low: 0.25, normal: 0.55, high: 0.2 }),
    /** Patience multipliers: an urgent rider gives up on a queue sooner (and travels on), a relaxed one waits. */
    patience_factor: z
      .strictObject({ low: z.number().positive(), normal: z.number().positive(), high: z.number().positive() })
      .prefault({ low: 1.5, normal: 1, high: 0.6 }),
    /** A rider who finds this many riders already queued does not join (balks). */
    balk_queue_length: z.number().int().min(1).default(8),
  })
  .prefault({});

const redirect = z
  .strictObject({
    max_distance_km: z.number().min(0).default(3),
    speed_kmh: z.number().positive().default(18),
    /** Road distance over great-circle distance. */
    detour_factor: z.number().min(1).default(1.3),
    /** Urgencies that make a rider travel to another station instead of giving up. */
    urgencies: z.array(urgency).default(['normal', 'high']),
    max_redirects: z.number().int().min(0).default(1),
    /** Neighbour list length computed per station at build time. */
    neighbours: z.number().int().min(1).max(64).default(8),
  })
  .prefault({});

const battery = z
  .strictObject({
    capacity_kwh: z.number().positive().default(1.5),
    /** Constant-power charging up to this SoC, then a tapering (constant-voltage) phase. */
    cv_start_soc: z.number().min(0.1).max(0.99).default(0.8),
    /** A charge session ends at this SoC. */
    charge_target_soc: z.number().min(0.1).max(0.995).default(0.95),
    /** Riders are only given batteries at or above this SoC. */
    min_swap_soc: z.number().min(0).max(1).default(0.9),
    /** State-of-health lost per full equivalent charge cycle. */
    fade_per_cycle: z.number().min(0).max(0.1).default(0.0004),
    initial_health: range(0.85, 1),
    degraded_below: z.number().min(0).max(1).default(0.8),
    /** Below this health a battery is end-of-life and no longer handed to riders. */
    end_of_life_below: z.number().min(0).max(1).default(0.7),
  })
  .prefault({});

const service = z
  .strictObject({
    /** Swap duration (park, pay, swap), lognormal. */
    swap_time_mean_s: z.number().positive().default(90),
    swap_time_sd_s: z.number().min(0).default(30),
  })
  .prefault({});

const statusThresholds = z
  .strictObject({
    warning_wait_s: z.number().min(0).default(300),
    critical_wait_s: z.number().min(0).default(900),
    /** Window of recent swaps whose p95 wait colours a station. */
    window_s: z.number().positive().default(1800),
  })
  .prefault({});

export const swapConfigSchema = z
  .strictObject({
    layout: layout.optional(),
    stations: z.array(explicitStation).default([]),
    station_defaults: stationDefaults,
    /**
     * Scooters in the city per station (at least 100 in all), each with a battery: every arriving rider is one of
     * them, and comes back for later swaps. Only scooters between trips can arrive, so keep it well above the
     * riders queued or on the road at once.
     */
    vehicles_per_station: z.number().int().min(1).default(4),
    demand,
    riders,
    redirect,
    battery,
    service,
    status_thresholds: statusThresholds,
  })
  .refine((c) => c.layout !== undefined || c.stations.length > 0, {
    message: 'give `layout: {count, city | bbox}` or an explicit `stations` list',
  })
  .refine((c) => c.battery.min_swap_soc <= c.battery.charge_target_soc, {
    message: 'battery.min_swap_soc must not exceed battery.charge_target_soc',
  });

export type SwapConfig = z.infer<typeof swapConfigSchema>;
export type SwapConfigInput = z.input<typeof swapConfigSchema>;

/** One row of the `demand` input table (historical riders per station and hour of day). */
export const demandRowSchema = z.strictObject({
  station_id: z.coerce.string(),
  hour: z.number().int().min(0).max(23),
  riders_per_hour: z.number().min(0),
});
export type DemandRow = z.infer<typeof demandRowSchema>;
