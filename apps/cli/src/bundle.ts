import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { stringify, parse } from 'yaml';
import { canonicalJson, resolvedScenarioFromSnapshot, type ResolvedScenario } from '@doppel/twin';
import { VERSION } from './version.js';
import { UserError } from './user-error.js';

/** Files of a scenario bundle (seed 002 "Scenario Bundle Structure"). */
export const BUNDLE_FILES = {
  snapshot: 'config_snapshot.yaml',
  metadata: 'metadata.json',
  runner: 'run.sh',
  output: 'output',
} as const;

export interface BundleMetadata {
  readonly run: string;
  readonly scenario: string;
  readonly pack: string;
  readonly scenario_sha256: string;
  readonly seed: number;
  readonly tool: 'doppel';
  readonly tool_version: string;
  /** The config directory's git commit, when it lives in a git checkout. */
  readonly git_commit: string | null;
  readonly git_dirty: boolean | null;
  readonly config_dir: string | null;
  readonly created_at: string;
}

function gitState(dir: string): { commit: string | null; dirty: boolean | null } {
  try {
    const commit = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    const status = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--', '.'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

/** `<run>_<YYYYMMDD_HHMMSS>` in UTC, as the seed's bundles are named. */
export function bundleName(run: string, at: Date): string {
  const iso = at.toISOString();
  return `${run}_${iso.slice(0, 10).replace(/-/g, '')}_${iso.slice(11, 19).replace(/:/g, '')}`;
}

export function bundleMetadata(
  scenario: ResolvedScenario,
  run: string,
  configDir: string | null,
  at: Date,
): BundleMetadata {
  const git = configDir === null ? { commit: null, dirty: null } : gitState(configDir);
  return {
    run,
    scenario: scenario.name,
    pack: scenario.pack,
    scenario_sha256: scenario.sha256,
    seed: scenario.seed,
    tool: 'doppel',
    tool_version: VERSION,
    git_commit: git.commit,
    git_dirty: git.dirty,
    config_dir: configDir,
    created_at: at.toISOString(),
  };
}

export function writeBundle(dir: string, scenario: ResolvedScenario, metadata: BundleMetadata): void {
  if (existsSync(dir)) throw new UserError(`bundle directory ${dir} already exists`);
  mkdirSync(dir, { recursive: true });
  const snapshot = JSON.parse(canonicalJson(scenario)) as unknown;
  writeFileSync(
    join(dir, BUNDLE_FILES.snapshot),
    `# Frozen, resolved scenario: do not edit (its sha256 is checked). Re-run with ./run.sh\n${stringify(snapshot)}`,
  );
  writeFileSync(join(dir, BUNDLE_FILES.metadata), JSON.stringify(metadata, null, 2) + '\n');
  const runner = join(dir, BUNDLE_FILES.runner);
  writeFileSync(
    runner,
    '#!/bin/sh\n# Runs this bundle from its frozen snapshot; outputs go to ./output\nexec npx doppel simulate --scenario "$(dirname "$0")" "$@"\n',
  );
  chmodSync(runner, 0o755);
}

/** Reads a bundle's frozen scenario and checks that it still matches its hash. */
export function readBundle(dir: string): { scenario: ResolvedScenario; metadata: BundleMetadata | null } {
  const snapshotPath = join(dir, BUNDLE_FILES.snapshot);
  if (!existsSync(snapshotPath)) {
    throw new UserError(
      `--scenario: ${dir} is not a scenario bundle (no ${BUNDLE_FILES.snapshot}); create one with doppel configure --run NAME`,
    );
  }
  let parsed: unknown;
  try {
    parsed = parse(readFileSync(snapshotPath, 'utf8'));
  } catch (error) {
    throw new UserError(`${snapshotPath}: not valid YAML (${(error as Error).message})`);
  }
  const scenario = resolvedScenarioFromSnapshot(parsed, snapshotPath);
  const metadataPath = join(dir, BUNDLE_FILES.metadata);
  const metadata = existsSync(metadataPath) ? (JSON.parse(readFileSync(metadataPath, 'utf8')) as BundleMetadata) : null;
  return { scenario, metadata };
}
