import type { Event } from '@doppel/engine';
import type { JsonObject } from '@doppel/twin';
import { allocatePower, drawKw, socAfter, timeToSoc } from './charging.js';
import { round3, round4, type SwapNetwork } from './network.js';
import type { BatteryRt, ChargerRt, StationRt } from './runtime.js';
import type { StationState } from './state.js';
import { tryStartSwaps } from './swap-ops.js';

/**
 * Charging is event-driven: whenever the set of charging batteries or their power changes, every charging
 * battery's SoC is brought up to date in closed form, the station's grid limit is shared again, each battery's
 * completion time is recomputed, and ONE timer is set for the earliest completion (older timers go stale).
 */

const scratchCaps: number[] = [];
const scratchAlloc: number[] = [];
const scratchChargers: ChargerRt[] = [];
const EPS_S = 1e-6;

/** Brings a charging battery's SoC to `now` and books the energy it drew. */
function advance(net: SwapNetwork, st: StationRt, b: BatteryRt, now: number): void {
  if (b.powerKw > 0 && now > b.socTime) {
    const soc = Math.min(net.targetSoc, socAfter(net.curve, b.soc, now - b.socTime, b.powerKw, b.energyKwh));
    st.energyKwh += (soc - b.soc) * b.energyKwh;
    b.soc = soc;
  }
  b.socTime = now;
}

/** Live SoC of a battery (its ledger SoC is only written at charge start and finish). */
export function liveSoc(net: SwapNetwork, b: BatteryRt): number {
  if (b.charger === null || b.powerKw <= 0) return b.soc;
  return Math.min(net.targetSoc, socAfter(net.curve, b.soc, net.env.now - b.socTime, b.powerKw, b.energyKwh));
}

/** Energy drawn by the station from 0 to now (kWh), including the sessions in progress. */
export function energyNow(net: SwapNetwork, st: StationRt): number {
  let e = st.energyKwh;
  if (st.powered === 0) return e;
  for (const c of st.chargers) {
    const b = c.battery;
    if (b !== null && b.powerKw > 0) e += (liveSoc(net, b) - b.soc) * b.energyKwh;
  }
  return e;
}

/** Shares the grid limit among the chargers now charging and reschedules the completion timer. */
export function reallocate(net: SwapNetwork, st: StationRt): void {
  const now = net.env.now;
  scratchCaps.length = 0;
  scratchChargers.length = 0;
  const gridUp = st.outageDepth === 0;
  for (const c of st.chargers) {
    const b = c.battery;
    if (b === null) continue;
    advance(net, st, b, now);
    if (c.state === 'charging') {
      scratchChargers.push(c);
      scratchCaps.push(gridUp ? c.capKw : 0);
    } else {
      b.powerKw = 0;
      b.finishAt = Infinity;
    }
  }
  allocatePower(scratchCaps, st.gridLimitKw, scratchAlloc);
  let draw = 0;
  let next = Infinity;
  let powered = 0;
  for (let i = 0; i < scratchChargers.length; i++) {
    const b = scratchChargers[i].battery as BatteryRt;
    const p = scratchAlloc[i];
    b.powerKw = p;
    if (p > 0) powered++;
    b.finishAt = now + timeToSoc(net.curve, b.soc, net.targetSoc, p, b.energyKwh);
    if (b.finishAt < next) next = b.finishAt;
    draw += drawKw(net.curve, b.soc, p);
  }
  st.powered = powered;
  draw = round3(draw);
  net.powerDrawKw += draw - st.powerDrawKw;
  if (net.powerDrawKw > net.peakPowerKw) net.peakPowerKw = net.powerDrawKw;
  st.powerDrawKw = draw;
  if (draw > st.peakPowerKw) st.peakPowerKw = draw;
  if (next !== st.timerAt) {
    st.timerAt = next;
    st.timer = next < Infinity ? net.env.timeout(Math.max(0, next - now), st) : null;
    st.timer?.addCallback(onChargeTimer);
  }
}

/** Only the station's current timer acts; superseded ones fire and do nothing (no closure per timer). */
function onChargeTimer(event: Event): void {
  const st = event.value as StationRt;
  if (st.timer !== event) return;
  const net = st.net;
  st.timer = null;
  st.timerAt = Infinity;
  const now = net.env.now;
  let finished = false;
  for (const c of st.chargers) {
    const b = c.battery;
    if (b !== null && c.state === 'charging' && b.finishAt <= now + EPS_S) {
      finishCharge(net, st, c, b);
      finished = true;
    }
  }
  if (!finished) reallocate(net, st);
  tryStartSwaps(net, st);
}

