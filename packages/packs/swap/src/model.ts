import type { Asset, AssetStatus, BuildContext, JsonObject, OutputTable, PackModel, PastJudge } from '@doppel/twin';
import type { SwapConfig } from './config.js';
import { chargingPatch, fillChargers } from './charging-ops.js';
import { batteryKpis, networkKpis, stationKpis, STATION_KPIS } from './kpis.js';
import { SwapNetwork } from './network.js';
import { startArrivals } from './rider-ops.js';
import { BatteryRt, StationRt } from './runtime.js';
import { stationPastJudge, stationVerdict } from './station-status.js';

/** The live swap network of one simulation, as the twin core sees it (KPIs, colours, summary). */
export class SwapModel implements PackModel {
  readonly network: SwapNetwork;

  constructor(context: BuildContext<SwapConfig>) {
    const net = new SwapNetwork(context);
    this.network = net;
    for (const st of net.stations) {
      // Stations that start with partly charged batteries put them on chargers at t=0.
      for (const b of st.idle) if (net.needsCharge(b)) st.pushCharge(b);
      if (fillChargers(net, st)) {
        net.updateStation(st, chargingPatch(net, st), 'CHARGING_STARTED');
      }
      startArrivals(net, st);
    }
  }

  kpis(): Record<string, number> {
    return networkKpis(this.network, this.network.waits);
  }

  assetKpis(asset: Asset<JsonObject, unknown>): Record<string, number> {
    const rt = asset.runtime;
    if (rt instanceof StationRt) return stationKpis(this.network, rt);
    if (rt instanceof BatteryRt) return batteryKpis(this.network, rt);
    return {};
  }

  /** The station's colour now, by the one status rule (stationVerdict) that past reads apply too. */
  assetStatus(asset: Asset<JsonObject, unknown>): AssetStatus {
    const st = asset.runtime;
    if (!(st instanceof StationRt)) return 'ok';
    const t = this.network.config.status_thresholds;
    const now = this.network.env.now;
    const head = st.peekQueue();
    return stationVerdict(
      {
        status: st.status,
        recentP95S: st.recent.p95(now, t.window_s),
        headWaitS: head === null ? 0 : now - head.joinedAt,
      },
      t,
    );
  }

  pastJudge(kind: string): PastJudge | undefined {
    return kind === 'station' ? stationPastJudge(this.network.config.status_thresholds) : undefined;
  }

  summary(): JsonObject {
    const net = this.network;
    return {
      network: {
        ...this.kpis(),
        stations: net.stations.length,
        vehicles: net.fleetSize,
        batteries: net.batteryCount,
        restocked: net.restocked,
        lost_arrivals: net.lostArrivals,
      },
      city: { ...net.extent },
      stations: net.stations.map((st) => ({
        id: st.id,
        name: st.plan.name,
        status: this.assetStatus(st.asset as Asset<JsonObject, unknown>),
        ...stationKpis(net, st),
      })),
    };
  }

  outputTables(): readonly OutputTable[] {
    const net = this.network;
    const names = STATION_KPIS.map((k) => k.name);
    return [
      {
        fileName: 'stations.csv',
        columns: ['station_id', 'name', 'lat', 'lon', ...names],
        rows: net.stations.map((st) => {
          const k = stationKpis(net, st);
          return [st.id, st.plan.name, st.plan.lat, st.plan.lon, ...names.map((n) => k[n])];
        }),
      },
    ];
  }
}
