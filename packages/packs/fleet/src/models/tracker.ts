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
  /** Covariances of (s, ṡ) and (d, ḋ): [P_xx, P_xẋ, P_ẋẋ]. */
  ps: [number, number, number];
  pd: [number, number, number];
  lastT: number;
  hits: number;
  /** Seen by two consecutive frames of one sensor, or by two sensors: only confirmed tracks make the car brake. */
  confirmed: boolean;
}

/** Acceleration spectral density of the constant-velocity model, m²/s³. */
const Q_ACC = 0.5;
/** Initial rate variance of a new track, (m/s)². */
const P0_RATE = 25;
/** The range rate measures the speed along the route only for objects nearly ahead (|bearing| below this). */
const RATE_BEARING_MAX = (15 * Math.PI) / 180;
/** Variance of a range-rate derived speed, (m/s)². */
const R_RATE = 0.25;
/** A track not refreshed for this long is dropped (s). */
const TRACK_TTL_S = 0.4;

interface Axis {
  x: number;
  v: number;
  p: [number, number, number];
}

/** Constant-velocity Kalman prediction over dt. */
function predict(a: Axis, dt: number): void {
  const p = a.p;
  const [p00, p01, p11] = p;
  a.x += a.v * dt;
  // In place: every track owns its covariance arrays, and this runs for each track on every sensor frame.
  p[0] = p00 + 2 * dt * p01 + dt * dt * p11 + (Q_ACC * dt * dt * dt) / 3;
  p[1] = p01 + dt * p11 + (Q_ACC * dt * dt) / 2;
  p[2] = p11 + Q_ACC * dt;
}

/** Kalman update with a position measurement z of variance r. */
function updatePosition(a: Axis, z: number, r: number): void {
  const p = a.p;
  const [p00, p01, p11] = p;
  const k0 = p00 / (p00 + r);
  const k1 = p01 / (p00 + r);
  const innovation = z - a.x;
  a.x += k0 * innovation;
  a.v += k1 * innovation;
  p[0] = (1 - k0) * p00;
  p[1] = (1 - k0) * p01;
  p[2] = p11 - k1 * p01;
}

/** Kalman update with a rate measurement z of variance r. */
function updateRate(a: Axis, z: number, r: number): void {
  const p = a.p;
  const [p00, p01, p11] = p;
  const k0 = p01 / (p11 + r);
  const k1 = p11 / (p11 + r);
  const innovation = z - a.v;
  a.x += k0 * innovation;
  a.v += k1 * innovation;
  p[0] = p00 - k0 * p01;
  p[1] = (1 - k1) * p01;
  p[2] = (1 - k1) * p11;
}

/**
 * Fuses the sensors' published frames into tracks in route coordinates with a constant-velocity Kalman filter per
 * axis, each measurement weighted by its sensor's noise (range noise, and range × bearing noise across the line of
 * sight). A stationary object has ṡ ≈ 0 whatever the vehicle does, and a crossing car or pedestrian gets a lateral
 * rate from which its path is predicted. For objects nearly ahead the measured range rate (radar Doppler) also
 * feeds ṡ directly.
 */
export class Tracker {
  readonly tracks = new Map<string, Track>();
  /** The frame of each sensor (by its index on the vehicle) already fused. */
  private readonly seen: (readonly Detection[] | null)[] = [];
  private readonly frame: PathFrame = { s: 0, d: 0, heading: 0 };
  private readonly axis: Axis = { x: 0, v: 0, p: [0, 0, 0] };
  /** The oldest refresh time among the tracks: nothing can expire before this + TTL, so the sweep is skipped. */
  private oldestT = Infinity;

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
    for (let k = 0; k < sensors.length; k++) {
      const sensor = sensors[k] as Sensor;
      const out = sensor.output;
      if (this.seen[k] === out) continue;
      this.seen[k] = out;
      const spec = sensor.spec;
      for (const det of out) {
        const bearing = (det.bearing_deg * Math.PI) / 180;
        const b = heading + bearing;
        const x = sensorX + det.range_m * Math.cos(b);
        const y = sensorY + det.range_m * Math.sin(b);
        const f = path.project(x, y, sHint, this.frame);
        const sdRange = spec.range_noise_m + spec.range_noise_rel * det.range_m;
        const sdCross = (det.range_m * spec.bearing_noise_deg * Math.PI) / 180;
        // The route frame is not the sensor's polar frame; the larger error is used on both axes (conservative).
        const sd = Math.max(0.05, sdRange, sdCross);
        const r = sd * sd;
        const ahead = Math.abs(bearing) < RATE_BEARING_MAX;
        // Object speed along the route from the range rate: for an object ahead, ṙ ≈ v_obj − v·cos(bearing).
        const sDotMeasured = speed * Math.cos(bearing) + det.range_rate_mps;
        const track = this.tracks.get(det.track);
        if (track === undefined) {
          this.tracks.set(det.track, {
            id: det.track,
            cls: det.cls,
            s: f.s,
            d: f.d,
            sDot: ahead ? sDotMeasured : 0,
            dDot: 0,
            ps: [r, 0, ahead ? R_RATE : P0_RATE],
            pd: [r, 0, P0_RATE],
            lastT: t,
            hits: 1,
            confirmed: sensor.confirmed(det.track),
          });
          if (t < this.oldestT) this.oldestT = t;
          continue;
        }
        const dt = t - track.lastT;
        if (dt <= 0) {
          // A second sensor saw it in the same step: a cross-sensor confirmation.
          track.confirmed = true;
          continue;
        }
        const a = this.axis;
        a.x = track.s;
        a.v = track.sDot;
        a.p = track.ps;
        predict(a, dt);
        updatePosition(a, f.s, r);
        if (ahead) updateRate(a, sDotMeasured, R_RATE);
        track.s = a.x;
        track.sDot = a.v;
        a.x = track.d;
        a.v = track.dDot;
        a.p = track.pd;
        predict(a, dt);
        updatePosition(a, f.d, r);
        track.d = a.x;
        track.dDot = a.v;
        track.lastT = t;
        track.hits++;
        track.confirmed = true;
      }
    }
    if (t - this.oldestT <= TRACK_TTL_S) return;
    let oldest = Infinity;
    for (const [id, track] of this.tracks) {
      if (t - track.lastT > TRACK_TTL_S) this.tracks.delete(id);
      else if (track.lastT < oldest) oldest = track.lastT;
    }
    this.oldestT = oldest;
  }
}
