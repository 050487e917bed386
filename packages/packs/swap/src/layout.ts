import type { RandomStream } from '@doppel/engine';
import type { Bbox, ExplicitStation, SwapConfig } from './config.js';

/** Extents of the cities a layout can name (administrative bounding boxes, degrees). */
export const CITY_BBOX: Readonly<Record<string, Bbox & { readonly title: string }>> = {
  paris: { title: 'Paris', lat_min: 48.815, lat_max: 48.902, lon_min: 2.224, lon_max: 2.469 },
  berlin: { title: 'Berlin', lat_min: 52.338, lat_max: 52.675, lon_min: 13.088, lon_max: 13.761 },
  taipei: { title: 'Taipei', lat_min: 24.96, lat_max: 25.21, lon_min: 121.457, lon_max: 121.666 },
  london: { title: 'London', lat_min: 51.286, lat_max: 51.692, lon_min: -0.51, lon_max: 0.334 },
  amsterdam: { title: 'Amsterdam', lat_min: 52.278, lat_max: 52.431, lon_min: 4.728, lon_max: 5.079 },
};

const EARTH_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180;

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** A station's place and equipment after layout and overrides. */
export interface StationPlan {
  readonly id: string;
  readonly name: string;
  readonly lat: number;
  readonly lon: number;
  readonly bays: number;
  readonly chargers: number;
  readonly reserveChargers: number;
  readonly chargerPowerKw: number;
  readonly gridPowerLimitKw: number;
  readonly batteries: number;
  readonly initialSoc: number;
  readonly demandWeight: number;
}

/** The area the UI draws when no tile layer is configured. */
export interface CityExtent extends Bbox {
  readonly title: string;
}

/**
 * Places `layout.count` stations on a jittered grid over the city's extent (spread like a real network, never two
 * on one spot), gives each a demand weight (lognormal, busier near the centre, mean 1), then appends the explicit
 * stations. Everything is drawn from the `layout` stream, so the same scenario always gives the same city.
 */
export function planStations(config: SwapConfig, rng: RandomStream): { stations: StationPlan[]; extent: CityExtent } {
  const d = config.station_defaults;
  const plans: StationPlan[] = [];
  const layout = config.layout;
  const extent = resolveExtent(config);
  if (layout !== undefined && layout.count > 0) {
    const points = jitteredGrid(extent, layout.count, rng);
    const width = String(Math.max(layout.count, 10)).length;
    const cLat = (extent.lat_min + extent.lat_max) / 2;
    const cLon = (extent.lon_min + extent.lon_max) / 2;
    const radiusKm = 0.35 * haversineKm(extent.lat_min, extent.lon_min, extent.lat_max, extent.lon_max);
    const raw: number[] = [];
    for (const [lat, lon] of points) {
      const r = haversineKm(lat, lon, cLat, cLon) / radiusKm;
      const spread = layout.demand_spread;
      const noise = spread > 0 ? rng.lognormal(-(spread * spread) / 2, spread) : 1;
      raw.push(noise * (1 + layout.centre_boost * Math.exp(-r * r)));
    }
    const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
    points.forEach(([lat, lon], i) => {
      const num = String(i + 1).padStart(width, '0');
      plans.push({
        id: `station_${num}`,
        name: `${extent.title} ${num}`,
        lat: round6(lat),
        lon: round6(lon),
        bays: d.bays,
        chargers: d.chargers,
        reserveChargers: d.reserve_chargers,
        chargerPowerKw: d.charger_power_kw,
        gridPowerLimitKw: d.grid_power_limit_kw,
        batteries: d.batteries,
        initialSoc: d.initial_soc,
        demandWeight: round6(raw[i] / mean),
      });
    });
  }
  for (const s of config.stations) plans.push(explicitPlan(s, config));
  return { stations: plans, extent };
}

