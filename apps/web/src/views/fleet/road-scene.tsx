import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ASSET_STATUSES, STATUS_COLOR, STATUS_GLYPH } from '../../lib/scales.js';
import { drawScene, SENSOR_COLOR } from './draw-scene.js';
import {
  fitTransform,
  kmh,
  SENSOR_TYPES,
  sceneExtent,
  ttcText,
  vehicleAt,
  VEHICLE_STATUS_LABEL,
  type Scene,
  type Transform,
} from './fleet-scene.js';

interface Props {
  readonly scene: Scene;
  readonly selectedId: string | undefined;
  readonly onSelect: (id: string | undefined) => void;
}

/**
 * The top-down road scene of one case on a canvas: roads, signals, other traffic, the vehicles under test coloured
 * by status, their sensor cones and detections, speed and TTC beside each. The frame follows the action; + and −
 * zoom about its centre. Click a vehicle to inspect it.
 */
export function RoadScene({ scene, selectedId, onSelect }: Props): ReactNode {
  const wrapRef = useRef<HTMLDivElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ w: 800, h: 500 });
  const [zoom, setZoom] = useState(1);
  const [hovered, setHovered] = useState<string>();
  const [pointer, setPointer] = useState({ x: 0, y: 0 });
  const [showCones, setShowCones] = useState(true);
  const [showDetections, setShowDetections] = useState(true);

  useEffect(() => {
    const el = wrapRef.current;
    if (el === null) return;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    setSize({ w: el.clientWidth, h: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  const transform = useMemo<Transform | null>(() => {
    const ext = sceneExtent(scene);
    if (ext === null) return null;
    const base = fitTransform(ext, size.w, size.h);
    // Zoom about the centre of the view.
    return {
      scale: base.scale * zoom,
      ox: size.w / 2 + (base.ox - size.w / 2) * zoom,
      oy: size.h / 2 + (base.oy - size.h / 2) * zoom,
    };
  }, [scene, size, zoom]);

  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null || transform === null) return;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(size.w * dpr) || canvas.height !== Math.round(size.h * dpr)) {
      canvas.width = Math.round(size.w * dpr);
      canvas.height = Math.round(size.h * dpr);
    }
    const ctx = canvas.getContext('2d');
    if (ctx === null) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawScene(ctx, scene, transform, size.w, size.h, {
      selectedId,
      hoveredId: hovered,
      showCones,
      showDetections,
    });
  }, [scene, transform, size, selectedId, hovered, showCones, showDetections]);

  const local = (e: React.PointerEvent): { x: number; y: number } => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const hover = scene.vehicles.find((v) => v.id === hovered);
  const detections = scene.vehicles.reduce((n, v) => n + v.detections.length, 0);
  const summary =
    `Road scene of ${scene.caseId}: ${scene.vehicles.length} vehicle(s) under test, ` +
    `${scene.actors.length} other road user(s), ${detections} detection(s). ` +
    scene.vehicles.map((v) => `${v.id} ${VEHICLE_STATUS_LABEL[v.status]}, ${kmh(v.speedMps)}`).join('; ');

  return (
    <div className="road-scene" ref={wrapRef}>
      <canvas
        ref={canvasRef}
        style={{ width: size.w, height: size.h, cursor: hovered !== undefined ? 'pointer' : 'default' }}
        role="img"
        aria-label={summary}
        data-testid="road-canvas"
        onPointerMove={(e) => {
          if (transform === null) return;
          const p = local(e);
          const v = vehicleAt(scene, transform, p.x, p.y);
          setHovered(v?.id);
          if (v !== undefined) setPointer(p);
        }}
        onPointerLeave={() => setHovered(undefined)}
        onPointerUp={(e) => {
          if (transform === null) return;
          const p = local(e);
          onSelect(vehicleAt(scene, transform, p.x, p.y)?.id);
        }}
      />
      {hover !== undefined && (
        <div
          className="map-tooltip"
          role="tooltip"
          style={{ left: Math.min(pointer.x + 14, size.w - 220), top: Math.min(pointer.y + 14, size.h - 110) }}
        >
          <div className="tt-name">
            {hover.id} <span className="faint">{hover.modelType}</span>
          </div>
          <table>
            <tbody>
              <tr>
                <th>Speed</th>
                <td className="num">{kmh(hover.speedMps)}</td>
              </tr>
              <tr>
                <th>TTC</th>
                <td className="num">{ttcText(hover.ttcS)}</td>
              </tr>
              <tr>
                <th>AEB</th>
                <td>{hover.aeb}</td>
              </tr>
            </tbody>
          </table>
        </div>
      )}
      <div className="map-controls" role="group" aria-label="Scene view">
        <button type="button" aria-label="Zoom in" onClick={() => setZoom((z) => Math.min(20, z * 1.5))}>
          +
        </button>
        <button type="button" aria-label="Zoom out" onClick={() => setZoom((z) => Math.max(0.1, z / 1.5))}>
          −
        </button>
        <button type="button" aria-label="Fit the scene" onClick={() => setZoom(1)}>
          ⤢
        </button>
      </div>
      <div className="map-legend scene-legend" aria-label="Legend">
        {ASSET_STATUSES.map((s) => (
          <div key={s} className="legend-row">
            <span style={{ color: STATUS_COLOR[s] }} aria-hidden="true">
              {STATUS_GLYPH[s]}
            </span>
            <span>{VEHICLE_STATUS_LABEL[s]}</span>
          </div>
        ))}
        <label className="legend-row">
          <input type="checkbox" checked={showCones} onChange={(e) => setShowCones(e.currentTarget.checked)} />
          Sensor cones
        </label>
        <label className="legend-row">
          <input
            type="checkbox"
            checked={showDetections}
            onChange={(e) => setShowDetections(e.currentTarget.checked)}
          />
          Detections (× object, ○ ghost)
        </label>
        {SENSOR_TYPES.map((s) => (
          <div key={s} className="legend-row">
            <span style={{ color: SENSOR_COLOR[s] }} aria-hidden="true">
              ▬
            </span>
            <span>{s}</span>
          </div>
        ))}
      </div>
    </div>
  );
}
