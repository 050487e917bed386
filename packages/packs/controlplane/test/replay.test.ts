import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenarioFile } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import { controlPlanePack, eventLog } from '../src/index.js';
import { runScenario } from './helpers.js';

function scenarioWithLog(rows: object[], version: string, extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'doppel-cp-replay-'));
  writeFileSync(join(dir, 'events.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  writeFileSync(
    join(dir, 's.yaml'),
    `doppel: 1
name: replay
pack: controlplane
start: '2025-10-19T00:00:00Z'
duration: 2h
seed: 3
inputs: { events: events.jsonl }
controlplane:
  endpoints: { count: 30 }
  enactor: { version: ${version} }
${extra}`,
  );
  return join(dir, 's.yaml');
}

const load = (path: string) => loadScenarioFile(path, { packs: [controlPlanePack] });

describe('event-log replay', () => {
  it('a generated day replays with every expected outcome met; the log drives the plan generations', async () => {
    const log = eventLog({ endpoints: 30, loadBalancers: 3, seed: 9, startIso: '2025-10-19T00:00:00Z', hours: 2 });
    expect(log.filter((r) => r.type === 'plan_generated').length).toBeGreaterThan(230);
    const { sim, kpis, ledger } = await runScenario(load(scenarioWithLog(log, 'legacy')));
    const replay = sim.asset('replay').state as {
      events_replayed: number;
      outcomes_met: number;
      outcomes_missed: number;
    };
    expect(replay.events_replayed).toBe(log.length);
    expect(replay.outcomes_missed).toBe(0);
    expect(kpis.newest_generation - 1).toBe(log.filter((r) => r.type === 'plan_generated').length);
    expect(ledger.some((e) => e.eventType === 'OUTCOME_MISSED')).toBe(false);
  });

  it('checks expected_outcome per event: a stall in the log makes legacy miss the outcomes production had, guarded not', async () => {
    const log = eventLog({ endpoints: 30, loadBalancers: 3, seed: 9, startIso: '2025-10-19T00:00:00Z', hours: 2 });
    const stall = {
      timestamp: '2025-10-19T00:30:00Z',
      type: 'enactor_stall',
      payload: { enactor: 'enactor-1', duration_s: 600 },
      expected_outcome: 'stalled',
    };
    const rows = [...log, stall];
    const legacy = await runScenario(load(scenarioWithLog(rows, 'legacy')));
    const missed = legacy.ledger.filter((e) => e.eventType === 'OUTCOME_MISSED');
    expect(missed.length).toBeGreaterThan(0);
    const first = missed[0].meta as { line: number; type: string; expected: string; actual: string };
    expect(['dns_update', 'lambda_invoke']).toContain(first.type);
    expect(first.actual).toBe(first.type === 'dns_update' ? 'empty' : 'failure');
    const guarded = await runScenario(load(scenarioWithLog(rows, 'guarded')));
    expect(guarded.sim.asset('replay').state.outcomes_missed).toBe(0);
    expect(guarded.sim.asset('replay').state.events_replayed).toBe(rows.length);
  });

  it('an unknown event type or endpoint is a missed outcome, not a crash', async () => {
    const rows = [
      { timestamp: '2025-10-19T00:01:00Z', type: 'route_flap', payload: {}, expected_outcome: 'success' },
      {
        timestamp: '2025-10-19T00:02:00Z',
        type: 'dns_update',
        payload: { endpoint: 'nope.' },
        expected_outcome: 'non_empty',
      },
    ];
    const { ledger } = await runScenario(load(scenarioWithLog(rows, 'legacy')));
    const actual = ledger
      .filter((e) => e.eventType === 'OUTCOME_MISSED')
      .map((e) => (e.meta as { actual: string }).actual);
    expect(actual).toEqual(['unsupported_type', 'unknown_endpoint']);
  });
});
