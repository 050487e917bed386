import type { Event } from '@doppel/engine';
import { freeCharger, reallocate, startCharging } from './charging-ops.js';
import { round4, type SwapNetwork } from './network.js';
import type { BatteryRt, BayRt, RiderRt, StationRt } from './runtime.js';
import type { StationState } from './state.js';

/**
 * Swaps: the oldest queued rider takes a free open bay and the fullest battery that may be handed out; the swap
 * lasts a lognormal service time divided by the station's service speed; then the rider leaves with the charged
 * battery and the depleted one goes on a free charger or into the charge queue. Outages freeze swaps in progress.
 */

export function fullestCharged(net: SwapNetwork, st: StationRt): BatteryRt | null {
  let best: BatteryRt | null = null;
  for (const b of st.idle) {
    if (net.dispensable(b) && (best === null || b.soc > best.soc)) best = b;
  }
  return best;
}

export function freeBay(st: StationRt): BayRt | null {
  for (const bay of st.bays) if (!bay.closed && bay.rider === null) return bay;
  return null;
}

/** A rider arriving now would be served at once (nobody queued, a bay and a battery free). */
export function canServeNow(st: StationRt): boolean {
  return st.status === 'open' && st.queueLength === 0 && st.charged > 0 && freeBay(st) !== null;
}

/**
 * Serves a rider who has just arrived and finds the station free: the swap starts at once, without passing
 * through the queue, so the ledger holds no 0 -> 1 -> 0 queue blip. The caller has already recorded the rider as
 * swapping (its creation or arrival event).
 */
export function serveOnArrival(net: SwapNetwork, st: StationRt, r: RiderRt, reason: string): void {
  const bay = freeBay(st) as BayRt;
  const battery = fullestCharged(net, st) as BatteryRt;
  r.joinedAt = net.env.now;
  st.joins++;
  startSwap(net, st, bay, r, battery, reason);
}

/** Starts as many swaps as bays, batteries and the queue allow. */
export function tryStartSwaps(net: SwapNetwork, st: StationRt): void {
  if (st.status !== 'open') return;
  while (st.queueLength > 0) {
    const bay = freeBay(st);
    if (bay === null) return;
    const battery = fullestCharged(net, st);
    if (battery === null) return;
    const rider = st.peekQueue();
    if (rider === null) return;
    startSwap(net, st, bay, rider, battery);
  }
}

function startSwap(net: SwapNetwork, st: StationRt, bay: BayRt, r: RiderRt, b: BatteryRt, arrival?: string): void {
  const now = net.env.now;
  st.idle.splice(st.idle.indexOf(b), 1);
  st.unqueueCharge(b);
  r.inQueue = false;
  r.epoch++;
  r.status = 'swapping';
  r.bay = bay;
  r.swapOut = b;
  const wait = now - r.joinedAt;
  r.waitS = wait;
  st.queueTimeS += wait;
  st.waits.add(wait);
  net.waits.add(wait);
  // The wait as the ledger records it, so a past instant judged from the ledger gets the live verdict.
  st.recent.add(now, round4(wait));
  if (arrival === undefined) net.setQueueLength(st, st.queueLength - 1);
  bay.rider = r;
  st.busyBaysTw.set(st.busyBays(), now);
  const cfg = net.config.service;
  const mean = cfg.swap_time_mean_s;
  const service = cfg.swap_time_sd_s > 0 ? st.rngService.lognormalFromMeanSd(mean, cfg.swap_time_sd_s) : mean;
  scheduleSwapEnd(net, st, bay, service / st.serviceSpeed);
  if (arrival !== undefined) {
    // Served on arrival: no queue change, and the rider's own event already says it is swapping.
    net.updateStation(st, { bays_available: st.freeBays(), inventory: net.noteInventory(st) }, 'SWAP_STARTED', {
      battery_out: b.id,
      bay: bay.id,
      reason: arrival,
      rider: r.id,
      wait_time_s: 0,
    });
    return;
  }
  net.updateStation(
    st,
    { bays_available: st.freeBays(), inventory: net.noteInventory(st), queue_length: st.queueLength },
    'SWAP_STARTED',
    { battery_out: b.id, bay: bay.id, rider: r.id, wait_time_s: round4(wait) },
  );
  net.twin.update(r.asset, { status: 'swapping' }, 'SWAP_STARTED', { bay: bay.id, station: st.id });
}

