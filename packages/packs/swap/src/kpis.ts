import type { KpiDefinition } from '@doppel/twin';
import { energyNow, liveSoc } from './charging-ops.js';
import { round3, round4, type SwapNetwork } from './network.js';
import type { BatteryRt, StationRt } from './runtime.js';
import { nearestRankP95, type WaitStats } from './stats.js';

const counter = (name: string, unit: string, description: string): KpiDefinition => ({
  name,
  unit,
  description,
  kind: 'counter',
});
const gauge = (name: string, unit: string, description: string): KpiDefinition => ({
  name,
  unit,
  description,
  kind: 'gauge',
});

/** KPIs of one station (asset KPIs) and, summed or pooled, of the network. */
export const STATION_KPIS: readonly KpiDefinition[] = [
  counter('arrivals', 'riders', 'Riders who came to the station (including redirected ones)'),
  counter('swaps', 'swaps', 'Completed battery swaps'),
  counter('balks', 'riders', 'Riders who did not join because the queue was too long or the station closed'),
  counter('reneges', 'riders', 'Riders who left the queue after running out of patience'),
  counter('redirects', 'riders', 'Riders sent from this station to another one'),
  counter('abandoned_trips', 'riders', 'Riders who gave up without a swap'),
  counter('energy_kwh', 'kWh', 'Energy drawn by the chargers'),
  gauge('wait_p50_s', 's', 'Median wait from joining the queue to the start of the swap, since the start'),
  gauge('wait_p95_s', 's', '95th percentile wait, since the start'),
  gauge('wait_max_s', 's', 'Longest wait, since the start'),
  gauge('wait_mean_s', 's', 'Mean wait, since the start'),
  gauge('wait_p95_recent_s', 's', '95th percentile wait of the swaps of the status window (what colours the station)'),
  gauge('queue_length', 'riders', 'Riders queued now'),
  gauge('queue_length_mean', 'riders', 'Time-weighted mean queue length since the start'),
  gauge('charged_batteries', 'batteries', 'Batteries that can be handed out now'),
  gauge('charged_availability', 'fraction', 'Share of time with at least one battery to hand out'),
  gauge('power_draw_kw', 'kW', 'Charging power drawn now'),
  gauge('peak_power_kw', 'kW', 'Highest charging power drawn so far'),
  gauge('bay_utilisation', 'fraction', 'Share of bay time spent swapping'),
];

export const NETWORK_KPIS: readonly KpiDefinition[] = [
  ...STATION_KPIS.map((k) =>
    k.name === 'wait_p95_recent_s'
      ? gauge(k.name, k.unit, '95th percentile wait of the swaps of the last status window, pooled over all stations')
      : k.name === 'charged_availability'
        ? gauge(k.name, k.unit, 'Mean over stations of the share of time with a battery to hand out')
        : k.name === 'queue_length_mean'
          ? gauge(k.name, k.unit, 'Time-weighted mean of riders queued in the whole network')
          : k,
  ),
  counter('cancelled_trips', 'riders', 'Trips cancelled by an intervention'),
  gauge('riders_in_transit', 'riders', 'Riders riding to another station now'),
  gauge('stations_offline', 'stations', 'Stations in outage or maintenance now'),
];

export const BATTERY_KPIS: readonly KpiDefinition[] = [
  gauge('soc_now', 'fraction', 'State of charge now (the ledger holds it at charge start and finish)'),
  gauge('usable_energy_kwh', 'kWh', 'Capacity times state of health'),
];

export function stationKpis(net: SwapNetwork, st: StationRt): Record<string, number> {
  const now = net.env.now;
  const bayTime = st.bays.length * now;
  return {
    arrivals: st.arrivals,
    swaps: st.swaps,
    balks: st.balks,
    reneges: st.reneges,
    redirects: st.redirectsOut,
    abandoned_trips: st.abandoned,
    energy_kwh: round4(energyNow(net, st)),
    wait_p50_s: round3(st.waits.median),
    wait_p95_s: round3(st.waits.p95Value),
    wait_max_s: round3(st.waits.max),
    wait_mean_s: round3(st.waits.mean),
    wait_p95_recent_s: round3(st.recent.p95(now, net.config.status_thresholds.window_s)),
    queue_length: st.queueLength,
    queue_length_mean: round4(st.queueTw.mean(now)),
    charged_batteries: st.charged,
    charged_availability: round4(st.availableTw.mean(now)),
    power_draw_kw: st.powerDrawKw,
    peak_power_kw: st.peakPowerKw,
    bay_utilisation: bayTime > 0 ? round4(st.busyBaysTw.integral(now) / bayTime) : 0,
  };
}

export function networkKpis(net: SwapNetwork, waits: WaitStats): Record<string, number> {
  const now = net.env.now;
  let arrivals = 0;
  let swaps = 0;
  let balks = 0;
  let reneges = 0;
  let redirects = 0;
  let abandoned = 0;
  let cancelled = 0;
  let energy = 0;
  let queue = 0;
  let queueArea = 0;
  let charged = 0;
  let avail = 0;
  let busy = 0;
  let bays = 0;
  let offline = 0;
  const recent: number[] = [];
  const windowS = net.config.status_thresholds.window_s;
  for (const st of net.stations) {
    st.recent.collect(now, windowS, recent);
    arrivals += st.arrivals;
    swaps += st.swaps;
    balks += st.balks;
    reneges += st.reneges;
    redirects += st.redirectsOut;
    abandoned += st.abandoned;
    cancelled += st.cancelled;
    energy += energyNow(net, st);
    queue += st.queueLength;
    queueArea += st.queueTw.integral(now);
    charged += st.charged;
    avail += st.availableTw.mean(now);
    busy += st.busyBaysTw.integral(now);
    bays += st.bays.length;
    if (st.status !== 'open') offline++;
  }
  const n = net.stations.length;
  return {
    arrivals,
    swaps,
    balks,
    reneges,
    redirects,
    abandoned_trips: abandoned,
    energy_kwh: round4(energy),
    wait_p50_s: round3(waits.median),
    wait_p95_s: round3(waits.p95Value),
    wait_p95_recent_s: round3(nearestRankP95(recent)),
    wait_max_s: round3(waits.max),
    wait_mean_s: round3(waits.mean),
    queue_length: queue,
    queue_length_mean: now > 0 ? round4(queueArea / now) : queue,
    charged_batteries: charged,
    charged_availability: n > 0 ? round4(avail / n) : 0,
    power_draw_kw: round3(net.powerDrawKw),
    peak_power_kw: round3(net.peakPowerKw),
    bay_utilisation: bays > 0 && now > 0 ? round4(busy / (bays * now)) : 0,
    cancelled_trips: cancelled,
    riders_in_transit: net.ridersInTransit,
    stations_offline: offline,
  };
}

export function batteryKpis(net: SwapNetwork, b: BatteryRt): Record<string, number> {
  return { soc_now: round4(liveSoc(net, b)), usable_energy_kwh: round4(b.energyKwh) };
}
