import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { AssetView } from '../../api/types.js';
import { formatKpi } from '../../lib/format.js';
import { extentOf, hitTest, HOME_VIEW, type Extent, type View } from '../../lib/projection.js';
import {
  ASSET_STATUSES,
  STATUS_COLOR,
  STATUS_GLYPH,
  STATUS_LABEL,
  STATUS_TEXT_COLOR,
  type AssetStatus,
} from '../../lib/scales.js';
import { drawBasemap, drawMarkers, layoutMarkers, type MarkerInput } from './draw-map.js';
import { drawTiles, loadTileUrl, saveTileUrl } from './tiles.js';

interface Props {
  readonly stations: readonly AssetView[];
  readonly extent: Extent | null;
  readonly selectedId: string | undefined;
  readonly onSelect: (id: string | undefined) => void;
}

/** The pack's verdict, which live and past reads both carry (the UI judges nothing itself). */
export function stationStatus(a: AssetView): AssetStatus {
  return a.status ?? 'ok';
}

/** The wait p95 of the recent window: the figure the pack's verdict is made of, live and past alike. */
export function recentWaitOf(a: AssetView): number | undefined {
  return a.kpis?.wait_p95_recent_s;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function markerOf(a: AssetView): MarkerInput {
  return { lat: num(a.state.lat), lon: num(a.state.lon), queue: num(a.state.queue_length), status: stationStatus(a) };
}

/** Charged batteries from the KPIs, or from the state's inventory when scrubbing the past. */
export function chargedOf(a: AssetView): number {
  if (a.kpis?.charged_batteries !== undefined) return a.kpis.charged_batteries;
  const inv = a.state.inventory;
  return inv !== null && typeof inv === 'object' && !Array.isArray(inv) ? num(inv.charged) : 0;
}

/**
 * The city map: one canvas, redrawn only when the stations, the selection, the hover, the size or the view change
 * (never per frame), so 1000 stations stay smooth. Wheel zooms, drag pans, click selects.
 */
export function CityMap({ stations, extent, selectedId, onSelect }: Props): ReactNode {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ w: 800, h: 600 });
  const [view, setView] = useState<View>(HOME_VIEW);
  const [hovered, setHovered] = useState(-1);
  const [pointer, setPointer] = useState({ x: 0, y: 0 });
  const [tiles, setTiles] = useState(loadTileUrl);
  const [tileTick, setTileTick] = useState(0);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const drag = useRef<{ x: number; y: number; panX: number; panY: number; moved: boolean } | null>(null);

  useEffect(() => {
    const el = wrapRef.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    setSize({ w: el.clientWidth, h: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  const markers = useMemo(() => stations.map(markerOf), [stations]);
  const ext = useMemo(
    () => extent ?? extentOf(markers) ?? { lat_min: 0, lat_max: 1, lon_min: 0, lon_max: 1 },
    [extent, markers],
  );
  const layout = useMemo(() => layoutMarkers(markers, ext, size.w, size.h, view), [markers, ext, size, view]);
  const selectedIndex = useMemo(() => stations.findIndex((s) => s.id === selectedId), [stations, selectedId]);

  // Drawn in the layout phase: the canvas is never painted one frame behind the data.
  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null) return;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(size.w * dpr) || canvas.height !== Math.round(size.h * dpr)) {
      canvas.width = Math.round(size.w * dpr);
      canvas.height = Math.round(size.h * dpr);
    }
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawBasemap(ctx, ext, layout.projection, size.w, size.h, tiles === '');
    if (tiles !== '') drawTiles(ctx, tiles, layout.projection, size.w, size.h, () => setTileTick((n) => n + 1));
    drawMarkers(ctx, markers, layout, selectedIndex, hovered);
  }, [ext, layout, markers, selectedIndex, hovered, size, tiles, tileTick]);

  const counts = useMemo(() => {
    const c: Record<AssetStatus, number> = { ok: 0, warning: 0, critical: 0, offline: 0 };
    for (const m of markers) c[m.status]++;
    return c;
  }, [markers]);

  const local = (e: React.PointerEvent | React.WheelEvent): { x: number; y: number } => {
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };

  const hover = hovered >= 0 && hovered < stations.length ? stations[hovered] : undefined;
  const summary = ASSET_STATUSES.map((s) => `${counts[s]} ${STATUS_LABEL[s]}`).join(', ');

  return (
    <div className="city-map" ref={wrapRef}>
      <canvas
        ref={canvasRef}
        style={{ width: size.w, height: size.h, cursor: hovered >= 0 ? 'pointer' : 'grab' }}
        role="img"
        aria-label={`Map of ${stations.length} stations: ${summary}`}
        data-testid="city-canvas"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          drag.current = { x: e.clientX, y: e.clientY, panX: view.panX, panY: view.panY, moved: false };
        }}
        onPointerMove={(e) => {
          const p = local(e);
          const d = drag.current;
          if (d !== null) {
            const dx = e.clientX - d.x;
            const dy = e.clientY - d.y;
            if (Math.abs(dx) + Math.abs(dy) > 3) d.moved = true;
            if (d.moved) {
              setView((v) => ({ ...v, panX: d.panX + dx, panY: d.panY + dy }));
              return;
            }
          }
          const i = hitTest(layout.xs, layout.ys, layout.radii, markers.length, p.x, p.y);
          if (i !== hovered) setHovered(i);
          if (i >= 0) setPointer(p);
        }}
        onPointerUp={(e) => {
          const d = drag.current;
          drag.current = null;
          if (d !== null && d.moved) return;
          const p = local(e);
          const i = hitTest(layout.xs, layout.ys, layout.radii, markers.length, p.x, p.y);
          // The inspector opens over the map: a tooltip left from before the click would go stale there.
          setHovered(-1);
          onSelect(i >= 0 ? stations[i].id : undefined);
        }}
        onPointerLeave={() => setHovered(-1)}
        onWheel={(e) => {
          const p = local(e);
          const factor = e.deltaY < 0 ? 1.2 : 1 / 1.2;
          setView((v) => {
            const zoom = Math.max(0.5, Math.min(40, v.zoom * factor));
            const k = zoom / v.zoom;
            // Zoom about the pointer: the point under it stays put.
            const cx = size.w / 2 + v.panX;
            const cy = size.h / 2 + v.panY;
            return { zoom, panX: v.panX + (p.x - cx) * (1 - k), panY: v.panY + (p.y - cy) * (1 - k) };
          });
        }}
      />
      {hover !== undefined && (
        <div
          className="map-tooltip"
          role="tooltip"
          style={{ left: Math.min(pointer.x + 14, size.w - 220), top: Math.min(pointer.y + 14, size.h - 110) }}
        >
          <div className="tt-name">{String(hover.state.name ?? hover.id)}</div>
          <StatusBadge status={stationStatus(hover)} />
          <table>
            <tbody>
              <tr>
                <th>Queue</th>
                <td className="num">{formatKpi(num(hover.state.queue_length), 'riders')}</td>
              </tr>
              <tr>
                <th>Charged batteries</th>
                <td className="num">{chargedOf(hover)}</td>
              </tr>
              <tr>
                <th>Wait p95 (recent)</th>
                <td className="num">{formatKpi(recentWaitOf(hover), 's')}</td>
              </tr>
            </tbody>
          </table>
        </div>
      )}
      <div className="map-controls" role="group" aria-label="Map view">
        <button
          type="button"
          aria-label="Zoom in"
          onClick={() => setView((v) => ({ ...v, zoom: Math.min(40, v.zoom * 1.5) }))}
        >
          +
        </button>
        <button
          type="button"
          aria-label="Zoom out"
          onClick={() => setView((v) => ({ ...v, zoom: Math.max(0.5, v.zoom / 1.5) }))}
        >
          −
        </button>
        <button type="button" aria-label="Fit the city" onClick={() => setView(HOME_VIEW)}>
          ⤢
        </button>
        <button
          type="button"
          aria-label="Map settings"
          aria-expanded={settingsOpen}
          onClick={() => setSettingsOpen((o) => !o)}
        >
          ⚙
        </button>
      </div>
      {settingsOpen && (
        <form
          className="map-settings panel"
          onSubmit={(e) => {
            e.preventDefault();
            const url = String(new FormData(e.currentTarget).get('tiles') ?? '').trim();
            saveTileUrl(url);
            setTiles(url);
            setSettingsOpen(false);
          }}
        >
          <label className="field">
            Tile URL (optional, XYZ)
            <input
              name="tiles"
              defaultValue={tiles}
              placeholder="https://…/{z}/{x}/{y}.png"
              aria-label="Tile URL template"
            />
            <span className="hint">Empty: the offline district map drawn from the scenario's extent.</span>
          </label>
          <button type="submit">Save</button>
        </form>
      )}
      <div className="map-legend" aria-label="Legend">
        {ASSET_STATUSES.map((s) => (
          <div key={s} className="legend-row">
            <span style={{ color: STATUS_COLOR[s] }} aria-hidden="true">
              {STATUS_GLYPH[s]}
            </span>
            <span>{STATUS_LABEL[s]}</span>
            <span className="num faint">{counts[s]}</span>
          </div>
        ))}
        <div className="legend-row faint">Size: queue length</div>
      </div>
    </div>
  );
}

export function StatusBadge({ status }: { status: AssetStatus }): ReactNode {
  return (
    <span className="status-badge" style={{ color: STATUS_TEXT_COLOR[status] }} data-status={status}>
      <span aria-hidden="true">{STATUS_GLYPH[status]}</span>
      {STATUS_LABEL[status]}
    </span>
  );
}
