import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doppel, repoRoot, tempDir } from './cli-helpers.js';

const city10 = join(repoRoot, 'examples/swap/city-10.yaml');
const lineConfig = join(repoRoot, 'examples/line/config');

interface Summary {
  sim_id: string;
  ledger_sha256: string;
  scenario_sha256: string;
  seed: number;
  events: number;
  ledger_events: number;
  status: string;
  kpis: Record<string, number>;
}

function summaryOf(dir: string): Summary {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
}

describe('doppel run', () => {
  it('runs a swap scenario and writes every output', () => {
    const out = tempDir('run');
    const result = doppel(['run', city10, '--out', out, '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const printed = JSON.parse(result.stdout) as Summary;
    expect(printed.status).toBe('finished');
    expect(printed.ledger_events).toBeGreaterThan(1000);
    for (const file of [
      'summary.json',
      'ledger.csv',
      'telemetry.csv',
      'ledger.sqlite',
      'scenario.json',
      'interventions.json',
    ]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    expect(readdirSync(out).filter((name) => name.includes('partial'))).toEqual([]);
    const ledgerLines = readFileSync(join(out, 'ledger.csv'), 'utf8').trimEnd().split('\n');
    expect(ledgerLines[0]).toBe('seq,sim_time,datetime,sim_id,asset_id,event_type,old_value,new_value,meta,origin');
    // Every row names its simulation, so the ledgers of many runs concatenate into one table.
    for (const line of ledgerLines.slice(1)) expect(line.split(',')[3]).toBe(printed.sim_id);
    expect(ledgerLines.length - 1).toBe(printed.ledger_events);
    expect(summaryOf(out)).toEqual(printed);
  });

  it('gives the same ledger hash in two separate processes, and another one for another seed', () => {
    const a = doppel(['run', city10, '--out', tempDir('a'), '--json']);
    const b = doppel(['run', city10, '--out', tempDir('b'), '--json']);
    const c = doppel(['run', city10, '--out', tempDir('c'), '--json', '--seed', '7']);
    const [sa, sb, sc] = [a, b, c].map((result) => JSON.parse(result.stdout) as Summary);
    expect(sa.ledger_sha256).toBe(sb.ledger_sha256);
    expect(sc.seed).toBe(7);
    expect(sc.ledger_sha256).not.toBe(sa.ledger_sha256);
  });

  it('replays a finished run from its record and verifies the stored chain', () => {
    const out = tempDir('replay');
    expect(doppel(['run', city10, '--out', out, '--until', '6h', '--json']).status).toBe(0);
    const replay = doppel(['replay', out, '--verify', '--json']);
    expect(replay.status).toBe(0);
    const report = JSON.parse(replay.stdout) as { match: boolean; stored: { ok: boolean } };
    expect(report.match).toBe(true);
    expect(report.stored.ok).toBe(true);
  });

  it('reports a replay whose record was changed as different, with exit code 1', () => {
    const out = tempDir('tamper');
    expect(doppel(['run', city10, '--out', out, '--until', '2h', '--json']).status).toBe(0);
    const recordPath = join(out, 'interventions.json');
    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as { seed: number };
    writeFileSync(recordPath, JSON.stringify({ ...record, seed: record.seed + 1 }));
    const replay = doppel(['replay', out, '--json']);
    expect(replay.status).toBe(1);
    expect((JSON.parse(replay.stdout) as { match: boolean }).match).toBe(false);
  });

  it('accepts the seed 002 direct form and writes the line pack tables', () => {
    const out = tempDir('line');
    const result = doppel(['--run', 'baseline_8hr', '--config', lineConfig, '--export', '--out', out, '--no-progress']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('baseline_8hr (line) seed');
    const events = readFileSync(join(out, 'events.csv'), 'utf8').split('\n');
    expect(events[0]).toBe('datetime,timestamp,machine,state,event_type,duration');
    const telemetryHeader = readFileSync(join(out, 'telemetry.csv'), 'utf8').split('\n')[0];
    for (const column of ['time', 'datetime', 'sku_name', 'tubes_produced', 'good_pallets', 'gross_margin']) {
      expect(telemetryHeader.split(',')).toContain(column);
    }
  });

  // Five doppel processes in a row: slower than one test's default budget on a loaded machine.
  it('configures a bundle, simulates it, and the bundle output replays identically', () => {
    const work = tempDir('bundle');
    const dry = doppel([
      'configure',
      '--run',
      'baseline_8hr',
      '--config',
      lineConfig,
      '--out',
      join(work, 'b'),
      '--dry-run',
    ]);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('dry run');
    expect(existsSync(join(work, 'b'))).toBe(false);
    expect(
      doppel(['configure', '--run', 'baseline_8hr', '--config', lineConfig, '--out', join(work, 'b')]).status,
    ).toBe(0);
    const [bundle] = readdirSync(join(work, 'b'));
    const dir = join(work, 'b', bundle);
    const metadata = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as Record<string, unknown>;
    expect(metadata).toMatchObject({ run: 'baseline_8hr', pack: 'line', tool: 'doppel', seed: 42 });
    expect(typeof metadata.scenario_sha256).toBe('string');
    const simulate = doppel(['simulate', '--scenario', dir, '--json']);
    expect(simulate.status).toBe(0);
    expect(summaryOf(join(dir, 'output')).scenario_sha256).toBe(metadata.scenario_sha256);
    expect(doppel(['replay', join(dir, 'output'), '--json']).status).toBe(0);
  }, 120_000);

  it('refuses an edited bundle snapshot', () => {
    const work = tempDir('edited');
    expect(doppel(['configure', '--run', 'baseline_8hr', '--config', lineConfig, '--out', work]).status).toBe(0);
    const [bundle] = readdirSync(work);
    const snapshot = join(work, bundle, 'config_snapshot.yaml');
    writeFileSync(snapshot, readFileSync(snapshot, 'utf8').replace('seed: 42', 'seed: 43'));
    const result = doppel(['simulate', '--scenario', join(work, bundle)]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('does not match its sha256');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a scenario in debug mode: its pauses need the server to be acknowledged', () => {
    const dir = tempDir('debug');
    const scenario = join(dir, 'city-10-debug.yaml');
    writeFileSync(scenario, readFileSync(city10, 'utf8').replace(/^seed:/m, 'debug_mode: true\nseed:'));
    const result = doppel(['run', scenario, '--out', join(dir, 'out')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('debug_mode pauses the run after every 15m of sim time');
    expect(result.stderr).toContain('POST /api/v1/simulations/{id}/ack');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [['run', 'missing.yaml'], 'scenario file not found'],
    [['run', city10, '--seed', 'abc'], '--seed: expected an integer'],
    [['run', city10, '--until', 'soon'], '--until: expected a positive duration'],
    [['run'], 'which scenario?'],
    [['simulate', '--scenario', '/tmp'], 'is not a scenario bundle'],
    [['replay', '/tmp'], 'is not a run output directory'],
    [['run', '--nope'], "unknown option '--nope'"],
  ])('exits 2 with a message and no stack trace for %j', (args, message) => {
    const out = tempDir('bad');
    const result = doppel(args, out);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(out)).toEqual([]);
  });
});