function explicitPlan(s: ExplicitStation, config: SwapConfig): StationPlan {
  const d = config.station_defaults;
  return {
    id: s.id,
    name: s.name ?? s.id,
    lat: s.lat,
    lon: s.lon,
    bays: s.bays ?? d.bays,
    chargers: s.chargers ?? d.chargers,
    reserveChargers: s.reserve_chargers ?? d.reserve_chargers,
    chargerPowerKw: s.charger_power_kw ?? d.charger_power_kw,
    gridPowerLimitKw: s.grid_power_limit_kw ?? d.grid_power_limit_kw,
    batteries: s.batteries ?? d.batteries,
    initialSoc: s.initial_soc ?? d.initial_soc,
    demandWeight: s.demand_weight ?? 1,
  };
}

function resolveExtent(config: SwapConfig): CityExtent {
  const layout = config.layout;
  if (layout?.bbox !== undefined) return { title: layout.city ? CITY_BBOX[layout.city].title : 'City', ...layout.bbox };
  if (layout?.city !== undefined) return CITY_BBOX[layout.city];
  if (config.stations.length > 0) {
    const lats = config.stations.map((s) => s.lat);
    const lons = config.stations.map((s) => s.lon);
    const pad = 0.005;
    return {
      title: 'City',
      lat_min: Math.min(...lats) - pad,
      lat_max: Math.max(...lats) + pad,
      lon_min: Math.min(...lons) - pad,
      lon_max: Math.max(...lons) + pad,
    };
  }
  return CITY_BBOX.paris;
}

/** `count` points, one per cell of a grid whose cells are roughly square on the ground, jittered inside the cell. */
function jitteredGrid(box: Bbox, count: number, rng: RandomStream): [number, number][] {
  const heightKm = haversineKm(box.lat_min, box.lon_min, box.lat_max, box.lon_min);
  const midLat = (box.lat_min + box.lat_max) / 2;
  const widthKm = haversineKm(midLat, box.lon_min, midLat, box.lon_max);
  const cols = Math.max(1, Math.round(Math.sqrt((count * widthKm) / heightKm)));
  const rows = Math.max(1, Math.ceil(count / cols));
  const cells: number[] = [];
  for (let i = 0; i < rows * cols; i++) cells.push(i);
  // Drop surplus cells at random so the empty ones are not all in the last row.
  rng.shuffle(cells);
  const chosen = cells.slice(0, count).sort((a, b) => a - b);
  const dLat = (box.lat_max - box.lat_min) / rows;
  const dLon = (box.lon_max - box.lon_min) / cols;
  return chosen.map((cell) => {
    const row = Math.floor(cell / cols);
    const col = cell % cols;
    const lat = box.lat_max - (row + 0.15 + 0.7 * rng.random()) * dLat;
    const lon = box.lon_min + (col + 0.15 + 0.7 * rng.random()) * dLon;
    return [lat, lon];
  });
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** For each station, the indexes of its `k` nearest other stations within `maxKm`, nearest first. */
export function nearestNeighbours(
  stations: readonly { readonly lat: number; readonly lon: number }[],
  k: number,
  maxKm: number,
): { index: number; km: number }[][] {
  const n = stations.length;
  const out: { index: number; km: number }[][] = [];
  const scratch: { index: number; km: number }[] = [];
  // A great-circle distance is at least the latitude difference along a meridian: pairs farther apart than that
  // bound are skipped before the trigonometry (the margin keeps rounding from dropping a pair at the limit).
  const maxDLat = (maxKm / (EARTH_RADIUS_KM * RAD)) * (1 + 1e-9);
  for (let i = 0; i < n; i++) {
    scratch.length = 0;
    const a = stations[i];
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const b = stations[j];
      if (Math.abs(b.lat - a.lat) > maxDLat) continue;
      const km = haversineKm(a.lat, a.lon, b.lat, b.lon);
      if (km <= maxKm) scratch.push({ index: j, km });
    }
    scratch.sort((x, y) => x.km - y.km || x.index - y.index);
    out.push(scratch.slice(0, k));
  }
  return out;
}
