import type { RandomStream } from '@doppel/engine';
import { z } from 'zod';
import { nearestPoint, type ObjectClass, type WorldObject } from './objects.js';
import { SENSOR_TYPES, WEATHER_EFFECTS, type SensorType, type Weather } from './weather.js';

const positive = z.number().positive();
const fraction = z.number().min(0).max(1);

export const sensorSpecSchema = z.strictObject({
  id: z.string().min(1).max(64).optional().describe('Sensor id on the vehicle (default: its type).'),
  type: z.enum(SENSOR_TYPES),
  range_m: positive.optional().describe('Range in clear weather.'),
  fov_deg: positive.max(360).optional().describe('Horizontal field of view, centred on the heading.'),
  rate_hz: positive.max(100).optional().describe('Update rate.'),
  latency_s: z.number().min(0).max(2).optional().describe('Delay from measurement to output.'),
  range_noise_m: z
    .number()
    .min(0)
    .optional()
    .describe('Range noise standard deviation at 10 m (absolute for radar and lidar).'),
  range_noise_rel: z.number().min(0).optional().describe('Range noise as a share of the range (camera).'),
  bearing_noise_deg: z.number().min(0).optional(),
  p_detect_vehicle: fraction.optional().describe('Probability an in-range vehicle is detected in one update.'),
  p_detect_pedestrian: fraction.optional(),
  p_detect_obstacle: fraction.optional(),
  false_rate_hz: z.number().min(0).optional().describe('Mean false detections per second (ghosts).'),
});
export type SensorSpecInput = z.infer<typeof sensorSpecSchema>;
export type SensorSpec = Required<SensorSpecInput>;

/** Typical automotive figures: a long-range radar, a roof-mounted spinning lidar (360°), a forward mono camera. */
export const SENSOR_DEFAULTS: Readonly<Record<SensorType, Omit<SensorSpec, 'id' | 'type'>>> = {
  radar: {
    range_m: 160,
    fov_deg: 40,
    rate_hz: 20,
    latency_s: 0.05,
    range_noise_m: 0.1,
    range_noise_rel: 0,
    bearing_noise_deg: 0.5,
    p_detect_vehicle: 0.98,
    p_detect_pedestrian: 0.6,
    p_detect_obstacle: 0.9,
    false_rate_hz: 0.5,
  },
  lidar: {
    range_m: 120,
    fov_deg: 360,
    rate_hz: 10,
    latency_s: 0.1,
    range_noise_m: 0.03,
    range_noise_rel: 0,
    bearing_noise_deg: 0.1,
    p_detect_vehicle: 0.97,
    p_detect_pedestrian: 0.95,
    p_detect_obstacle: 0.97,
    false_rate_hz: 0.1,
  },
  camera: {
    range_m: 80,
    fov_deg: 60,
    rate_hz: 30,
    latency_s: 0.08,
    range_noise_m: 0,
    range_noise_rel: 0.02,
    bearing_noise_deg: 0.2,
    p_detect_vehicle: 0.95,
    p_detect_pedestrian: 0.9,
    p_detect_obstacle: 0.85,
    false_rate_hz: 0.2,
  },
};

