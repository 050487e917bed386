import type { Event } from '@doppel/engine';
import type { JsonObject } from '@doppel/twin';
import type { Urgency } from './config.js';
import { nextArrival } from './demand.js';
import { haversineKm } from './layout.js';
import { round3, round4, type SwapNetwork } from './network.js';
import type { RiderRt, StationRt } from './runtime.js';
import type { VehicleState } from './state.js';
import { canServeNow, serveOnArrival, tryStartSwaps } from './swap-ops.js';

/**
 * Riders: they arrive at each station by its hourly demand (non-homogeneous Poisson), balk at a long queue, leave
 * after their patience (renege), and then ride to the nearest other station that has a battery to give (when
 * within reach and their urgency makes it worth it) or give up.
 */

const URGENCIES: readonly Urgency[] = ['low', 'normal', 'high'];

/** Schedules the station's next arrival; each arrival schedules the one after. */
export function startArrivals(net: SwapNetwork, st: StationRt): void {
  const t = nextArrival(st.ratesPerHour, net.dayOffsetS, net.env.now, st.rngArrivals.exponential(1));
  if (t === Infinity) return;
  net.env.timeout(t - net.env.now, st).addCallback(onArrival);
}

// Timer callbacks are shared functions that find their subject in the timer's value: no closure per event.
function onArrival(event: Event): void {
  const st = event.value as StationRt;
  arrive(st.net, st);
  startArrivals(st.net, st);
}

function onPatienceOut(event: Event): void {
  const r = event.value as RiderRt;
  if (r.patienceEpoch === r.epoch && r.inQueue) renege(r.net, r.station, r);
}

function onTravelEnd(event: Event): void {
  const r = event.value as RiderRt;
  if (r.travelTimer === event && r.status === 'travelling') {
    r.travelTimer = null;
    arriveByRedirect(r.net, r.travelTo as StationRt, r);
  }
}

function arrive(net: SwapNetwork, st: StationRt): void {
  const cfg = net.config.riders;
  const rng = st.rngRiders;
  // Fixed draw order per arrival so the riders of a station do not depend on what happens elsewhere.
  const soc = rng.uniform(cfg.arrival_soc.min, cfg.arrival_soc.max);
  const patienceBase = rng.uniform(cfg.patience_s.min, cfg.patience_s.max);
  const w = cfg.urgency_weights;
  const urgency = rng.discrete(URGENCIES, [w.low, w.normal, w.high]);
  const r = net.takeVehicle();
  if (r === null) {
    net.lostArrivals++;
    return;
  }
  // A new trip: the scooter has ridden its battery down since it last left a station.
  r.urgency = urgency;
  r.patienceS = round3(patienceBase * cfg.patience_factor[urgency]);
  r.redirects = 0;
  r.station = st;
  r.battery.soc = soc;
  const joins = st.status !== 'maintenance' && st.queueLength < cfg.balk_queue_length;
  const served = joins && canServeNow(st);
  r.status = served ? 'swapping' : joins ? 'waiting' : 'arriving';
  // Keys in sorted order here and in every ledger payload: the ledger encoder then prints objects as they are.
  const patch: Partial<VehicleState> = {
    battery_soc: round4(soc),
    current_location: st.id,
    rider_patience_s: r.patienceS,
    status: r.status,
    urgency,
  };
  net.twin.update(r.asset, patch, 'RIDER_ARRIVED', { station: st.id }, { always: true });
  st.arrivals++;
  if (served) serveOnArrival(net, st, r, 'arrival');
  else if (joins) join(net, st, r, 'arrival');
  else balk(net, st, r);
}

/** A rider reaching a station after a redirect. */
function arriveByRedirect(net: SwapNetwork, st: StationRt, r: RiderRt): void {
  net.ridersInTransit--;
  r.travelTo = null;
  r.station = st;
  st.arrivals++;
  const joins = st.status !== 'maintenance' && st.queueLength < net.config.riders.balk_queue_length;
  const served = joins && canServeNow(st);
  r.status = served ? 'swapping' : joins ? 'waiting' : 'arriving';
  net.twin.update(r.asset, { current_location: st.id, status: r.status }, 'RIDER_ARRIVED', { station: st.id });
  if (served) serveOnArrival(net, st, r, 'redirect');
  else if (joins) join(net, st, r, 'redirect');
  else balk(net, st, r);
}

