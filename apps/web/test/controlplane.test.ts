import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { RuleResult, TestResult } from '@doppel/client';
import type { LedgerEvent } from '../src/api/types.js';
import { generationsAt } from '../src/views/controlplane/applied-generations.js';
import { buildLanes } from '../src/views/controlplane/enactor-lanes.js';
import {
  firstViolationKey,
  replayPlan,
  replayTestName,
  replayTestYaml,
  ruleViolations,
} from '../src/views/controlplane/replay-tests.js';

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

describe('the generation each endpoint answered from at a past instant', () => {
  const write = (seq: number, generation: number, ranges: [number, number][]): LedgerEvent =>
    event(seq, seq * 10, 'zone', 'RECORDS_WRITTEN', { plan_generation: generation, ranges });

  it('is the newest change batch that wrote it, read newest first; one never written is absent', () => {
    // Newest first, as the view asks the ledger for them: a guarded batch skipped endpoint 1, a stale one wrote 3.
    const writes = [
      write(4, 12, [
        [0, 0],
        [2, 2],
      ]),
      write(3, 7, [[3, 3]]),
      write(2, 11, [[0, 3]]),
      write(1, 10, [[0, 3]]),
    ];
    const found = generationsAt(writes, [0, 1, 2, 3, 4]);
    expect([...found.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [0, 12],
      [1, 11],
      [2, 12],
      [3, 7],
    ]);
    expect(found.has(4)).toBe(false);
  });

  it('ignores other records and batches without ranges', () => {
    const writes = [
      event(3, 30, 'zone', 'ZONE_CHANGED', { plan_generation: 99, ranges: [[0, 9]] }),
      write(1, 5, [[0, 9]]),
    ];
    expect(generationsAt(writes, [4]).get(4)).toBe(5);
    expect(generationsAt([event(1, 1, 'zone', 'RECORDS_WRITTEN', { plan_generation: 3 })], [0]).size).toBe(0);
  });
});

describe('the violations of a replay', () => {
  const violation = (ruleId: string, seq: number, simTime: number, assetId: string) => ({
    ruleId,
    seq,
    simTime,
    datetime: '',
    assetId,
    eventType: 'X',
    message: '',
    inputs: {},
    ledger: [{ seq, simTime, assetId, eventType: 'X', newValue: null, meta: null, origin: 'sim' }],
  });
  const rule = (id: string, kept: ReturnType<typeof violation>[]): RuleResult => ({
    id,
    category: 'safety',
    condition: 'true',
    status: kept.length > 0 ? 'failed' : 'passed',
    checks: 10,
    violations: kept.length,
    first: kept[0] ?? null,
    kept,
  });

  it('lists every violation kept, each with its own records, earliest first', () => {
    const empty = [
      violation('empty', 5, 50, 'ep-1'),
      violation('empty', 9, 50, 'ep-2'),
      violation('empty', 20, 80, 'ep-1'),
    ];
    const deleted = [violation('deleted', 3, 40, 'planner')];
    const result = {
      replications: [{ status: 'failed', rules: [rule('empty', empty), rule('deleted', deleted), rule('ok', [])] }],
    } as unknown as TestResult;
    const all = ruleViolations(result);
    expect(all.map((v) => [v.key, v.violation.assetId, v.violation.ledger.at(-1)?.seq])).toEqual([
      ['deleted#0', 'planner', 3],
      ['empty#0', 'ep-1', 5],
      ['empty#1', 'ep-2', 9],
      ['empty#2', 'ep-1', 20],
    ]);
    expect(firstViolationKey(all[1].rule)).toBe('empty#0');
  });
});
