import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, parquetSchema } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

function doppel(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['apps/cli/bin/doppel.js', ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Reads a Parquet file with hyparquet, a reader independent of the DuckDB that wrote it. */
async function readParquet(path: string): Promise<{ rows: Record<string, unknown>[]; columns: string[] }> {
  const file = await asyncBufferFromFile(path);
  const metadata = await parquetMetadataAsync(file);
  const columns = parquetSchema(metadata).children.map((child) => child.element.name);
  return { rows: await parquetReadObjects({ file }), columns };
}

interface Manifest {
  name: string;
  pack: string;
  seed: number;
  factors: string[];
  files: { episodes: { file: string; rows: number }; steps: { file: string; rows: number } };
  schema: {
    episodes: { name: string; type: string; role: string }[];
    steps: { name: string; type: string; role: string }[];
  };
  episodes: { episode: number; seed: number; scenario_sha256: string; settings: Record<string, unknown> }[];
}

describe('doppel dataset generate', () => {
  let dir: string;
  beforeAll(() => {
    execFileSync('npx', ['tsc', '-b', 'apps/cli'], { stdio: 'pipe' });
    dir = mkdtempSync(join(tmpdir(), 'doppel-dataset-'));
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the example spec: labelled episodes and steps as Parquet, read back by another reader', async () => {
    const out = join(dir, 'ccrs');
    const run = doppel('dataset', 'generate', 'examples/fleet/dataset.yaml', '--out', out, '--workers', '2');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`wrote ${resolve(out)}/`);
    expect(readdirSync(out).sort()).toEqual(['episodes.parquet', 'manifest.json', 'steps.parquet']);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest).toMatchObject({ name: 'ccrs-collision-warning', pack: 'fleet', seed: 7 });

    const episodes = await readParquet(join(out, 'episodes.parquet'));
    const steps = await readParquet(join(out, 'steps.parquet'));
    // 3 speeds × 2 road surfaces × AEB on/off, 2 episodes each.
    expect(episodes.rows).toHaveLength(24);
    expect(manifest.files.episodes.rows).toBe(24);
    expect(steps.rows).toHaveLength(manifest.files.steps.rows);
    expect(episodes.columns).toEqual(manifest.schema.episodes.map((c) => c.name));
    expect(steps.columns).toEqual(manifest.schema.steps.map((c) => c.name));
    for (const label of ['ttc_s', 'collision_ahead', 'braking', 'brake_cmd']) {
      expect(manifest.schema.steps.find((c) => c.name === label)?.role).toBe('label');
    }

    // Each episode row matches the manifest's listing: seed, scenario hash and factor values.
    episodes.rows.forEach((row, i) => {
      const listed = manifest.episodes[i]!;
      expect(Number(row.episode)).toBe(i);
      expect(Number(row.seed)).toBe(listed.seed);
      expect(row.scenario_sha256).toBe(listed.scenario_sha256);
      expect(row['fleet.test.params.initial_speed']).toBe(listed.settings['fleet.test.params.initial_speed']);
      const stepsOf = steps.rows.filter((s) => Number(s.episode) === i);
      expect(Number(row.steps)).toBe(stepsOf.length);
      // Labels agree with the outcome: a collision ahead appears exactly in the episodes that collide.
      expect(stepsOf.some((s) => s.collision_ahead === true)).toBe(row.collision === true);
    });
    // Without AEB every episode collides; with it, none at these speeds on a dry road, and it braked.
    const aebOff = episodes.rows.filter((r) => r['fleet.entities.ego.behaviour.aeb.enabled'] === false);
    expect(aebOff.every((r) => r.collision === true)).toBe(true);
    const dryWithAeb = episodes.rows.filter(
      (r) => r['fleet.entities.ego.behaviour.aeb.enabled'] === true && r['fleet.environment.weather'] === 'dry',
    );
    expect(dryWithAeb.every((r) => r.collision === false && r.verdict === 'pass')).toBe(true);
    for (const r of dryWithAeb) {
      expect(steps.rows.some((s) => s.episode === r.episode && s.braking === true)).toBe(true);
    }
    // Seeds vary within a point; the same replication shares its seed across points (common random numbers).
    expect(new Set(manifest.episodes.map((e) => e.seed)).size).toBe(2);
    expect(new Set(manifest.episodes.map((e) => e.scenario_sha256)).size).toBe(12);

    // The same spec gives the same files, whatever the number of threads.
    const again = join(dir, 'ccrs-again');
    expect(doppel('dataset', 'generate', 'examples/fleet/dataset.yaml', '--out', again, '--workers', '1').status).toBe(
      0,
    );
    expect((await readParquet(join(again, 'steps.parquet'))).rows).toEqual(steps.rows);
    expect(readFileSync(join(again, 'manifest.json'), 'utf8')).toBe(readFileSync(join(out, 'manifest.json'), 'utf8'));
  }, 300_000);

  test('a bad spec is refused with its place, exit 2, and nothing written', () => {
    const write = (name: string, text: string): string => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    const base = resolve('examples/fleet/emergency-braking.yaml');
    const cases: [string, string, RegExp][] = [
      ['typo.yaml', `scenario: ${base}\nseed: 1\nepisodes_per_pont: 2\n`, /typo\.yaml:3:1.*episodes_per_pont/s],
      ['horizon.yaml', `scenario: ${base}\nseed: 1\nhorizon_s: -1\n`, /horizon\.yaml:3:\d+.*horizon_s.*(greater|>)/is],
      ['missing.yaml', 'scenario: nowhere.yaml\nseed: 1\n', /missing\.yaml:1: scenario: expected a scenario file/],
      [
        'factor.yaml',
        `scenario: ${base}\nseed: 1\nfactors:\n  fleet.test.params.initial_speed: [50, fast]\n`,
        /factor\.yaml: the scenario .* with fleet\.test\.params\.initial_speed=fast does not resolve/s,
      ],
      [
        'range.yaml',
        `scenario: ${base}\nseed: 1\nfactors:\n  fleet.test.params.initial_speed: { min: 10, max: 90 }\n`,
        /range\.yaml:4: factors\.fleet\.test\.params\.initial_speed: a grid needs a list of values/,
      ],
      ['yaml.yaml', 'scenario: [unclosed\n', /yaml\.yaml:\d+/],
    ];
    for (const [name, text, message] of cases) {
      const out = join(dir, `out-${name}`);
      const result = doppel('dataset', 'generate', write(name, text), '--out', out);
      expect(result.status, name).toBe(2);
      expect(result.stderr, name).toMatch(message);
      expect(result.stderr, name).not.toMatch(/\n\s+at /);
      expect(existsSync(out), name).toBe(false);
    }
  }, 120_000);
});
