import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  canonicalJson,
  loadConfigDir,
  loadScenarioFile,
  loadScenarioText,
  resolveScenarioObject,
  ScenarioError,
  sha256Hex,
  TwinErrorCode,
  type ResolvedScenario,
  type TwinError,
} from '../src/index.js';
import { testPacks, type MiniLineConfig, type MiniSwapConfig } from './fixtures/scenarios/test-packs.js';

const fixtures = 'packages/twin/test/fixtures/scenarios';
const packs = testPacks;
const cityPath = `${fixtures}/valid/city.yaml`;
const cityText = readFileSync(cityPath, 'utf8');

function hashOf(scenario: ResolvedScenario): string {
  const { sha256: _sha, source: _source, ...body } = scenario;
  return sha256Hex(canonicalJson(body));
}

describe('single scenario file', () => {
  const city = loadScenarioFile(cityPath, { packs });

  test('resolves generic fields, the pack section, inputs and interventions', () => {
    expect(city).toMatchObject({
      doppel: 1,
      name: 'city-3',
      pack: 'swap',
      description: 'Three stations, one day',
      start: '2026-06-01T00:00:00+02:00',
      timezone: 'Europe/Paris',
      durationS: 86_400,
      seed: 42,
      telemetryIntervalS: 300,
      breakpoints: ["station('s4').queue_length > 5"],
      source: { kind: 'file', path: cityPath },
    });
    const config = city.config as unknown as MiniSwapConfig;
    expect(config.mode).toBe('priority');
    expect(config.stations.map((station) => [station.id, station.bays, station.batteries])).toEqual([
      ['paris-s1', 4, 10],
      ['s2', 6, 10],
      ['s3', 2, 20],
    ]);
    expect(city.inputs.demand).toEqual([
      { station: 's1', hour: 0, rate: 2.5 },
      { station: 's1', hour: 1, rate: 3 },
      { station: 's2', hour: 0, rate: 1.25 },
      // Looks like a number, but the row schema wants text: kept as written.
      { station: '007', hour: 5, rate: 4 },
    ]);
    // Sorted by time: 600 s, 1h30m, and 17:55 Paris time on the start day (start is midnight +02:00).
    expect(city.interventions.map((item) => [item.at, item.assetId, item.action])).toEqual([
      [600, 's3', 'restock_batteries'],
      [5400, 's1', 'restock_batteries'],
      [17 * 3600 + 55 * 60, 's2', 'trigger_outage'],
    ]);
    expect(city.interventions[2].args).toEqual({ duration_seconds: 1200 });
  });

  test('constants keep their type when they are the whole string, and become text inside one', () => {
    const station = (city.config as unknown as MiniSwapConfig).stations[0];
    expect(station.bays).toBe(4);
    expect(station.peak_factor).toBe(2.5);
    expect(station.id).toBe('paris-s1');
    const text = cityText.replace('${CITY}-s1', () => '$${CITY}-s1');
    expect(text).not.toBe(cityText);
    const literal = loadScenarioText(text, { packs, fileName: 'city.yaml', baseDir: `${fixtures}/valid` });
    expect((literal.config as unknown as MiniSwapConfig).stations[0].id).toBe('${CITY}-s1');
  });

  test('is deeply frozen', () => {
    expect(Object.isFrozen(city)).toBe(true);
    expect(Object.isFrozen(city.config)).toBe(true);
    expect(Object.isFrozen((city.config as unknown as MiniSwapConfig).stations[0])).toBe(true);
    expect(Object.isFrozen(city.inputs.demand[0])).toBe(true);
    expect(Object.isFrozen(city.interventions[0].args)).toBe(true);
    expect(() => {
      (city as { seed: number }).seed = 1;
    }).toThrow(TypeError);
  });

  test('sha256 is the hash of the canonical JSON without sha256 and source', () => {
    expect(city.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(city.sha256).toBe(hashOf(city));
  });

  test('sha256 ignores key order, formatting, comments and how a value is spelt', () => {
    const reordered = [
      '# the same city, written differently',
      'seed: 42',
      'swap:',
      '  stations:',
      '    - { bays: 4, id: paris-s1, peak_factor: 2.5 }',
      '    - { id: s2, bays: 6 }',
      '    - { batteries: 20, bays: 2, id: s3 }',
      '  mode: "priority"',
      'duration: 86400',
      'pack: swap',
      'doppel: 1',
      'name: city-3',
      'description: Three stations, one day',
      'start: 2026-06-01T00:00:00+02:00',
      'timezone: Europe/Paris',
      'telemetry:',
      '  interval: 300s',
      'inputs: { demand: data/demand.csv }',
      'interventions:',
      '  - { at: "17h55m", asset: s2, action: trigger_outage, args: { duration_seconds: 1200 } }',
      '  - { at: 600, asset: s3, action: restock_batteries, args: { n: 2 } }',
      '  - { at: 5400, asset: s1, action: restock_batteries, args: { n: 5 } }',
      'breakpoints:',
      "  - station('s4').queue_length > 5",
    ].join('\n');
    const other = loadScenarioText(reordered, { packs, fileName: 'other.yaml', baseDir: `${fixtures}/valid` });
    expect(other.sha256).toBe(city.sha256);
    expect(other.source).toEqual({ kind: 'inline' });
  });

  test('sha256 changes when any value changes', () => {
    const variants = [
      cityText.replace('seed: 42', 'seed: 43'),
      cityText.replace('bays: 6', 'bays: 7'),
      cityText.replace('duration: 24h', 'duration: 25h'),
      cityText.replace('17:55', '17:56'),
      cityText.replace('description: Three stations, one day', 'description: Three stations'),
    ];
    for (const variant of variants) expect(variant).not.toBe(cityText);
    const hashes = variants.map(
      (text) => loadScenarioText(text, { packs, fileName: 'city.yaml', baseDir: `${fixtures}/valid` }).sha256,
    );
    expect(new Set([...hashes, city.sha256]).size).toBe(variants.length + 1);
  });

  test('the caller may supply the seed and duration, overriding the file', () => {
    const text = cityText.replace('seed: 42\n', '');
    expect(() => loadScenarioText(text, { packs, fileName: 'city.yaml', baseDir: `${fixtures}/valid` })).toThrow(
      ScenarioError,
    );
    const seeded = loadScenarioText(text, { packs, fileName: 'city.yaml', baseDir: `${fixtures}/valid`, seed: 42 });
    expect(seeded.sha256).toBe(city.sha256);
    const longer = loadScenarioFile(cityPath, { packs, seed: 7, durationS: 2 * 86_400 });
    expect([longer.seed, longer.durationS]).toEqual([7, 172_800]);
  });

  test("a caller's bad seed or duration is an argument error", () => {
    for (const options of [{ seed: -1 }, { seed: 1.5 }, { durationS: 0 }, { durationS: Number.NaN }]) {
      try {
        loadScenarioFile(cityPath, { packs, ...options });
        throw new Error('expected an error');
      } catch (error) {
        expect((error as TwinError).code).toBe(TwinErrorCode.InvalidArguments);
      }
    }
  });

  test('defaults for optional fields; the name defaults to the file name', () => {
    const minimal = loadScenarioText(
      'doppel: 1\npack: swap\nduration: 90m\nseed: 1\nswap: { stations: [{ id: a, bays: 1 }] }\n',
      {
        packs,
        fileName: 'scenarios/minimal.yaml',
      },
    );
    expect(minimal).toMatchObject({
      name: 'minimal',
      description: '',
      start: '2026-01-01T00:00:00Z',
      timezone: 'UTC',
      durationS: 5400,
      telemetryIntervalS: 300,
      inputs: {},
      interventions: [],
      breakpoints: [],
    });
  });

  test('debug_mode: true is chunks of 15 minutes, { chunk } another size, absent or false is off', () => {
    const load = (extra: string) =>
      loadScenarioText(
        `doppel: 1\npack: swap\nduration: 2h\nseed: 1\nswap: { stations: [{ id: a, bays: 1 }] }\n${extra}`,
        {
          packs,
          fileName: 'debug.yaml',
        },
      );
    expect(load('debug_mode: true\n').debugChunkS).toBe(900);
    expect(load('debug_mode: { chunk: 5m }\n').debugChunkS).toBe(300);
    expect(load('debug_mode: {}\n').debugChunkS).toBe(900);
    const off = load('debug_mode: false\n');
    expect('debugChunkS' in off).toBe(false);
    expect(off.sha256).toBe(load('').sha256);
    for (const bad of ['debug_mode: { chunk: soon }\n', 'debug_mode: { chunk: 0s }\n', 'debug_mode: yes please\n']) {
      expect(() => load(bad), bad).toThrow(ScenarioError);
    }
    try {
      load('debug_mode: { chunk: soon }\n');
    } catch (error) {
      expect((error as ScenarioError).issues[0]).toMatchObject({ path: 'debug_mode.chunk', line: 6 });
    }
  });

  test('JSON text with inline input rows (API bodies)', () => {
    const body = JSON.stringify({
      doppel: 1,
      pack: 'swap',
      duration: '1h',
      seed: 5,
      inputs: { demand: [{ station: 'a', hour: 3, rate: 1 }] },
      swap: { stations: [{ id: 'a', bays: 2 }] },
    });
    const scenario = loadScenarioText(body, { packs, fileName: 'request body' });
    expect(scenario.inputs.demand).toEqual([{ station: 'a', hour: 3, rate: 1 }]);
    expect(scenario.name).toBe('request body');
    const invalid = body.replace('"hour":3', '"hour":"three"');
    try {
      loadScenarioText(invalid, { packs, fileName: 'request body' });
      throw new Error('expected an error');
    } catch (error) {
      expect((error as ScenarioError).issues[0]).toMatchObject({
        file: 'request body',
        line: 1,
        path: 'inputs.demand[0].hour',
      });
    }
  });

  test('YAML anchors and merge keys; errors in merged values point at where they are written', () => {
    const text = [
      'doppel: 1',
      'pack: swap',
      'duration: 1h',
      'seed: 1',
      'swap:',
      '  stations:',
      '    - &base { id: s1, bays: 4, batteries: 12 }',
      '    - { <<: *base, id: s2 }',
      '    - { <<: *base, id: s3, bays: 6 }',
    ].join('\n');
    const scenario = loadScenarioText(text, { packs, fileName: 'anchors.yaml' });
    expect((scenario.config as unknown as MiniSwapConfig).stations).toEqual([
      { id: 's1', bays: 4, batteries: 12 },
      { id: 's2', bays: 4, batteries: 12 },
      { id: 's3', bays: 6, batteries: 12 },
    ]);
    const broken = text.replace('batteries: 12', 'batteries: lots').replace('bays: 6', 'bays: six');
    try {
      loadScenarioText(broken, { packs, fileName: 'anchors.yaml' });
      throw new Error('expected an error');
    } catch (error) {
      const issues = (error as ScenarioError).issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}`);
      // The merged "lots" is one problem, reported where it is written (line 7), under the first path reaching it.
      expect(issues).toEqual(['7:43 swap.stations[0].batteries', '9:34 swap.stations[2].bays']);
    }
  });

  test('already-parsed objects resolve the same as text', () => {
    const object = {
      doppel: 1,
      pack: 'swap',
      duration: 3600,
      seed: 5,
      swap: { stations: [{ id: 'a', bays: 2 }] },
    };
    const fromObject = resolveScenarioObject(object, { packs, fileName: 'object' });
    const fromText = loadScenarioText(JSON.stringify(object), { packs, fileName: 'object' });
    expect(fromObject.sha256).toBe(fromText.sha256);
    expect(() => resolveScenarioObject({ ...object, seed: 'x' }, { packs, fileName: 'object' })).toThrow(ScenarioError);
  });

  test('a CSV path without a base directory asks for inline rows', () => {
    const text =
      'doppel: 1\npack: swap\nduration: 1h\nseed: 1\ninputs: { demand: d.csv }\nswap: { stations: [{ id: a, bays: 1 }] }\n';
    try {
      loadScenarioText(text, { packs, fileName: 'body' });
      throw new Error('expected an error');
    } catch (error) {
      expect((error as ScenarioError).issues[0]).toMatchObject({
        code: 'input_missing',
        line: 5,
        path: 'inputs.demand',
      });
    }
  });
});

describe('config directory', () => {
  const dir = `${fixtures}/config-valid`;
  const baseline = loadConfigDir(dir, 'baseline_8hr', { packs });
  const faster = loadConfigDir(dir, 'faster_packer', { packs });

  test('resolves references recursively, naming inlined documents after their files', () => {
    const config = baseline.config as unknown as MiniLineConfig;
    expect(config.scenario.name).toBe('baseline');
    expect(config.scenario.topology).toEqual({
      name: 'cosmetics_line',
      stations: ['filler', 'packer'],
      source: { name: 'infinite_raw', kind: 'infinite' },
    });
    expect(config.scenario.equipment.map((item) => item.name)).toEqual(['filler', 'packer']);
    expect(config.scenario.equipment[0].behavior?.phases).toHaveLength(6);
    expect(config.product).toEqual({
      name: 'fresh_toothpaste_5oz',
      size_oz: 5,
      material_cost: 1.2,
      selling_price: 4.5,
    });
    expect(baseline.source).toEqual({ kind: 'config-dir', path: dir, run: 'baseline_8hr' });
  });

  test('run fields, defaults.yaml run defaults and seed 002 aliases', () => {
    expect(baseline).toMatchObject({
      name: 'baseline_8hr',
      pack: 'line',
      description: 'Baseline, one shift',
      start: '2026-03-02T06:00:00Z',
      timezone: 'UTC',
      durationS: 8 * 3600,
      seed: 42,
    });
    expect(faster).toMatchObject({ name: 'faster-packer', seed: 7, durationS: 8 * 3600 });
    // 07:00 UTC is one hour after the 06:00 start.
    expect(faster.interventions).toEqual([
      { at: 3600, assetId: 'packer', action: 'force_breakdown', args: { duration_s: 600 } },
      // An argument named after a folder is not a reference.
      { at: 7200, assetId: 'filler', action: 'switch_product', args: { product: 'fresh_toothpaste_5oz' } },
    ]);
  });

  test('precedence: folder defaults < extends parent < document < overrides', () => {
    const [filler, packer] = (faster.config as unknown as MiniLineConfig).scenario.equipment;
    // defaults.yaml gives mtbf 600 / mttr 15; filler.yaml sets mtbf 900; packer extends filler.
    expect(filler.reliability).toEqual({ mtbf_min: 900, mttr_min: 15 });
    expect(packer.reliability).toEqual({ mtbf_min: 900, mttr_min: 15 });
    expect(packer.quality).toEqual({ defect_rate: 0.01 });
    // packer.yaml overrides the inherited uph (1200 from ${BASE_UPH}), the faster_packer scenario overrides it again.
    expect((baseline.config as unknown as MiniLineConfig).scenario.equipment[1].uph).toBe(1000);
    expect(packer.uph).toBe(1400);
    expect(filler.uph).toBe(1200);
    // The child scenario's own field wins over the parent's; overrides do not leak into the result.
    expect((faster.config as unknown as MiniLineConfig).scenario.description).toBe('What if the packer ran faster?');
    expect(JSON.stringify(faster.config)).not.toContain('overrides');
    expect(JSON.stringify(faster.config)).not.toContain('extends');
  });

  test('the pack section is the rest of the run; CSV inputs are relative to the directory', () => {
    const day = loadConfigDir(`${fixtures}/config-swap`, 'day', { packs });
    expect(day.config).toEqual({ stations: [{ id: 's1', bays: 2, batteries: 10 }], mode: 'fifo' });
    expect(day.inputs).toEqual({ demand: [{ station: 's1', hour: 8, rate: 4.5 }] });
  });

  test('is frozen and hashed like a single file', () => {
    expect(Object.isFrozen((baseline.config as unknown as MiniLineConfig).scenario.equipment[0])).toBe(true);
    expect(baseline.sha256).toBe(hashOf(baseline));
    expect(loadConfigDir(dir, 'baseline_8hr', { packs }).sha256).toBe(baseline.sha256);
    expect(loadConfigDir(dir, 'baseline_8hr', { packs, seed: 1 }).sha256).not.toBe(baseline.sha256);
  });
});
