import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { LedgerEvent } from '../src/api/types.js';
import { buildLanes } from '../src/views/controlplane/enactor-lanes.js';
import { replayPlan, replayTestName, replayTestYaml } from '../src/views/controlplane/replay-tests.js';

/** An example test of the shape the server lists (paths relative to its examples/tests folder). */
const EXAMPLE = `doppel: 1
name: enactor-legacy
scenario:
  file: ../controlplane/region.yaml
  seed: 2025
  overrides: { controlplane: { enactor: { version: legacy } } }
steps:
  - intervene: { asset: enactor-2, action: stall, args: { duration_seconds: 600 }, at: '14:00' }
  - advance: 24h
rules:
  - id: never_delete_active
    on: [PLAN_DELETED]
    condition: event.meta.referenced_by == 0.0
baseline:
  file: ../controlplane/baselines/plan-to-insync.json
  tolerance: 0.1
  values: { p50: { value: kpi.plan_to_insync_p50_s, better: lower } }
`;

interface ReplayTestDoc {
  name: string;
  scenario: { file: string; overrides: { controlplane: { enactor: unknown } } };
  rules: unknown;
  steps: unknown;
  baseline: unknown;
}

describe('the control-plane replay tests', () => {
  it('are the example test with only the name and the Enactor version changed', () => {
    const example = parse(EXAMPLE) as ReplayTestDoc;
    for (const version of ['legacy', 'guarded'] as const) {
      const test = parse(replayTestYaml(EXAMPLE, version)) as ReplayTestDoc;
      expect(test.name).toBe(replayTestName(version));
      expect(test.scenario.overrides.controlplane.enactor).toEqual({ version });
      expect(test.scenario.file).toBe(example.scenario.file);
      expect(test.rules).toEqual(example.rules);
      expect(test.steps).toEqual(example.steps);
      expect(test.baseline).toEqual(example.baseline);
    }
  });

  it('describe the example: its steps and every rule', () => {
    const plan = replayPlan(EXAMPLE);
    expect(plan.steps[0]).toBe('intervene: stall enactor-2 at 14:00');
    expect(plan.rules.map((r) => r.id)).toContain('never_delete_active');
  });
});

const event = (
  seq: number,
  simTime: number,
  assetId: string,
  eventType: string,
  meta: object | null = null,
): LedgerEvent =>
  ({ seq, simTime, assetId, eventType, oldValue: null, newValue: null, meta, origin: 'sim' }) as LedgerEvent;

describe('Enactor lanes', () => {
  it('pair start and finish events into spans, cut at the window, and flag plans deleted in use', () => {
    const lanes = buildLanes(
      [
        event(1, 100, 'enactor-2', 'APPLY_FINISHED'),
        event(2, 110, 'enactor-1', 'APPLY_STARTED'),
        event(3, 150, 'enactor-1', 'APPLY_FINISHED'),
        event(4, 160, 'enactor-2', 'ENACTOR_STALLED'),
        event(5, 170, 'planner', 'PLAN_DELETED', { generation: 4, referenced_by: 12, in_flight: 0 }),
        event(6, 175, 'planner', 'PLAN_DELETED', { generation: 3, referenced_by: 0, in_flight: 0 }),
      ],
      50,
      200,
    );
    expect(lanes.enactors.map((l) => l.id)).toEqual(['enactor-1', 'enactor-2']);
    expect(lanes.enactors[0].spans).toEqual([{ kind: 'apply', from: 110, to: 150, label: 'apply plan 0' }]);
    // An apply begun before the window starts at its start; a stall still on at its end runs to it.
    expect(lanes.enactors[1].spans).toEqual([
      { kind: 'apply', from: 50, to: 100, label: 'apply' },
      { kind: 'stall', from: 160, to: 200, label: 'stalled' },
    ]);
    expect(lanes.deletions.map((d) => d.active)).toEqual([true, false]);
  });
});
