import { TWIN_WEATHERS } from '@doppel/twin/contracts';
import { z } from 'zod';

/** The contract's vocabulary: a weather the Twin API accepts is one this pack models. */
export const WEATHERS = TWIN_WEATHERS;
export type Weather = (typeof WEATHERS)[number];

export const SENSOR_TYPES = ['radar', 'lidar', 'camera'] as const;
export type SensorType = (typeof SENSOR_TYPES)[number];

/**
 * What a weather does to the road and to each sensor: µ of the surface, the visibility, and per sensor a range
 * factor and a detection-probability factor. Figures follow the usual ranges in the literature: µ ≈ 0.8–0.9 dry
 * asphalt, 0.5–0.6 wet, 0.2–0.3 packed snow, ≈ 0.1 ice; fog cuts camera and lidar range far more than radar's;
 * night halves a camera's useful range (headlights) and leaves radar and lidar as they are.
 */
export interface WeatherEffect {
  readonly mu: number;
  readonly visibility_m: number;
  readonly range: Readonly<Record<SensorType, number>>;
  readonly detection: Readonly<Record<SensorType, number>>;
}

export const WEATHER_EFFECTS: Readonly<Record<Weather, WeatherEffect>> = {
  dry: {
    mu: 0.85,
    visibility_m: 10000,
    range: { radar: 1, lidar: 1, camera: 1 },
    detection: { radar: 1, lidar: 1, camera: 1 },
  },
  wet: {
    mu: 0.55,
    visibility_m: 2000,
    range: { radar: 0.95, lidar: 0.85, camera: 0.8 },
    detection: { radar: 1, lidar: 0.95, camera: 0.9 },
  },
  snow: {
    mu: 0.25,
    visibility_m: 300,
    range: { radar: 0.85, lidar: 0.5, camera: 0.5 },
    detection: { radar: 0.95, lidar: 0.8, camera: 0.75 },
  },
  ice: {
    mu: 0.1,
    visibility_m: 5000,
    range: { radar: 1, lidar: 1, camera: 0.9 },
    detection: { radar: 1, lidar: 1, camera: 0.95 },
  },
  fog: {
    mu: 0.75,
    visibility_m: 50,
    range: { radar: 0.9, lidar: 0.4, camera: 0.25 },
    detection: { radar: 1, lidar: 0.7, camera: 0.6 },
  },
  night: {
    mu: 0.85,
    visibility_m: 10000,
    range: { radar: 1, lidar: 1, camera: 0.5 },
    detection: { radar: 1, lidar: 1, camera: 0.8 },
  },
};

export const environmentSchema = z.strictObject({
  weather: z.enum(WEATHERS).default('dry').describe('dry, wet, snow, ice, fog or night: friction and visibility.'),
  mu: z.number().positive().max(1.5).optional().describe('Tyre–road friction override (otherwise from the weather).'),
  grade_pct: z.number().min(-20).max(20).default(0).describe('Road grade in percent (positive uphill).'),
});
export type EnvironmentConfig = z.infer<typeof environmentSchema>;

export function frictionOf(env: EnvironmentConfig): number {
  return env.mu ?? WEATHER_EFFECTS[env.weather].mu;
}
