import { TWIN_MODEL_TYPES } from '@doppel/twin/contracts';
import { z } from 'zod';

/** Standard gravity, m/s². */
export const G = 9.80665;
/** Air density at 15 °C, sea level, kg/m³. */
export const AIR_DENSITY = 1.225;

/** The contract's vocabulary: a model type the Twin API accepts is one this pack models. */
export const MODEL_TYPES = TWIN_MODEL_TYPES;
export type ModelType = (typeof MODEL_TYPES)[number];

const positive = z.number().positive();
const nonNegative = z.number().min(0);
const fraction = z.number().min(0).max(1);

/** Physical and actuator parameters of one vehicle. Every field can be overridden per vehicle in a scenario. */
export const vehicleParamsSchema = z.strictObject({
  mass_kg: positive.describe('Mass with load.'),
  wheelbase_m: positive.describe('Distance between axles (kinematic bicycle).'),
  length_m: positive.describe('Body length (collision box).'),
  width_m: positive.describe('Body width (collision box).'),
  front_overhang_m: nonNegative.describe('Front bumper ahead of the front axle.'),
  frontal_area_m2: nonNegative.describe('Frontal area for aerodynamic drag.'),
  drag_coefficient: nonNegative.describe('Aerodynamic drag coefficient Cd.'),
  rolling_resistance: nonNegative.describe('Rolling resistance coefficient Crr.'),
  max_drive_force_n: nonNegative.describe('Powertrain force limit at the wheels (low speed).'),
  max_power_kw: nonNegative.describe('Powertrain power limit at the wheels: force ≤ P / v.'),
  max_brake_force_n: nonNegative.describe('Brake force at full pedal; the tyres cap it at µ·m·g.'),
  brake_friction_utilisation: fraction.describe('Share of the tyre–road friction the brakes can use (ABS).'),
  max_steer_deg: positive.max(60).describe('Road-wheel steering angle limit.'),
  max_steer_rate_deg_s: positive.describe('Road-wheel steering rate limit.'),
  throttle_lag_s: nonNegative.describe('First-order lag of the powertrain response.'),
  brake_lag_s: nonNegative.describe('First-order lag of brake pressure build-up.'),
  steer_lag_s: nonNegative.describe('First-order lag of the steering actuator.'),
  brake_rate_per_s: positive.describe('Brake pedal rate limit, full scale per second.'),
  throttle_rate_per_s: positive.describe('Throttle rate limit, full scale per second.'),
  powertrain: z.enum(['electric', 'diesel']).describe('Energy source: battery kWh or diesel litres.'),
  drivetrain_efficiency: z.number().positive().max(1).describe('Battery (or fuel) to wheel efficiency.'),
  regen_efficiency: fraction.describe('Share of braking energy returned to the battery (electric only).'),
  max_regen_kw: nonNegative.describe('Regenerative braking power limit (electric only).'),
  aux_power_kw: nonNegative.describe('Auxiliary load (computers, HVAC), always drawn.'),
});
export type VehicleParams = z.infer<typeof vehicleParamsSchema>;

/** Diesel lower heating value, kWh per litre. */
export const DIESEL_KWH_PER_L = 9.96;

const common = {
  brake_friction_utilisation: 1,
  throttle_lag_s: 0.2,
  brake_lag_s: 0.08,
  steer_lag_s: 0.1,
  brake_rate_per_s: 12,
  throttle_rate_per_s: 4,
} as const;

/** Typical figures per model type (a mid-size electric car, an electric delivery van, a 2-axle rigid truck, a city bus). */
export const MODEL_PRESETS: Readonly<Record<ModelType, VehicleParams>> = {
  sedan: {
    ...common,
    mass_kg: 1700,
    wheelbase_m: 2.85,
    length_m: 4.7,
    width_m: 1.85,
    front_overhang_m: 0.9,
    frontal_area_m2: 2.3,
    drag_coefficient: 0.28,
    rolling_resistance: 0.01,
    max_drive_force_n: 6000,
    max_power_kw: 150,
    max_brake_force_n: 22000,
    max_steer_deg: 35,
    max_steer_rate_deg_s: 40,
    powertrain: 'electric',
    drivetrain_efficiency: 0.88,
    regen_efficiency: 0.6,
    max_regen_kw: 60,
    aux_power_kw: 0.8,
  },
  van: {
    ...common,
    mass_kg: 2800,
    wheelbase_m: 3.66,
    length_m: 5.9,
    width_m: 2.05,
    front_overhang_m: 1.0,
    frontal_area_m2: 4.2,
    drag_coefficient: 0.37,
    rolling_resistance: 0.011,
    max_drive_force_n: 8000,
    max_power_kw: 100,
    max_brake_force_n: 35000,
    max_steer_deg: 38,
    max_steer_rate_deg_s: 40,
    powertrain: 'electric',
    drivetrain_efficiency: 0.86,
    regen_efficiency: 0.55,
    max_regen_kw: 70,
    aux_power_kw: 1,
  },
  truck: {
    ...common,
    brake_lag_s: 0.25,
    brake_rate_per_s: 5,
    brake_friction_utilisation: 0.9,
    mass_kg: 18000,
    wheelbase_m: 5.5,
    length_m: 10,
    width_m: 2.55,
    front_overhang_m: 1.4,
    frontal_area_m2: 8.5,
    drag_coefficient: 0.6,
    rolling_resistance: 0.0065,
    max_drive_force_n: 40000,
    max_power_kw: 260,
    max_brake_force_n: 160000,
    max_steer_deg: 40,
    max_steer_rate_deg_s: 30,
    powertrain: 'diesel',
    drivetrain_efficiency: 0.38,
    regen_efficiency: 0,
    max_regen_kw: 0,
    aux_power_kw: 2,
  },
  bus: {
    ...common,
    brake_lag_s: 0.25,
    brake_rate_per_s: 5,
    brake_friction_utilisation: 0.9,
    mass_kg: 15000,
    wheelbase_m: 6,
    length_m: 12,
    width_m: 2.55,
    front_overhang_m: 2.7,
    frontal_area_m2: 8,
    drag_coefficient: 0.65,
    rolling_resistance: 0.007,
    max_drive_force_n: 35000,
    max_power_kw: 240,
    max_brake_force_n: 140000,
    max_steer_deg: 45,
    max_steer_rate_deg_s: 30,
    powertrain: 'electric',
    drivetrain_efficiency: 0.85,
    regen_efficiency: 0.6,
    max_regen_kw: 150,
    aux_power_kw: 8,
  },
};

export const vehicleOverridesSchema = vehicleParamsSchema.partial();
export type VehicleOverrides = z.infer<typeof vehicleOverridesSchema>;

/** A model type's parameters with overrides applied, checked again as a whole. */
export function vehicleParams(modelType: ModelType, overrides: VehicleOverrides = {}): VehicleParams {
  return vehicleParamsSchema.parse({ ...MODEL_PRESETS[modelType], ...overrides });
}
