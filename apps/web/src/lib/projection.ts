/** Lat/lon → canvas pixels over a city's extent, and the nearest-marker search used for hover and click. */

export interface Extent {
  readonly lat_min: number;
  readonly lat_max: number;
  readonly lon_min: number;
  readonly lon_max: number;
  readonly title?: string;
}

export interface View {
  /** Zoom factor around the centre (1 = the whole extent fits). */
  readonly zoom: number;
  /** Pan offset in CSS pixels. */
  readonly panX: number;
  readonly panY: number;
}

export const HOME_VIEW: View = { zoom: 1, panX: 0, panY: 0 };

export interface Projection {
  readonly toX: (lon: number) => number;
  readonly toY: (lat: number) => number;
  readonly toLon: (x: number) => number;
  readonly toLat: (y: number) => number;
  /** Pixels per degree of longitude (latitude is scaled by 1/cos(lat) for an equirectangular look). */
  readonly scale: number;
}

/**
 * Equirectangular projection with the longitude squeezed by cos(mid-latitude), so a city keeps its shape; the extent
 * is fitted inside the canvas with `padding` pixels and centred, then zoomed and panned.
 */
export function fitProjection(
  extent: Extent,
  width: number,
  height: number,
  padding = 24,
  view = HOME_VIEW,
): Projection {
  const midLat = ((extent.lat_min + extent.lat_max) / 2) * (Math.PI / 180);
  const kx = Math.cos(midLat);
  const spanX = Math.max(1e-9, (extent.lon_max - extent.lon_min) * kx);
  const spanY = Math.max(1e-9, extent.lat_max - extent.lat_min);
  const w = Math.max(1, width - 2 * padding);
  const h = Math.max(1, height - 2 * padding);
  const base = Math.min(w / spanX, h / spanY);
  const s = base * view.zoom;
  const cx = width / 2 + view.panX;
  const cy = height / 2 + view.panY;
  const midLon = (extent.lon_min + extent.lon_max) / 2;
  const midLatDeg = (extent.lat_min + extent.lat_max) / 2;
  return {
    toX: (lon) => cx + (lon - midLon) * kx * s,
    toY: (lat) => cy - (lat - midLatDeg) * s,
    toLon: (x) => midLon + (x - cx) / (kx * s),
    toLat: (y) => midLatDeg - (y - cy) / s,
    scale: s * kx,
  };
}

/** The extent that holds all points, padded by 8 % (for scenarios that do not name one). */
export function extentOf(points: readonly { lat: number; lon: number }[]): Extent | null {
  if (points.length === 0) return null;
  let latMin = Infinity;
  let latMax = -Infinity;
  let lonMin = Infinity;
  let lonMax = -Infinity;
  for (const p of points) {
    if (p.lat < latMin) latMin = p.lat;
    if (p.lat > latMax) latMax = p.lat;
    if (p.lon < lonMin) lonMin = p.lon;
    if (p.lon > lonMax) lonMax = p.lon;
  }
  const padLat = Math.max(0.002, (latMax - latMin) * 0.08);
  const padLon = Math.max(0.002, (lonMax - lonMin) * 0.08);
  return { lat_min: latMin - padLat, lat_max: latMax + padLat, lon_min: lonMin - padLon, lon_max: lonMax + padLon };
}

/**
 * Index of the marker under (x, y): the nearest whose centre lies within its radius plus `slop` pixels, or -1.
 * A linear scan: 1000 markers cost a few microseconds, well within a pointer event.
 */
export function hitTest(
  xs: Float32Array,
  ys: Float32Array,
  radii: Float32Array,
  count: number,
  x: number,
  y: number,
  slop = 3,
): number {
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < count; i++) {
    const dx = xs[i] - x;
    const dy = ys[i] - y;
    const d2 = dx * dx + dy * dy;
    const r = radii[i] + slop;
    if (d2 <= r * r && d2 < bestD) {
      bestD = d2;
      best = i;
    }
  }
  return best;
}

/** Grid lines (every `step` degrees, rounded to a readable step) for the offline basemap. */
export function gridSteps(extent: Extent, targetLines = 8): { lat: number[]; lon: number[]; step: number } {
  const span = Math.max(extent.lat_max - extent.lat_min, extent.lon_max - extent.lon_min);
  const raw = span / targetLines;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? raw;
  const lines = (lo: number, hi: number): number[] => {
    const out: number[] = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) out.push(Number(v.toFixed(6)));
    return out;
  };
  return { lat: lines(extent.lat_min, extent.lat_max), lon: lines(extent.lon_min, extent.lon_max), step };
}
