import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AssetView } from '../src/api/types.js';
import {
  buildScene,
  fitTransform,
  roadEdges,
  sceneExtent,
  toScreen,
  vehicleAt,
  type Extent,
} from '../src/views/fleet/fleet-scene.js';
import { runVerdict } from '../src/views/fleet/scenario-library.js';

const kpis = {
  length_m: 4.8,
  width_m: 1.9,
  front_m: 3.8,
  radar_range_m: 160,
  radar_fov_deg: 40,
  lidar_range_m: 0,
  lidar_fov_deg: 0,
  camera_range_m: 40,
  camera_fov_deg: 60,
};

function vehicle(id: string, caseId: string, extra: Record<string, unknown> = {}, withKpis = true): AssetView {
  return {
    id,
    kind: 'vehicle',
    state: {
      case: caseId,
      model_type: 'sedan',
      status: 'driving',
      x_m: 10,
      y_m: 0,
      heading_deg: 90,
      speed_mps: 10,
      aeb: 'standby',
      ttc_s: null,
      detections: [{ track: 't1', object_id: 'target', sensor: 'radar', cls: 'vehicle', range_m: 20, bearing_deg: 0 }],
      ...extra,
    },
    ...(withKpis ? { kpis } : {}),
  } as AssetView;
}

const caseAsset = (id: string): AssetView =>
  ({
    id,
    kind: 'case',
    state: {
      roads: [
        {
          id: 'main',
          points: [
            [0, 0],
            [100, 0],
          ],
          lanes: 2,
          lane_width_m: 3.5,
        },
      ],
      stop_lines: [{ signal: 's1', x_m: 50, y_m: 0, aspect: 'red' }],
      verdict: 'pending',
    },
  }) as unknown as AssetView;

describe('fleet road scene', () => {
  it("takes one case's roads, signals, vehicles and actors, and no other case's", () => {
    const assets = [
      caseAsset('case@10'),
      caseAsset('case@20'),
      vehicle('ego@10', 'case@10'),
      vehicle('ego@20', 'case@20'),
      {
        id: 'target@10',
        kind: 'actor',
        state: {
          case: 'case@10',
          cls: 'vehicle',
          x_m: 40,
          y_m: 0,
          heading_deg: 0,
          speed_mps: 0,
          length_m: 4,
          width_m: 2,
        },
      } as unknown as AssetView,
    ];
    const scene = buildScene(assets, 'case@10');
    expect(scene.vehicles.map((v) => v.id)).toEqual(['ego@10']);
    expect(scene.actors.map((a) => a.id)).toEqual(['target@10']);
    expect(scene.roads).toHaveLength(1);
    expect(scene.stopLines[0]).toMatchObject({ x: 50, aspect: 'red' });
  });

  it('places detections from the front bumper along the heading, and draws only working sensors', () => {
    const [v] = buildScene([caseAsset('c'), vehicle('ego', 'c')], 'c').vehicles;
    // Heading north from (10, 0), front bumper 3.8 m ahead: a radar return 20 m straight ahead is at (10, 23.8).
    expect(v!.detections[0]!.x).toBeCloseTo(10, 9);
    expect(v!.detections[0]!.y).toBeCloseTo(23.8, 9);
    expect(v!.cones.map((c) => c.sensor)).toEqual(['radar', 'camera']);
  });

  it('spans the road from half a lane right of its reference line to past the leftmost lane', () => {
    const road = { id: 'r', points: [[0, 0] as const, [100, 0] as const], lanes: 2, laneWidth: 3.5 };
    const { left, right } = roadEdges(road);
    expect(right[0]![1]).toBeCloseTo(-1.75, 9);
    expect(left[0]![1]).toBeCloseTo(5.25, 9);
  });

  it('fits any extent inside the canvas', () => {
    const extent = fc
      .tuple(
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 5e3, noNaN: true }),
        fc.double({ min: 0, max: 5e3, noNaN: true }),
      )
      .map(([x, y, w, h]): Extent => ({ xMin: x, xMax: x + w, yMin: y, yMax: y + h }));
    fc.assert(
      fc.property(extent, fc.integer({ min: 50, max: 3000 }), fc.integer({ min: 50, max: 3000 }), (e, w, h) => {
        const t = fitTransform(e, w, h);
        for (const [x, y] of [
          [e.xMin, e.yMin],
          [e.xMax, e.yMax],
        ] as const) {
          const [px, py] = toScreen(t, x, y);
          expect(px).toBeGreaterThanOrEqual(-1e-6 * w);
          expect(px).toBeLessThanOrEqual(w * (1 + 1e-9));
          expect(py).toBeGreaterThanOrEqual(-1e-6 * h);
          expect(py).toBeLessThanOrEqual(h * (1 + 1e-9));
        }
      }),
    );
  });

  it('finds the vehicle under the pointer by its oriented body', () => {
    const scene = buildScene([caseAsset('c'), vehicle('ego', 'c')], 'c');
    const t = fitTransform(sceneExtent(scene)!, 800, 600);
    // The body spans y = −1 .. 3.8 along the heading (north) around x = 10.
    expect(vehicleAt(scene, t, ...toScreen(t, 10, 1))?.id).toBe('ego');
    expect(vehicleAt(scene, t, ...toScreen(t, 10, 30))).toBeUndefined();
    expect(vehicleAt(scene, t, ...toScreen(t, 14, 1))).toBeUndefined();
  });
});

describe('run verdict', () => {
  it('is pending until every case is judged, then pass only when none failed', () => {
    expect(runVerdict(undefined)).toBe('pending');
    expect(runVerdict({ cases: 2, cases_finished: 1, cases_failed: 0 })).toBe('pending');
    expect(runVerdict({ cases: 2, cases_finished: 2, cases_failed: 0 })).toBe('pass');
    expect(runVerdict({ cases: 2, cases_finished: 2, cases_failed: 1 })).toBe('fail');
  });
});
