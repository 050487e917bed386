import { mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ExperimentCatalog, ExperimentRow } from '@doppel/catalog';
import { experimentSchema } from '@doppel/twin/contracts';

/** What the previous version wrote per experiment, as `<data>/experiments/<id>.json`. */
const legacyFileSchema = z.object({ accountId: z.string().min(1), view: experimentSchema });

/** A file that could not be imported: the file, where in it, and what was expected there and found instead. */
export interface LegacyExperimentProblem {
  readonly file: string;
  readonly path: string;
  readonly expected: string;
  readonly actual: string;
}

export interface LegacyImport {
  /** Ids of the experiments now in the catalog. */
  readonly imported: readonly string[];
  readonly problems: readonly LegacyExperimentProblem[];
}

/** Where imported files are moved, so a restart never imports them twice. */
export const IMPORTED_FOLDER = 'imported';

/**
 * Moves the experiments the previous version kept as JSON files in `<data>/experiments` into the catalog, once, at
 * start. An imported file is moved to `experiments/imported/`; one that cannot be imported stays where it is, and
 * each of its problems is returned, located (file, field path, expected, actual), to be logged. One that was queued
 * or running when that server stopped is imported failed, as that server would have failed it on its next start.
 */
export async function importLegacyExperiments(
  dataDir: string,
  experiments: ExperimentCatalog,
  accountIds: ReadonlySet<string>,
  now: string,
): Promise<LegacyImport> {
  const dir = join(dataDir, 'experiments');
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch {
    return { imported: [], problems: [] }; // no such folder: nothing was kept there
  }
  const imported: string[] = [];
  const problems: LegacyExperimentProblem[] = [];
  for (const name of files) {
    const file = join(dir, name);
    const found = parseLegacyFile(file, accountIds);
    if ('problems' in found) {
      problems.push(...found.problems);
      continue;
    }
    const { accountId, view } = found.value;
    if ((await experiments.owned(accountId, view.id)) === null) {
      try {
        await experiments.insert(rowOf(accountId, view, now));
      } catch (error) {
        const actual = error instanceof Error ? error.message : String(error);
        problems.push({ file, path: 'view.id', expected: 'an id no other experiment has', actual });
        continue;
      }
    }
    mkdirSync(join(dir, IMPORTED_FOLDER), { recursive: true });
    renameSync(file, join(dir, IMPORTED_FOLDER, name));
    imported.push(view.id);
  }
  return { imported, problems };
}

type LegacyFile = z.infer<typeof legacyFileSchema>;

function parseLegacyFile(
  file: string,
  accountIds: ReadonlySet<string>,
): { value: LegacyFile } | { problems: LegacyExperimentProblem[] } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const actual = error instanceof Error ? error.message : String(error);
    return { problems: [{ file, path: '(file)', expected: 'a JSON document', actual }] };
  }
  const parsed = legacyFileSchema.safeParse(json);
  if (!parsed.success) {
    return {
      problems: parsed.error.issues.map((issue) => ({
        file,
        path: issue.path.join('.') || '(root)',
        expected: issue.message,
        actual: describe(valueAt(json, issue.path)),
      })),
    };
  }
  if (!accountIds.has(parsed.data.accountId)) {
    return {
      problems: [{ file, path: 'accountId', expected: 'an account of this server', actual: parsed.data.accountId }],
    };
  }
  return { value: parsed.data };
}

function rowOf(accountId: string, view: LegacyFile['view'], now: string): ExperimentRow {
  const interrupted = view.status === 'queued' || view.status === 'running';
  return {
    id: view.id,
    account_id: accountId,
    name: view.name,
    status: interrupted ? 'failed' : view.status,
    yaml: view.yaml,
    factors_json: JSON.stringify(view.factors),
    outputs_json: JSON.stringify(view.outputs),
    confidence: view.confidence,
    done: view.progress.done,
    total: view.progress.total,
    cached: view.progress.cached,
    error: interrupted ? 'The server stopped before the experiment finished: run it again' : view.error,
    results_json: view.results === null ? null : JSON.stringify(view.results),
    created_at: view.createdAt,
    started_at: view.startedAt,
    finished_at: interrupted ? now : view.finishedAt,
  };
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