/** Ends a session at the target SoC: cycle and health bookkeeping, the battery back to a slot. */
function finishCharge(net: SwapNetwork, st: StationRt, c: ChargerRt, b: BatteryRt): void {
  const now = net.env.now;
  advance(net, st, b, now);
  st.energyKwh += (net.targetSoc - b.soc) * b.energyKwh;
  b.soc = net.targetSoc;
  const cfg = net.config.battery;
  const gained = Math.max(0, b.soc - b.sessionStartSoc);
  const energy = gained * b.energyKwh;
  b.cycleCount += 1;
  b.health = Math.max(0, round4(b.health - cfg.fade_per_cycle * gained));
  b.powerKw = 0;
  b.finishAt = Infinity;
  b.charger = null;
  c.battery = null;
  c.state = 'idle';
  st.idle.push(b);
  net.twin.update(
    b.asset,
    {
      cycle_count: b.cycleCount,
      health: b.health,
      health_status: net.healthStatus(b.health),
      location: st.id,
      soc: round4(b.soc),
    },
    'CHARGING_FINISHED',
    { charger: c.id, energy_kwh: round4(energy), soc_start: round4(b.sessionStartSoc), station: st.id },
  );
  const next = nextToCharge(net, st);
  if (next !== null) startCharging(net, st, c, next);
  c.refresh();
  reallocate(net, st);
  net.updateStation(st, chargingPatch(net, st), 'CHARGING_FINISHED', {
    battery: b.id,
    charger: c.id,
    energy_kwh: round4(energy),
    next_battery: next?.id ?? null,
  });
}

function nextToCharge(net: SwapNetwork, st: StationRt): BatteryRt | null {
  for (;;) {
    const b = st.popCharge();
    if (b === null) return null;
    const i = st.idle.indexOf(b);
    if (i >= 0 && net.needsCharge(b)) {
      st.idle.splice(i, 1);
      return b;
    }
  }
}

/** Puts a battery (already out of the slots) on a charger; records it on the battery. */
export function startCharging(
  net: SwapNetwork,
  st: StationRt,
  c: ChargerRt,
  b: BatteryRt,
  rider: string | null = null,
): void {
  c.battery = b;
  c.state = 'charging';
  b.charger = c;
  b.station = st;
  b.queued = false;
  b.socTime = net.env.now;
  b.powerKw = 0;
  b.sessionStartSoc = b.soc;
  c.refresh();
  const meta: JsonObject =
    rider === null ? { charger: c.id, station: st.id } : { charger: c.id, rider, station: st.id };
  net.twin.update(b.asset, { location: `${st.id}/${c.id}`, soc: round4(b.soc) }, 'CHARGING_STARTED', meta);
}

/** A charger that can take a battery now. */
export function freeCharger(st: StationRt): ChargerRt | null {
  for (const c of st.chargers) if (c.state === 'idle' && c.battery === null) return c;
  return null;
}

/**
 * Moves queued batteries onto free chargers. Returns true when something changed (the caller then records the
 * station's chargers, inventory and power in its own event).
 */
export function fillChargers(net: SwapNetwork, st: StationRt): boolean {
  let changed = false;
  for (;;) {
    const c = freeCharger(st);
    if (c === null) break;
    const b = nextToCharge(net, st);
    if (b === null) break;
    startCharging(net, st, c, b);
    changed = true;
  }
  if (changed) reallocate(net, st);
  return changed;
}

/** Station fields that charging changes, for a patch. */
export function chargingPatch(net: SwapNetwork, st: StationRt): Partial<StationState> {
  return { chargers: st.chargerSnapshots(), inventory: net.noteInventory(st), power_draw_kw: st.powerDrawKw };
}

/** Takes a battery off its charger (fault, intervention) back into the slots, keeping the SoC it reached. */
export function unplug(net: SwapNetwork, st: StationRt, c: ChargerRt, eventType: string): void {
  const b = c.battery;
  if (b === null) return;
  advance(net, st, b, net.env.now);
  b.powerKw = 0;
  b.finishAt = Infinity;
  b.charger = null;
  c.battery = null;
  st.idle.push(b);
  if (net.needsCharge(b)) st.pushCharge(b, true);
  net.twin.update(b.asset, { location: st.id, soc: round4(b.soc) }, eventType, { charger: c.id, station: st.id });
}

/** Brings a charging battery's SoC up to date before an intervention changes it. */
export function syncBattery(net: SwapNetwork, b: BatteryRt): void {
  if (b.charger !== null && b.station !== null) advance(net, b.station, b, net.env.now);
}
