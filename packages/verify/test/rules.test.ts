import { describe, expect, it } from 'vitest';
import { swapPack } from '@doppel/pack-swap';
import { Simulation, loadScenarioFile } from '@doppel/twin';
import { RuleMonitor, TestExpressions, buildReport, toHtmlReport } from '@doppel/verify';
import { eveningPeak, examples, run } from './helpers.js';

describe('rules on every ledger event', () => {
  it('records the first violation with its seq, time, asset, inputs and the ledger that led to it', async () => {
    const result = await run(
      eveningPeak(`
rules:
  - id: short-queues
    category: performance
    kind: station
    condition: self.queue_length <= 2
    message: a station queues more than two riders
  - id: stock-consistent
    category: consistency
    kind: station
    condition: self.inventory.charged <= self.inventory.total
  - id: no-outage
    category: safety
    on: [OUTAGE_STARTED]
    condition: 'false'
`),
    );
    const [queues, stock, outage] = result.replications[0].rules;
    expect(stock).toMatchObject({ status: 'passed', violations: 0 });
    expect(outage).toMatchObject({ status: 'passed', checks: 0 });
    expect(queues.status).toBe('failed');
    expect(queues.violations).toBeGreaterThan(0);
    const violation = queues.first!;
    expect(violation.inputs).toEqual({ 'self.queue_length': 3 });
    expect(violation.message).toBe('a station queues more than two riders (self.queue_length <= 2 is false)');
    expect(violation.datetime).toBe(
      new Date(Date.parse('2026-06-02T00:00:00+02:00') + violation.simTime * 1000).toISOString(),
    );
    // The excerpt ends with the very record that made the queue 3: evaluated as it happened, not on a dump.
    expect(violation.ledger).toHaveLength(20);
    const last = violation.ledger.at(-1)!;
    expect(last).toMatchObject({ seq: violation.seq, assetId: violation.assetId, eventType: 'QUEUE_INCREMENT' });
    expect(last.newValue).toMatchObject({ queue_length: 3 });
    expect(violation.ledger.map((record) => record.seq)).toEqual(
      Array.from({ length: 20 }, (_, index) => violation.seq - 19 + index),
    );
    expect(result.failures.map((failure) => [failure.kind, failure.ref])).toEqual([['rule', 'short-queues']]);

    // Every violation kept carries its own records, ending with the record that broke the rule then.
    const kept = queues.kept!;
    expect(queues.violations).toBeGreaterThan(1);
    expect(kept).toHaveLength(Math.min(queues.violations, 50));
    expect(kept[0]).toEqual(violation);
    for (const v of kept) {
      expect(v.ledger.at(-1)).toMatchObject({ seq: v.seq, assetId: v.assetId });
      expect(v.inputs['self.queue_length']).toBeGreaterThan(2);
    }
    expect(new Set(kept.map((v) => `${v.seq} ${v.assetId}`)).size).toBe(kept.length);

    // The HTML report shows every kept violation with its records, and says how many were only counted.
    const html = toHtmlReport(buildReport([result], 1));
    for (const v of kept) expect(html).toContain(`seq ${v.seq}</dd>`);
    expect(html).toContain(`${kept.length - 1} more violations with their records`);
    if (queues.violations > kept.length)
      expect(html).toContain(
        `(${(queues.violations - kept.length).toLocaleString('en')} later ones counted, not kept)`,
      );
  });

  it('checks a rule over self only on records that change what it reads; over event, on every matching record', async () => {
    const scenario = loadScenarioFile(`${examples}swap/evening-peak-a.yaml`, { packs: [swapPack], durationS: 72_000 });
    const sim = await Simulation.create({ scenario, packs: [swapPack], store: null });
    const expressions = new TestExpressions(swapPack.assetKinds.map((kind) => kind.kind));
    expressions.bind(sim);
    const rule = (id: string, condition: string, extra: Record<string, unknown> = {}) => ({
      input: { id, category: 'consistency' as const, condition, ...extra },
      expression: expressions.compile(condition, 'rule'),
    });
    const monitor = new RuleMonitor(
      [
        rule('queue', 'self.queue_length >= 0', { kind: 'station' }),
        rule('every-station-event', "event.type != ''", { kind: 'station' }),
        rule('swaps', "event.type == 'SWAP_COMPLETED'", { on: ['SWAP_COMPLETED'] }),
      ],
      expressions,
      { startMs: 0 },
    );
    const counts = { queueChanges: 0, stationRecords: 0, swaps: 0 };
    const stations = new Set(sim.assets('station').map((asset) => asset.id));
    sim.observe((record) => {
      if (record.eventType === 'SWAP_COMPLETED') counts.swaps++;
      if (!stations.has(record.assetId)) return;
      counts.stationRecords++;
      if (record.newValue !== null && 'queue_length' in record.newValue) counts.queueChanges++;
    });
    const stop = monitor.attach(sim);
    sim.runToEnd();
    stop();
    const [queue, every, swaps] = monitor.results();
    // Initial check of each station, then only the records that changed queue_length.
    expect(queue.checks).toBe(stations.size + counts.queueChanges);
    expect(every.checks).toBe(counts.stationRecords);
    expect(swaps.checks).toBe(counts.swaps);
    expect(counts.queueChanges).toBeLessThan(counts.stationRecords / 2);
    expect([queue, every, swaps].every((result) => result.status === 'passed')).toBe(true);
  });

  it('counts a condition that cannot be evaluated as a violation, with the reason', async () => {
    const result = await run(
      eveningPeak(`
rules:
  - id: missing-field
    category: safety
    kind: station
    condition: self.no_such_field > 0.0
`),
    );
    const rule = result.replications[0].rules[0];
    expect(rule.status).toBe('failed');
    expect(rule.first?.message).toMatch(/^could not be evaluated/);
    expect(rule.first?.seq).toBe(0);
  });
});