export function sensorSpec(input: SensorSpecInput): SensorSpec {
  return { ...SENSOR_DEFAULTS[input.type], id: input.id ?? input.type, ...stripUndefined(input) } as SensorSpec;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Sensor faults for `sensor_failure`: no output, output frozen at the last frame, or a constant bias. */
export interface SensorFaults {
  dropout: boolean;
  frozen: boolean;
  bias_range_m: number;
  bias_bearing_deg: number;
}

/** One detection as the sensor reports it (relative to the sensor: at the front bumper, facing the heading). */
export interface Detection {
  /** Ground-truth id of the object (null for a false detection): the twin knows the truth, a label for training. */
  readonly object_id: string | null;
  /** Track id the sensor reports (ghosts get ids of their own). */
  readonly track: string;
  readonly sensor: string;
  readonly cls: ObjectClass | 'unknown';
  readonly range_m: number;
  readonly bearing_deg: number;
  readonly range_rate_mps: number;
  /** Sim time at which it was measured (older than the output by the latency; a frozen sensor repeats it). */
  readonly measured_at_s: number;
}

interface Frame {
  readonly publishStep: number;
  readonly detections: readonly Detection[];
}

/** Where the sensor is and how it moves at a measurement. */
export interface SensorPose {
  x: number;
  y: number;
  heading: number;
  vx: number;
  vy: number;
}

const DEG = Math.PI / 180;
const nearest: [number, number] = [0, 0];

/**
 * A detection model: every 1/rate s it measures the objects within its (weather-scaled) range and field of view,
 * each found with a class- and weather-dependent probability, with Gaussian range and bearing noise, plus false
 * detections (Poisson); the frame is published `latency` later. No occlusion model: an object behind another is
 * still seen.
 */
export class Sensor {
  readonly faults: SensorFaults = { dropout: false, frozen: false, bias_range_m: 0, bias_bearing_deg: 0 };
  /** The output now: the last published frame. */
  output: readonly Detection[] = [];
  /** The frame before `output` (a track in two consecutive frames is confirmed). */
  previous: readonly Detection[] = [];
  private readonly queue: Frame[] = [];
  private readonly periodSteps: number;
  private readonly latencySteps: number;
  private ghosts = 0;
  readonly effectiveRange: number;
  /** Detection probability by object class (the weather's factor applied once). */
  private readonly pVehicle: number;
  private readonly pPedestrian: number;
  private readonly pObstacle: number;
  private readonly halfFov: number;
  /** Mean false detections per update. */
  private readonly ghostsPerUpdate: number;
  private nextMeasure: number;

  constructor(
    readonly spec: SensorSpec,
    weather: Weather,
    dt: number,
    private readonly rng: RandomStream,
    /** Offset of the first update in steps, so sensors of many vehicles do not all fire on one step. */
    phase: number,
  ) {
    this.periodSteps = Math.max(1, Math.round(1 / (spec.rate_hz * dt)));
    this.latencySteps = Math.round(spec.latency_s / dt);
    this.effectiveRange = spec.range_m * WEATHER_EFFECTS[weather].range[spec.type];
    const detectFactor = WEATHER_EFFECTS[weather].detection[spec.type];
    this.pVehicle = spec.p_detect_vehicle * detectFactor;
    this.pPedestrian = spec.p_detect_pedestrian * detectFactor;
    this.pObstacle = spec.p_detect_obstacle * detectFactor;
    this.halfFov = (spec.fov_deg / 2) * DEG;
    this.ghostsPerUpdate = spec.false_rate_hz / spec.rate_hz;
    // The first step s >= 0 with (s + phase) divisible by the period.
    this.nextMeasure = (this.periodSteps - (phase % this.periodSteps)) % this.periodSteps;
  }

  /** Whether the sensor measures on this step (it publishes on others too, a latency later). */
  measuresAt(step: number): boolean {
    // Steps only move forward: the next measuring step is kept instead of a division on every step.
    while (this.nextMeasure < step) this.nextMeasure += this.periodSteps;
    return this.nextMeasure === step;
  }

  /** Called every step: measures on update steps, publishes frames that are due. */
  step(step: number, t: number, pose: SensorPose, candidates: readonly WorldObject[], self: WorldObject | null): void {
    if (this.measuresAt(step)) {
      this.queue.push({ publishStep: step + this.latencySteps, detections: this.measure(t, pose, candidates, self) });
    }
    while (this.queue.length > 0 && (this.queue[0] as Frame).publishStep <= step) {
      const frame = this.queue.shift() as Frame;
      if (this.faults.frozen) continue;
      this.previous = this.output;
      this.output = this.faults.dropout ? [] : frame.detections;
    }
  }

  /** A track seen in this frame and the one before. */
  confirmed(track: string): boolean {
    // A frame holds a handful of detections: a scan is cheaper than building a set per frame.
    for (const d of this.previous) if (d.track === track) return true;
    return false;
  }

  private pDetect(cls: ObjectClass): number {
    return cls === 'vehicle' ? this.pVehicle : cls === 'pedestrian' ? this.pPedestrian : this.pObstacle;
  }

  /** The detections of one update; `self` (the carrying vehicle) is not among them. */
  measure(t: number, pose: SensorPose, candidates: readonly WorldObject[], self: WorldObject | null): Detection[] {
    const out: Detection[] = [];
    const range = this.effectiveRange;
    const halfFov = this.halfFov;
    const rng = this.rng;
    for (let i = 0; i < candidates.length; i++) {
      const o = candidates[i] as WorldObject;
      if (o === self) continue;
      const r = nearestPoint(o, pose.x, pose.y, nearest);
      if (r > range) continue;
      let bearing = Math.atan2(nearest[1] - pose.y, nearest[0] - pose.x) - pose.heading;
      if (bearing > Math.PI) bearing -= 2 * Math.PI;
      else if (bearing <= -Math.PI) bearing += 2 * Math.PI;
      if (Math.abs(bearing) > halfFov) continue;
      if (!rng.bernoulli(this.pDetect(o.cls))) continue;
      const rvx = o.v * Math.cos(o.heading) - pose.vx;
      const rvy = o.v * Math.sin(o.heading) - pose.vy;
      const rate = r > 1e-6 ? (rvx * (nearest[0] - pose.x) + rvy * (nearest[1] - pose.y)) / r : 0;
      out.push(this.noisy(o.id, o.id, o.cls, r, bearing, rate, t));
    }
    const ghosts = this.ghostsPerUpdate;
    if (ghosts > 0) {
      const count = rng.poisson(ghosts);
      for (let k = 0; k < count; k++) {
        const r = rng.uniform(2, range);
        const bearing = rng.uniform(-halfFov, halfFov);
        this.ghosts++;
        out.push(this.noisy(null, `${this.spec.id}-ghost-${this.ghosts}`, 'unknown', r, bearing, rng.normal(0, 2), t));
      }
    }
    return out;
  }

  private noisy(
    id: string | null,
    track: string,
    cls: ObjectClass | 'unknown',
    r: number,
    bearing: number,
    rate: number,
    t: number,
  ): Detection {
    const s = this.spec;
    const rng = this.rng;
    const sdRange = s.range_noise_m + s.range_noise_rel * r;
    const range = Math.max(0, r + (sdRange > 0 ? rng.normal(0, sdRange) : 0) + this.faults.bias_range_m);
    const bearingDeg =
      bearing / DEG + (s.bearing_noise_deg > 0 ? rng.normal(0, s.bearing_noise_deg) : 0) + this.faults.bias_bearing_deg;
    const rateSd = s.type === 'radar' ? 0.1 : 0.5;
    return {
      object_id: id,
      track,
      sensor: s.id,
      cls,
      range_m: range,
      bearing_deg: bearingDeg,
      range_rate_mps: rate + rng.normal(0, rateSd),
      measured_at_s: t,
    };
  }
}
