/**
 * Battery charging physics, solved in closed form so the model schedules one event per completion instead of
 * stepping time. SoC is a fraction of the battery's usable energy `energyKwh` (nominal capacity x health).
 *
 * Constant-power (CC) phase below `cvStart`: dSoC/dt = P / E.
 * Tapering (CV) phase from `cvStart`: the drawn power falls linearly with the remaining charge,
 *   p(s) = P (1 - s) / (1 - cvStart), so 1 - s(t) = (1 - s0) exp(-P t / ((1 - cvStart) E)).
 * P is the power allocated to the charger (kW); energy drawn equals energy stored (no conversion loss).
 */
export interface ChargeCurve {
  readonly cvStart: number;
}

const SECONDS_PER_HOUR = 3600;

/** SoC after charging `dtS` seconds from `soc0` with allocation `powerKw`. */
export function socAfter(curve: ChargeCurve, soc0: number, dtS: number, powerKw: number, energyKwh: number): number {
  if (dtS <= 0 || powerKw <= 0 || energyKwh <= 0) return soc0;
  const cv = curve.cvStart;
  let soc = soc0;
  let t = dtS;
  if (soc < cv) {
    const ccTime = ((cv - soc) * energyKwh * SECONDS_PER_HOUR) / powerKw;
    if (t <= ccTime) return Math.min(cv, soc + (powerKw * t) / (energyKwh * SECONDS_PER_HOUR));
    t -= ccTime;
    soc = cv;
  }
  const tau = ((1 - cv) * energyKwh * SECONDS_PER_HOUR) / powerKw;
  return 1 - (1 - soc) * Math.exp(-t / tau);
}

/** Seconds to charge from `soc0` to `target` (< 1) with allocation `powerKw`; Infinity without power. */
export function timeToSoc(
  curve: ChargeCurve,
  soc0: number,
  target: number,
  powerKw: number,
  energyKwh: number,
): number {
  if (soc0 >= target) return 0;
  if (powerKw <= 0 || energyKwh <= 0) return Infinity;
  const cv = curve.cvStart;
  let soc = soc0;
  let t = 0;
  if (soc < cv) {
    if (target <= cv) return ((target - soc) * energyKwh * SECONDS_PER_HOUR) / powerKw;
    t += ((cv - soc) * energyKwh * SECONDS_PER_HOUR) / powerKw;
    soc = cv;
  }
  const tau = ((1 - cv) * energyKwh * SECONDS_PER_HOUR) / powerKw;
  return t + tau * Math.log((1 - soc) / (1 - target));
}

/** Power actually drawn at `soc` under allocation `powerKw` (the taper draws less than it is allowed). */
export function drawKw(curve: ChargeCurve, soc: number, powerKw: number): number {
  if (soc < curve.cvStart) return powerKw;
  return Math.max(0, (powerKw * (1 - soc)) / (1 - curve.cvStart));
}

/**
 * Shares `limitKw` among chargers wanting `capsKw` (max-min fair water-filling): nobody gets more than it asks,
 * and the leftover of the small ones is split evenly among the rest. Writes into `out`; returns the total.
 */
export function allocatePower(capsKw: readonly number[], limitKw: number, out: number[]): number {
  const n = capsKw.length;
  out.length = n;
  let demand = 0;
  for (let i = 0; i < n; i++) demand += capsKw[i];
  if (demand <= limitKw) {
    for (let i = 0; i < n; i++) out[i] = capsKw[i];
    return demand;
  }
  const order: number[] = [];
  for (let i = 0; i < n; i++) order.push(i);
  order.sort((a, b) => capsKw[a] - capsKw[b] || a - b);
  let remaining = Math.max(0, limitKw);
  let total = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const share = remaining / (n - k);
    const give = Math.min(capsKw[i], share);
    out[i] = give;
    remaining -= give;
    total += give;
  }
  return total;
}
