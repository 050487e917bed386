import type { Path, PathFrame } from './path.js';
import type { Detection, Sensor } from './sensors.js';

/** A fused object in the frame of the vehicle's route: arc length, lateral offset and their rates. */
export interface Track {
  readonly id: string;
  cls: Detection['cls'];
  s: number;
  d: number;
  sDot: number;
  dDot: number;
  lastT: number;
  hits: number;
  /** Seen by two consecutive frames of one sensor, or by two sensors: only confirmed tracks make the car brake. */
  confirmed: boolean;
}

/**
 * Filter gains. Positions follow measurements closely; the longitudinal rate comes from the measured range rate
 * (Doppler for radar, a noisier estimate for lidar and camera), smoothed; the lateral rate is an α-β estimate from
 * positions with a small gain, since a camera's bearing noise differentiated at 30 Hz is metres per second.
 */
const ALPHA = 0.5;
const RATE_GAIN = 0.35;
const BETA = 0.08;
/** The lateral rate is differenced over at least this time, s. */
const MIN_DT = 0.02;
/** A track not refreshed for this long is dropped (s). */
const TRACK_TTL_S = 0.4;

/**
 * Fuses the sensors' published frames into tracks in route coordinates, so a stationary object has ṡ ≈ 0 whatever
 * the vehicle does, and a crossing pedestrian has a lateral rate from which its path can be predicted.
 */
export class Tracker {
  readonly tracks = new Map<string, Track>();
  private readonly seen = new Map<Sensor, readonly Detection[]>();
  private readonly frame: PathFrame = { s: 0, d: 0, heading: 0 };

  update(
    sensors: readonly Sensor[],
    t: number,
    sensorX: number,
    sensorY: number,
    heading: number,
    speed: number,
    path: Path,
    sHint: number,
  ): void {
    for (const sensor of sensors) {
      const out = sensor.output;
      if (this.seen.get(sensor) === out) continue;
      this.seen.set(sensor, out);
      for (const det of out) {
        const b = heading + (det.bearing_deg * Math.PI) / 180;
        const x = sensorX + det.range_m * Math.cos(b);
        const y = sensorY + det.range_m * Math.sin(b);
        const f = path.project(x, y, sHint, this.frame);
        // Object speed along the route from the range rate: for an object ahead, ṙ = v_obj − v·cos(bearing).
        const sDotMeasured = speed * Math.cos(b - heading) + det.range_rate_mps;
        const track = this.tracks.get(det.track);
        if (track === undefined) {
          this.tracks.set(det.track, {
            id: det.track,
            cls: det.cls,
            s: f.s,
            d: f.d,
            sDot: sDotMeasured,
            dDot: 0,
            lastT: t,
            hits: 1,
            confirmed: sensor.confirmed(det.track),
          });
          continue;
        }
        const dt = t - track.lastT;
        if (dt <= 0) {
          // A second sensor saw it in the same step: a cross-sensor confirmation.
          track.confirmed = true;
          continue;
        }
        const sPred = track.s + track.sDot * dt;
        const dPred = track.d + track.dDot * dt;
        const rs = f.s - sPred;
        const rd = f.d - dPred;
        track.s = sPred + ALPHA * rs;
        track.d = dPred + ALPHA * rd;
        track.sDot += RATE_GAIN * (sDotMeasured - track.sDot);
        track.dDot += (BETA * rd) / Math.max(dt, MIN_DT);
        track.lastT = t;
        track.hits++;
        track.confirmed = true;
      }
    }
    for (const [id, track] of this.tracks) if (t - track.lastT > TRACK_TTL_S) this.tracks.delete(id);
  }
}
