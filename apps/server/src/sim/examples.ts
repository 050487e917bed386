import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listRuns, loadConfigDir, loadScenarioFile, type AnyPack, type ResolvedScenario } from '@doppel/twin';
import { parse } from 'yaml';

/** A stored example scenario a simulation can be created from by name. */
export interface ExampleInfo {
  /** `city-100` for a scenario file, `line/baseline_8hr` for a run of a config directory. */
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

  constructor(dir: string) {
    if (!existsSync(dir)) return;
    for (const pack of readdirSync(dir).sort()) {
      const packDir = join(dir, pack);
      if (!statSync(packDir).isDirectory()) continue;
      for (const file of readdirSync(packDir).sort()) {
        const path = join(packDir, file);
        if (/\.ya?ml$/.test(file)) this.addFile(pack, path);
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

  has(id: string): boolean {
    return this.sources.has(id);
  }

  /** The YAML text of a scenario-file example (config-directory runs have no single text). */
  text(id: string): string | null {
    const source = this.sources.get(id);
    return source === undefined || source.format !== 'file' ? null : readFileSync(source.path, 'utf8');
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
