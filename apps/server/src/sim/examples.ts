import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { listRuns, loadConfigDir, loadScenarioFile, type AnyPack, type ResolvedScenario } from '@doppel/twin';
import type { ExampleTest } from '@doppel/twin/contracts';
import { parse, stringify } from 'yaml';

/** A stored example scenario a simulation can be created from by name. */
export interface ExampleInfo {
  /** `city-100` for a scenario file, `line-baseline_8hr` (pack, dash, run) for a run of a config directory. */
  readonly id: string;
  readonly title: string;
  readonly pack: string;
  readonly description: string;
  readonly format: 'file' | 'config-dir';
}

interface ExampleSource extends ExampleInfo {
  readonly path: string;
  readonly run?: string;
}

/** The examples folder (examples/<pack>/*.yaml and examples/<pack>/config runs), read once. */
export class ExampleCatalog {
  private readonly sources = new Map<string, ExampleSource>();
  private readonly exampleTests: ExampleTest[] = [];

  constructor(private readonly dir: string) {
    if (!existsSync(dir)) return;
    for (const pack of readdirSync(dir).sort()) {
      const packDir = join(dir, pack);
      if (!statSync(packDir).isDirectory()) continue;
      for (const file of readdirSync(packDir).sort()) {
        const path = join(packDir, file);
        if (/\.test\.ya?ml$/.test(file)) this.addTest(pack, path);
        else if (/\.ya?ml$/.test(file)) this.addFile(pack, path);
        else if (file === 'config' && statSync(path).isDirectory()) this.addConfigDir(pack, path);
      }
    }
  }

  list(): ExampleInfo[] {
    return [...this.sources.values()].map(({ id, title, pack, description, format }) => ({
      id,
      title,
      pack,
      description,
      format,
    }));
  }

  /** The scenario tests beside the examples (`<pack>/*.test.yaml`), ready for the Tests API. */
  tests(): readonly ExampleTest[] {
    return this.exampleTests;
  }

  has(id: string): boolean {
    return this.sources.has(id);
  }

  /**
   * The YAML text of an example: a scenario file as written, a config-directory run resolved and written as the
   * one scenario file it amounts to (so the editor can open every example the list offers).
   */
  text(id: string, packs: readonly AnyPack[]): string | null {
    const source = this.sources.get(id);
    if (source === undefined) return null;
    if (source.format === 'file') return readFileSync(source.path, 'utf8');
    return scenarioFileText(this.load(id, packs) as ResolvedScenario, source.description);
  }

  load(id: string, packs: readonly AnyPack[], seed?: number): ResolvedScenario | null {
    const source = this.sources.get(id);
    if (source === undefined) return null;
    if (source.format === 'config-dir') return loadConfigDir(source.path, source.run as string, { packs, seed });
    return loadScenarioFile(source.path, { packs, seed });
  }

  private addFile(pack: string, path: string): void {
    let doc: Record<string, unknown> = {};
    try {
      const parsed: unknown = parse(readFileSync(path, 'utf8'));
      if (parsed !== null && typeof parsed === 'object') doc = parsed as Record<string, unknown>;
    } catch {
      return;
    }
    // Only whole scenarios are examples; fragments (extends targets) need a base to run.
    if (doc.doppel === undefined || typeof doc.pack !== 'string') return;
    const id = basename(path).replace(/\.ya?ml$/, '');
    this.sources.set(id, {
      id,
      title: typeof doc.name === 'string' ? doc.name : id,
      pack: doc.pack,
      description: typeof doc.description === 'string' ? doc.description : '',
      format: 'file',
      path,
    });
  }

  /**
   * A test file of an examples folder, its files rewritten relative to examples/tests: the Tests API reads a
   * stored test's files from there, and the test as shipped names them relative to itself.
   */
  private addTest(folder: string, path: string): void {
    let doc: Record<string, unknown>;
    try {
      const parsed: unknown = parse(readFileSync(path, 'utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return;
      doc = parsed as Record<string, unknown>;
    } catch {
      return;
    }
    const fromTests = (file: unknown): unknown =>
      typeof file === 'string'
        ? relative(join(this.dir, 'tests'), join(dirname(path), file))
            .split(sep)
            .join('/')
        : file;
    const withFiles = (section: unknown, keys: readonly string[]): unknown => {
      if (section === null || typeof section !== 'object' || Array.isArray(section)) return section;
      const out: Record<string, unknown> = { ...(section as Record<string, unknown>) };
      for (const key of keys) if (key in out) out[key] = fromTests(out[key]);
      return out;
    };
    const rewritten = {
      ...doc,
      scenario: withFiles(doc.scenario, ['file', 'config']),
      ...(doc.baseline !== undefined ? { baseline: withFiles(doc.baseline, ['file']) } : {}),
    };
    const name = basename(path).replace(/\.test\.ya?ml$/, '');
    this.exampleTests.push({
      id: `${folder}-${name}`,
      folder,
      name: typeof doc.name === 'string' ? doc.name : name,
      description: typeof doc.description === 'string' ? doc.description : '',
      yaml: stringify(rewritten, { aliasDuplicateObjects: false }),
    });
  }

  private addConfigDir(pack: string, path: string): void {
    let runs: string[] = [];
    try {
      runs = listRuns(path);
    } catch {
      return;
    }
    for (const run of runs) {
      const id = `${pack}-${run}`;
      this.sources.set(id, {
        id,
        title: `${pack}: ${run}`,
        pack,
        description: `Run ${run} of ${pack}'s example configuration directory`,
        format: 'config-dir',
        path,
        run,
      });
    }
  }
}

/**
 * A resolved scenario as one scenario file that resolves to it again (same SHA-256): every reference, default and
 * constant already applied, input tables inline.
 */
export function scenarioFileText(scenario: ResolvedScenario, comment: string): string {
  const doc: Record<string, unknown> = {
    doppel: 1,
    name: scenario.name,
    description: scenario.description,
    pack: scenario.pack,
    start: scenario.start,
    timezone: scenario.timezone,
    duration: scenario.durationS,
    seed: scenario.seed,
    telemetry: { interval: scenario.telemetryIntervalS },
    [scenario.pack]: scenario.config,
  };
  if (Object.keys(scenario.inputs).length > 0) doc.inputs = scenario.inputs;
  if (scenario.interventions.length > 0) {
    doc.interventions = scenario.interventions.map((i) => ({
      at: i.at,
      asset: i.assetId,
      action: i.action,
      ...(Object.keys(i.args).length > 0 ? { args: i.args } : {}),
    }));
  }
  if (scenario.breakpoints.length > 0) doc.breakpoints = scenario.breakpoints;
  return `# ${comment}, written as one scenario file.\n${stringify(doc, { lineWidth: 0 })}`;
}
