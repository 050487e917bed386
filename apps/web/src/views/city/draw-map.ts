/** Canvas drawing of the city: an offline basemap from the extent and one marker per station. */
import { fitProjection, gridSteps, type Extent, type Projection, type View } from '../../lib/projection.js';
import {
  densityScale,
  queueRadius,
  STATUS_COLOR,
  STATUS_SHAPE,
  type AssetStatus,
  type MarkerShape,
} from '../../lib/scales.js';

export interface MarkerInput {
  readonly lat: number;
  readonly lon: number;
  readonly queue: number;
  readonly status: AssetStatus;
}

export interface Layout {
  readonly xs: Float32Array;
  readonly ys: Float32Array;
  readonly radii: Float32Array;
  readonly projection: Projection;
}

// Drawn bottom to top, so the stations that need attention are never hidden under quiet ones.
const PAINT_ORDER: readonly AssetStatus[] = ['offline', 'ok', 'warning', 'critical'];

export function layoutMarkers(
  markers: readonly MarkerInput[],
  extent: Extent,
  width: number,
  height: number,
  view: View,
): Layout {
  const projection = fitProjection(extent, width, height, 56, view);
  const scale = densityScale(markers.length, width * view.zoom, height * view.zoom);
  const n = markers.length;
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  const radii = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const m = markers[i];
    xs[i] = projection.toX(m.lon);
    ys[i] = projection.toY(m.lat);
    radii[i] = queueRadius(m.queue, scale);
  }
  return { xs, ys, radii, projection };
}

function shapePath(ctx: CanvasRenderingContext2D, shape: MarkerShape, x: number, y: number, r: number): void {
  switch (shape) {
    case 'circle':
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, Math.PI * 2);
      break;
    case 'triangle': {
      const h = r * 1.25;
      ctx.moveTo(x, y - h);
      ctx.lineTo(x + h * 0.95, y + h * 0.7);
      ctx.lineTo(x - h * 0.95, y + h * 0.7);
      ctx.closePath();
      break;
    }
    case 'diamond': {
      const h = r * 1.3;
      ctx.moveTo(x, y - h);
      ctx.lineTo(x + h, y);
      ctx.lineTo(x, y + h);
      ctx.lineTo(x - h, y);
      ctx.closePath();
      break;
    }
    case 'cross': {
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, Math.PI * 2);
      break;
    }
  }
}

export function drawBasemap(
  ctx: CanvasRenderingContext2D,
  extent: Extent,
  p: Projection,
  w: number,
  h: number,
  withLand = true,
): void {
  ctx.fillStyle = '#eef0f3';
  ctx.fillRect(0, 0, w, h);
  if (!withLand) return;
  const x0 = p.toX(extent.lon_min);
  const x1 = p.toX(extent.lon_max);
  const y0 = p.toY(extent.lat_max);
  const y1 = p.toY(extent.lat_min);
  // The city's extent as land, divided into districts by the coordinate grid.
  ctx.fillStyle = '#fbfbfa';
  ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
  const g = gridSteps(extent, 6);
  ctx.strokeStyle = '#e2e5e9';
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const lon of g.lon) {
    const x = Math.round(p.toX(lon)) + 0.5;
    ctx.moveTo(x, y0);
    ctx.lineTo(x, y1);
  }
  for (const lat of g.lat) {
    const y = Math.round(p.toY(lat)) + 0.5;
    ctx.moveTo(x0, y);
    ctx.lineTo(x1, y);
  }
  ctx.stroke();
  // Main axes through the centre, like two arterial roads.
  ctx.strokeStyle = '#dcdfe4';
  ctx.lineWidth = 3;
  ctx.beginPath();
  const cx = p.toX((extent.lon_min + extent.lon_max) / 2);
  const cy = p.toY((extent.lat_min + extent.lat_max) / 2);
  ctx.moveTo(x0, cy);
  ctx.lineTo(x1, cy);
  ctx.moveTo(cx, y0);
  ctx.lineTo(cx, y1);
  ctx.stroke();
  ctx.strokeStyle = '#c9ced5';
  ctx.lineWidth = 1;
  ctx.strokeRect(x0 + 0.5, y0 + 0.5, x1 - x0, y1 - y0);
  ctx.fillStyle = '#8b939c';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  for (const lon of g.lon) ctx.fillText(`${lon.toFixed(2)}°`, p.toX(lon) + 3, Math.max(4, y0 + 3));
  ctx.textBaseline = 'bottom';
  for (const lat of g.lat) ctx.fillText(`${lat.toFixed(2)}°`, Math.max(4, x0 + 3), p.toY(lat) - 2);
  if (extent.title !== undefined) {
    ctx.font = '600 12px system-ui, sans-serif';
    ctx.fillStyle = '#5d6670';
    ctx.textBaseline = 'bottom';
    ctx.fillText(extent.title, Math.max(8, x0 + 8), Math.min(h - 6, y1 - 6));
  }
}

/**
 * All markers in a few paths: one fill per status (so 1000 stations cost 4 fills, not 1000), then the outline and
 * the offline crosses; the selected and hovered stations get a ring.
 */
export function drawMarkers(
  ctx: CanvasRenderingContext2D,
  markers: readonly MarkerInput[],
  layout: Layout,
  selected: number,
  hovered: number,
): void {
  const { xs, ys, radii } = layout;
  for (const status of PAINT_ORDER) {
    const shape = STATUS_SHAPE[status];
    ctx.beginPath();
    let any = false;
    for (let i = 0; i < markers.length; i++) {
      if (markers[i].status !== status) continue;
      shapePath(ctx, shape, xs[i], ys[i], radii[i]);
      any = true;
    }
    if (!any) continue;
    ctx.globalAlpha = status === 'offline' ? 0.9 : 0.88;
    ctx.fillStyle = STATUS_COLOR[status];
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.lineWidth = 1;
    ctx.strokeStyle = 'rgba(255,255,255,0.9)';
    ctx.stroke();
    if (shape === 'cross') {
      ctx.beginPath();
      for (let i = 0; i < markers.length; i++) {
        if (markers[i].status !== status) continue;
        const r = radii[i] * 0.55;
        ctx.moveTo(xs[i] - r, ys[i] - r);
        ctx.lineTo(xs[i] + r, ys[i] + r);
        ctx.moveTo(xs[i] + r, ys[i] - r);
        ctx.lineTo(xs[i] - r, ys[i] + r);
      }
      ctx.strokeStyle = '#ffffff';
      ctx.lineWidth = 1.5;
      ctx.stroke();
    }
  }
  for (const [i, color, width] of [
    [hovered, '#1c2128', 1.5],
    [selected, '#3358d4', 2.5],
  ] as const) {
    if (i < 0 || i >= markers.length) continue;
    ctx.beginPath();
    ctx.arc(xs[i], ys[i], radii[i] + 4, 0, Math.PI * 2);
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.stroke();
  }
}
