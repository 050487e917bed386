import { describe, expect, it } from 'vitest';
import { eveningPeak, run } from './helpers.js';

describe('steps', () => {
  it('advance by a duration and to a time of day; snapshot records values', async () => {
    const result = await run(
      eveningPeak(`
steps:
  - advance: 90m
  - advance: { by: 30m }
  - advance: { to: '06:30' }
  - snapshot: { name: morning, values: { swaps: kpi.swaps, s8: "station('station_08').queue_length" } }
  - snapshot: { name: all-kpis }
`),
    );
    const steps = result.replications[0].steps;
    expect(steps.map((step) => [step.status, step.endS])).toEqual([
      ['passed', 5400],
      ['passed', 7200],
      ['passed', 23_400],
      ['passed', 23_400],
      ['passed', 23_400],
    ]);
    expect(Object.keys(steps[3].details ?? {})).toEqual(['swaps', 's8']);
    expect(steps[4].details).toHaveProperty('wait_p95_s');
    expect(result.status).toBe('passed');
  });

  it('assert passes, fails with its message and the values it read, and skips the rest', async () => {
    const result = await run(
      eveningPeak(`
steps:
  - advance: { to: '19:00' }
  - assert: { condition: 'kpi.swaps > 0.0' }
  - assert: { condition: 'kpi.wait_max_s < 1.0', message: nobody waits }
  - advance: 10m
`),
    );
    const steps = result.replications[0].steps;
    expect(steps.map((step) => step.status)).toEqual(['passed', 'passed', 'failed', 'skipped']);
    expect(steps[2].message).toBe('nobody waits');
    expect(steps[2].details?.['kpi.wait_max_s']).toBeGreaterThan(1);
    expect(result.status).toBe('failed');
    expect(result.failures[0]).toMatchObject({ kind: 'step', ref: 'steps[2] assert' });
    // The run still goes to the scenario's end after a failed step.
    expect(result.replications[0].endS).toBe(72_000);
  });

  it('intervene now and at a time; set goes through the pack setter', async () => {
    const result = await run(
      eveningPeak(`
steps:
  - advance: { to: '08:00' }
  - intervene: { asset: station_03, action: trigger_outage, args: { duration_seconds: 600 } }
  - assert: { condition: "station('station_03').status == 'outage'" }
  - intervene: { asset: station_04, action: set_maintenance_mode, args: { enabled: true }, at: '09:00' }
  - set: { asset: station_05, field: service_speed, value: 2 }
  - assert: { condition: "station('station_05').service_speed == 2.0 && station('station_04').status == 'open'" }
  - advance: { to: '09:00' }
  - assert: { condition: "station('station_04').status == 'maintenance' && station('station_03').status == 'open'" }
`),
    );
    const steps = result.replications[0].steps;
    expect(steps.map((step) => step.status)).toEqual(Array(8).fill('passed'));
    expect(steps[3].details).toMatchObject({ status: 'PENDING', effectiveAt: 32_400 });
  });

  it('wait_until stops at the very event a state condition becomes true, or times out', async () => {
    const result = await run(
      eveningPeak(`
steps:
  - wait_until: { condition: "station('station_08').queue_length >= 3", timeout: 20h }
  - assert: { condition: "station('station_08').queue_length == 3.0" }
  - wait_until: { condition: "station('station_08').queue_length >= 50", timeout: 30m }
`),
    );
    const steps = result.replications[0].steps;
    expect(steps[0].status).toBe('passed');
    expect(steps[1].status).toBe('passed');
    expect(steps[2]).toMatchObject({ status: 'failed', endS: steps[2].startS + 1800 });
    expect(steps[2].message).toContain('timed out after 1800 s');
  });

  it('wait_until polls conditions over KPIs', async () => {
    const result = await run(
      eveningPeak(`
steps:
  - wait_until: { condition: 'kpi.swaps >= 100.0', timeout: 20h, poll: 5m }
  - assert: { condition: 'kpi.swaps >= 100.0' }
`),
    );
    const [wait, check] = result.replications[0].steps;
    expect(wait.status).toBe('passed');
    expect(wait.endS % 300).toBe(0);
    expect(check.status).toBe('passed');
  });

  it('expect_event and expect_no_event look at the ledger within their window', async () => {
    const result = await run(
      eveningPeak(`
steps:
  - advance: { to: '08:00' }
  - intervene: { asset: station_03, action: trigger_outage, args: { duration_seconds: 600 }, at: '08:05' }
  - expect_event: { type: OUTAGE_STARTED, asset: station_03, within: 10m }
  - expect_no_event: { type: OUTAGE_ENDED, asset: station_03, within: 30m }
`),
    );
    const steps = result.replications[0].steps;
    // The window ends at the event it waited for: the next step starts there.
    expect(steps[2]).toMatchObject({ status: 'passed', details: { asset: 'station_03', time: 29_100 }, endS: 29_100 });
    expect(steps[3].startS).toBe(29_100);
    expect(steps[3].status).toBe('failed');
    expect(steps[3].message).toContain('OUTAGE_ENDED happened at 29700 s on station_03');

    const rush = await run(
      eveningPeak(`
steps:
  - advance: { to: '17:00' }
  - expect_event: { type: SWAP_COMPLETED, within: 2h, where: 'event.meta.wait_time_s > 60.0' }
  - expect_no_event: { type: OUTAGE_STARTED, within: 1h }
  - expect_event: { type: SWAP_COMPLETED, within: 10m, where: 'event.meta.wait_time_s > 100000.0' }
`),
    );
    expect(rush.replications[0].steps.map((step) => step.status)).toEqual(['passed', 'passed', 'passed', 'failed']);
    expect(rush.replications[0].steps[1].details?.time).toBeGreaterThan(61_200);
  });
});