function join(net: SwapNetwork, st: StationRt, r: RiderRt, reason: string): void {
  const now = net.env.now;
  r.station = st;
  r.joinedAt = now;
  r.inQueue = true;
  r.patienceEpoch = ++r.epoch;
  st.pushQueue(r);
  st.joins++;
  net.setQueueLength(st, st.queueLength + 1);
  net.updateStation(st, { queue_length: st.queueLength }, 'QUEUE_INCREMENT', { reason, rider: r.id });
  net.env.timeout(r.patienceS, r).addCallback(onPatienceOut);
  tryStartSwaps(net, st);
}

function balk(net: SwapNetwork, st: StationRt, r: RiderRt): void {
  st.balks++;
  const reason = st.status === 'maintenance' ? 'maintenance' : 'queue_too_long';
  net.twin.emit(st.asset, 'RIDER_BALKED', { queue_length: st.queueLength, reason, rider: r.id });
  moveOn(net, st, r, 'balk');
}

/** Takes a queued rider out of the queue, booking the time spent in it. */
export function leaveQueue(net: SwapNetwork, st: StationRt, r: RiderRt): number {
  const waited = net.env.now - r.joinedAt;
  r.inQueue = false;
  r.epoch++;
  st.queueTimeS += waited;
  net.setQueueLength(st, st.queueLength - 1);
  return waited;
}

export function renege(net: SwapNetwork, st: StationRt, r: RiderRt, reason = 'patience'): void {
  const waited = leaveQueue(net, st, r);
  st.reneges++;
  net.updateStation(st, { queue_length: st.queueLength }, 'RIDER_RENEGED', {
    reason,
    rider: r.id,
    waited_s: round4(waited),
  });
  moveOn(net, st, r, 'renege');
}

/** After a balk or renege: ride to another station, or give up. */
function moveOn(net: SwapNetwork, st: StationRt, r: RiderRt, reason: string): void {
  const cfg = net.config.redirect;
  if (r.redirects < cfg.max_redirects && cfg.urgencies.includes(r.urgency)) {
    for (const n of st.neighbours) {
      const other = n.station;
      if (other.status === 'open' && other.charged > 0) {
        r.redirects++;
        travel(net, r, st, other, n.km, reason);
        return;
      }
    }
    abandon(net, st, r, reason === 'balk' ? 'balked_no_station_nearby' : 'reneged_no_station_nearby');
    return;
  }
  abandon(net, st, r, reason === 'balk' ? 'balked' : 'reneged');
}

export function abandon(net: SwapNetwork, st: StationRt, r: RiderRt, reason: string): void {
  r.status = 'abandoned';
  st.abandoned++;
  net.twin.update(r.asset, { status: 'abandoned' }, 'TRIP_ABANDONED', { reason, station: st.id });
  net.releaseVehicle(r);
}

/** Sends a rider from `from` to `to`; travel time from the great-circle distance, a detour factor and a speed. */
export function travel(net: SwapNetwork, r: RiderRt, from: StationRt, to: StationRt, km: number, reason: string): void {
  const cfg = net.config.redirect;
  const etaS = round3(((km * cfg.detour_factor) / cfg.speed_kmh) * 3600);
  if (r.status !== 'travelling') net.ridersInTransit++;
  r.status = 'travelling';
  r.station = from;
  r.travelTo = to;
  from.redirectsOut++;
  const patch: Partial<VehicleState> = { current_location: `in_transit:${from.id}->${to.id}`, status: 'travelling' };
  const meta: JsonObject = { distance_km: round3(km), eta_s: etaS, from: from.id, reason, to: to.id };
  net.twin.update(r.asset, patch, 'RIDER_REDIRECTED', meta);
  r.travelTimer = net.env.timeout(etaS, r);
  r.travelTimer.addCallback(onTravelEnd);
}

/** Great-circle distance between two stations (km). */
export function stationKm(a: StationRt, b: StationRt): number {
  return haversineKm(a.plan.lat, a.plan.lon, b.plan.lat, b.plan.lon);
}
