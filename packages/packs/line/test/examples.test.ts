import { fileURLToPath } from 'node:url';
import { listRuns, loadConfigDir, MemoryLedgerStore, Simulation } from '@doppel/twin';
import { describe, expect, it } from 'vitest';
import { EVENTS_COLUMNS, LINE_KPIS, type LineModel } from '../src/index.js';
import { packs } from './helpers.js';

const CONFIG = fileURLToPath(new URL('../../../../examples/line/config', import.meta.url));

/**
 * Ledger head hashes of the shipped example runs. A change that alters one must update it deliberately and say why
 * in its commit message.
 */
const GOLDEN: Record<string, string> = {
  baseline_8hr: 'e7dd8d78ca8c9173e2903831a3b6ad3083923ef9b71040de3e2c60cdffb9d554',
  dag_8hr: 'a2dd1a50ac14217607ebe3d1f3e8697cfc7ea2f3e19ec72b1bf44b979bc90404',
  disruption_8hr: 'a982cbf92da00a538807ee8b282eb8bd871716c0bb60554dc44b59938756927a',
  fast_packer_8hr: 'c0a1eec6ef721a714bbd8881c61f30677170972e7a43bd30661bc9e09706eb7c',
};

const SEED_TELEMETRY = [
  'time',
  'datetime',
  'sku_name',
  'sku_description',
  'size_oz',
  'units_per_case',
  'cases_per_pallet',
  'tubes_produced',
  'cases_produced',
  'pallets_produced',
  'good_pallets',
  'defective_pallets',
  'defects_created',
  'defects_detected',
  'material_cost',
  'conversion_cost',
  'revenue',
  'gross_margin',
];

interface PackSummary {
  production: Record<string, number | string>;
  oee: {
    line: Record<string, number>;
    machines: Record<string, Record<string, number> & { time_in_state: Record<string, number> }>;
  };
  economics: Record<string, number>;
}

async function runExample(run: string): Promise<{ sim: Simulation; summary: PackSummary; model: LineModel }> {
  const scenario = loadConfigDir(CONFIG, run, { packs });
  const sim = await Simulation.create({ scenario, packs, store: new MemoryLedgerStore() });
  sim.runToEnd();
  await sim.flush();
  const summary = sim.summary().pack_summary as unknown as PackSummary;
  const model = (sim as unknown as { run: { model: LineModel } }).run.model;
  return { sim, summary, model };
}

describe('example config directory (seed 002)', () => {
  it('holds the seed runs', () => {
    expect(listRuns(CONFIG)).toEqual(['baseline_8hr', 'dag_8hr', 'disruption_8hr', 'fast_packer_8hr']);
  });

  for (const name of Object.keys(GOLDEN)) {
    it(`${name}: golden ledger head, seed tables, OEE = A × P × Q, economics`, async () => {
      const { sim, summary, model } = await runExample(name);
      const head = sim.head();
      expect(head.seq).toBeLessThan(200_000);

      const rows = sim.telemetry();
      expect(rows).toHaveLength(96);
      expect(Object.keys(rows[0] ?? {})).toEqual(expect.arrayContaining(SEED_TELEMETRY));
      expect(rows[0]?.filler_state).toBeTypeOf('string');
      expect(rows[0]?.filler_to_inspector_level).toBeTypeOf('number');
      const total = (kpi: string): number => rows.reduce((sum, row) => sum + (row[kpi] as number), 0);
      for (const kpi of LINE_KPIS) expect(total(kpi.name)).toBeCloseTo(sim.kpis()[kpi.name] as number, 6);

      const [events] = model.outputTables();
      expect(events?.fileName).toBe('events.csv');
      expect(events?.columns).toEqual(EVENTS_COLUMNS);
      expect(events?.rows[0]?.[0]).toMatch(/^2026-03-02T06:00:00\.000Z$/);
      // One row per machine state change, as in the ledger.
      const ledger = await (sim.store as MemoryLedgerStore).query({ simId: sim.id, limit: 1_000_000 });
      const machineIds = new Set(sim.assets('machine').map((asset) => asset.id));
      const changes = ledger.filter(
        (record) => machineIds.has(record.assetId) && record.oldValue !== null && 'state' in record.oldValue,
      );
      expect(events?.rows).toHaveLength(changes.length);
      expect(events?.rows.map((row) => [row[2], row[3], row[4]])).toEqual(
        changes.map((record) => [record.assetId, record.newValue?.state, record.eventType]),
      );

      const p = summary.production;
      expect(p.units_released).toBe(
        (p.units_finished as number) + (p.units_scrapped as number) + (p.units_in_process as number),
      );
      for (const oee of [summary.oee.line, ...Object.values(summary.oee.machines)]) {
        expect(oee.oee).toBeCloseTo(
          (oee.availability as number) * (oee.performance as number) * (oee.quality as number),
          12,
        );
      }
      for (const machine of Object.values(summary.oee.machines)) {
        expect(Object.values(machine.time_in_state).reduce((a, b) => a + b, 0)).toBeCloseTo(8 * 3600, 6);
      }
      const e = summary.economics;
      expect(e.gross_margin).toBeCloseTo(
        (e.revenue as number) - (e.material_cost as number) - (e.conversion_cost as number),
        6,
      );
      if (name !== 'disruption_8hr') {
        const pallets = (p.good_pallets as number) + (p.defective_pallets as number);
        expect(e.material_cost).toBeCloseTo(pallets * 612, 6);
        expect(e.revenue).toBeCloseTo((p.good_pallets as number) * 1512, 6);
        // 4 machines × 8 h × (25 + 10) per hour + 5 per hour of EXECUTE.
        const execute = Object.values(summary.oee.machines).reduce(
          (s, m) => s + (m.time_in_state.EXECUTE as number),
          0,
        );
        expect(e.conversion_cost).toBeCloseTo(4 * 8 * 35 + (execute / 3600) * 5, 6);
      }
      expect({ run: name, hash: head.hash }).toEqual({ run: name, hash: GOLDEN[name] });
    });
  }

  it('is deterministic: the same run twice gives the same ledger', async () => {
    const a = await runExample('baseline_8hr');
    const b = await runExample('baseline_8hr');
    expect(a.sim.head()).toEqual(b.sim.head());
  });

  it('the graph variant routes exactly like the linear line, and the faster packer raises output', async () => {
    const base = await runExample('baseline_8hr');
    const dag = await runExample('dag_8hr');
    const fast = await runExample('fast_packer_8hr');
    expect(dag.summary.production).toEqual(base.summary.production);
    expect(fast.summary.production.units_finished as number).toBeGreaterThan(
      base.summary.production.units_finished as number,
    );
    expect(base.summary.production.bottleneck).toBe('packer');
    expect(fast.summary.production.bottleneck).toBe('filler');
  });
});
