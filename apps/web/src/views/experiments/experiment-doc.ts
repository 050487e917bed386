/**
 * The Experiments view's form as experiment text (the YAML `doppel experiment run` reads), and an experiment's
 * results as CSV: both pure, so the view only wires them to inputs and links.
 */
import type { Experiment } from '@doppel/client';

/** How the points are chosen: every combination of listed values, or samples over ranges. */
export type DesignType = 'grid' | 'random' | 'latin_hypercube';

/** One factor of the form: a scenario field by path, with its values (grid) or its range (sampling designs). */
export interface FactorForm {
  /** A scenario field by path (`swap.demand.base_riders_per_hour`); empty rows are left out. */
  readonly path: string;
  /** Grid: the values, comma-separated (numbers stay numbers). */
  readonly values: string;
  /** Random and Latin hypercube designs: the range drawn from, and whether draws are whole numbers. */
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

export interface ExperimentForm {
  readonly name: string;
  /** The base scenario as the server finds it: relative to its examples' experiments folder. */
  readonly scenario: string;
  readonly design: DesignType;
  /** Points a random or Latin hypercube design draws. */
  readonly points: number;
  readonly factors: readonly FactorForm[];
  readonly replications: number;
  /** Outputs to collect, comma-separated (`kpis.wait_mean_s`). */
  readonly outputs: string;
  readonly seed: number;
}

/** The server's path of a scenario file among its examples (examples/<folder>/<id>.yaml). */
export function exampleScenarioPath(folder: string, id: string): string {
  return `../${folder}/${id}.yaml`;
}

function listOf(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A value as YAML: numbers and booleans bare, anything else quoted. */
function yamlValue(text: string): string {
  return /^-?\d+(\.\d+)?$/.test(text) || text === 'true' || text === 'false' ? text : JSON.stringify(text);
}

/** The experiment text of the form: its design over its factors (none: replications of the base alone). */
export function experimentText(form: ExperimentForm): string {
  const lines = [
    `name: ${JSON.stringify(form.name)}`,
    `seed: ${form.seed}`,
    'base:',
    `  scenario: ${JSON.stringify(form.scenario)}`,
  ];
  const sampled = form.design !== 'grid';
  if (sampled) lines.push(`design: { type: ${form.design}, points: ${form.points} }`);
  const factors = form.factors
    .map((factor) => ({ ...factor, path: factor.path.trim(), list: listOf(factor.values) }))
    .filter((factor) => factor.path.length > 0 && (sampled || factor.list.length > 0));
  if (factors.length > 0) {
    lines.push('factors:');
    for (const factor of factors) {
      lines.push(
        sampled
          ? `  ${factor.path}: { min: ${factor.min}, max: ${factor.max}${factor.integer ? ', integer: true' : ''} }`
          : `  ${factor.path}: [${factor.list.map(yamlValue).join(', ')}]`,
      );
    }
  }
  lines.push(`replications: ${form.replications}`, `outputs: [${listOf(form.outputs).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per point and output: the point's settings, then the estimate with its interval. */
export function resultsCsv(experiment: Experiment): string {
  const results = experiment.results;
  if (results === null) return '';
  const header = ['point', ...experiment.factors, 'output', 'mean', 'ci_low', 'ci_high', 'half_width', 'n'];
  const rows = results.estimates.map((row) => {
    const point = results.points.find((p) => p.index === row.pointIndex);
    const settings = experiment.factors.map((factor) => {
      const value = point?.settings[factor];
      return value === undefined ? null : String(value);
    });
    return [point?.label ?? String(row.pointIndex), ...settings, row.output, row.mean, row.ciLow, row.ciHigh]
      .concat([row.halfWidth, row.n])
      .map(csvCell)
      .join(',');
  });
  return [header.map(csvCell).join(','), ...rows].join('\n') + '\n';
}