function scheduleSwapEnd(net: SwapNetwork, st: StationRt, bay: BayRt, durationS: number): void {
  bay.endAt = net.env.now + durationS;
  bay.timer = net.env.timeout(durationS, bay);
  bay.timer.addCallback(onSwapEnd);
}

function onSwapEnd(event: Event): void {
  const bay = event.value as BayRt;
  if (bay.timer !== event) return;
  const r = bay.rider as RiderRt;
  completeSwap(r.net, r.station, bay);
}

function completeSwap(net: SwapNetwork, st: StationRt, bay: BayRt): void {
  const now = net.env.now;
  const r = bay.rider as RiderRt;
  const out = r.swapOut as BatteryRt;
  const incoming = r.battery;
  bay.rider = null;
  bay.timer = null;
  st.busyBaysTw.set(st.busyBays(), now);
  st.swaps++;

  // The depleted battery: straight onto a free charger, else into a slot and the charge queue.
  incoming.rider = null;
  incoming.station = st;
  let patch: Partial<StationState>;
  const charger = net.needsCharge(incoming) ? freeCharger(st) : null;
  if (charger !== null) {
    startCharging(net, st, charger, incoming, r.id);
    reallocate(net, st);
    patch = {
      bays_available: st.freeBays(),
      chargers: st.chargerSnapshots(),
      inventory: net.noteInventory(st),
      power_draw_kw: st.powerDrawKw,
    };
  } else {
    st.idle.push(incoming);
    if (net.needsCharge(incoming)) st.pushCharge(incoming);
    net.twin.update(incoming.asset, { location: st.id, soc: round4(incoming.soc) }, 'SWAP_COMPLETED', {
      rider: r.id,
      role: 'in',
      station: st.id,
    });
    patch = { bays_available: st.freeBays(), inventory: net.noteInventory(st) };
  }

  // The charged battery leaves on the scooter.
  out.station = null;
  out.rider = r;
  r.battery = out;
  r.swapOut = null;
  r.bay = null;
  r.status = 'done';
  net.updateStation(st, patch, 'SWAP_COMPLETED', {
    battery_in: incoming.id,
    battery_out: out.id,
    bay: bay.id,
    rider: r.id,
    soc_in: round4(incoming.soc),
    soc_out: round4(out.soc),
    wait_time_s: round4(r.waitS),
  });
  net.twin.update(out.asset, { location: r.id }, 'SWAP_COMPLETED', { rider: r.id, role: 'out', station: st.id });
  net.twin.update(r.asset, { battery: out.id, battery_soc: round4(out.soc), status: 'done' }, 'SWAP_COMPLETED', {
    station: st.id,
    wait_time_s: round4(r.waitS),
  });
  net.releaseVehicle(r);
  tryStartSwaps(net, st);
}

/** Outage start: swaps in progress stop where they are. */
export function freezeSwaps(net: SwapNetwork, st: StationRt): void {
  const now = net.env.now;
  for (const bay of st.bays) {
    if (bay.rider === null) continue;
    bay.remaining = Math.max(0, bay.endAt - now);
    bay.timer = null;
  }
}

/** Outage end: frozen swaps resume with the service time they had left. */
export function resumeSwaps(net: SwapNetwork, st: StationRt): void {
  for (const bay of st.bays) {
    if (bay.rider !== null) scheduleSwapEnd(net, st, bay, bay.remaining);
  }
}
